import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Item } from '../../../../src/dataplane/model.js';
import { createTable, keysOf, tempStore } from './helpers.js';

const openIndexedTable = async () => {
  const handle = await tempStore();
  const table = await createTable(
    handle.store,
    'Orders',
    { partition: ['pk', 'S'], sort: ['sk', 'N'] },
    {
      gsis: [
        ['ByStatus', { partition: ['status', 'S'], sort: ['amount', 'N'] }],
        ['StatusKeys', { partition: ['status', 'S'] }, { ProjectionType: 'KEYS_ONLY' }],
        [
          'StatusInclude',
          { partition: ['status', 'S'] },
          { ProjectionType: 'INCLUDE', NonKeyAttributes: ['note'] },
        ],
      ],
      lsis: [['ByCity', { partition: ['pk', 'S'], sort: ['city', 'S'] }, { ProjectionType: 'KEYS_ONLY' }]],
    },
  );
  return { handle, store: handle.store, table };
};

const order = (pk: string, sk: number, extra: Item = {}): Item => ({
  pk: { S: pk },
  sk: { N: String(sk) },
  ...extra,
});

test('index entries: sparse, typed, projected, and moved when the index key changes', async () => {
  const { handle, store, table } = await openIndexedTable();
  try {
    await store.transact((tx) => {
      tx.putItem(
        table,
        order('a', 1, { status: { S: 'open' }, amount: { N: '10' }, note: { S: 'n1' }, x: { S: 'x' } }),
      );
      tx.putItem(table, order('a', 2, { status: { S: 'open' }, amount: { N: '5' }, city: { S: 'Oslo' } }));
      tx.putItem(table, order('b', 1, { status: { S: 'open' } })); // no amount: not in ByStatus
      tx.putItem(table, order('c', 1, { status: { N: '1' }, amount: { N: '1' } })); // wrong type: in no GSI
      tx.putItem(table, order('d', 1)); // no index attributes at all
    });
    const byStatus = (status: string, forward = true) => [
      ...store.query(table, { indexName: 'ByStatus', partitionValue: { S: status }, forward }),
    ];
    assert.deepEqual(keysOf(byStatus('open'), 'amount'), ['5', '10']);
    assert.deepEqual(
      byStatus('open')[1],
      order('a', 1, { status: { S: 'open' }, amount: { N: '10' }, note: { S: 'n1' }, x: { S: 'x' } }),
    );
    assert.deepEqual(store.tableStats(table, 'ByStatus').itemCount, 2);
    assert.deepEqual(store.tableStats(table, 'StatusKeys').itemCount, 3);
    assert.deepEqual(store.tableStats(table).itemCount, 5);

    // Duplicate index keys order by table key; projections keep table + index keys (+ INCLUDE).
    const keysOnly = [
      ...store.query(table, { indexName: 'StatusKeys', partitionValue: { S: 'open' }, forward: true }),
    ];
    assert.deepEqual(keysOnly, [
      order('a', 1, { status: { S: 'open' } }),
      order('a', 2, { status: { S: 'open' } }),
      order('b', 1, { status: { S: 'open' } }),
    ]);
    const included = [
      ...store.query(table, { indexName: 'StatusInclude', partitionValue: { S: 'open' }, forward: false }),
    ];
    assert.deepEqual(included[2], order('a', 1, { status: { S: 'open' }, note: { S: 'n1' } }));
    const lsi = [...store.query(table, { indexName: 'ByCity', partitionValue: { S: 'a' }, forward: true })];
    assert.deepEqual(lsi, [order('a', 2, { city: { S: 'Oslo' } })]);

    // Resuming an index query after table key + index key.
    const resumed = store.query(table, {
      indexName: 'StatusKeys',
      partitionValue: { S: 'open' },
      forward: true,
      exclusiveStartKey: order('a', 2, { status: { S: 'open' } }),
    });
    assert.deepEqual(keysOf(resumed, 'pk'), ['b']);

    // Changing the index key moves the entry; removing it removes the entry; deleting cleans up.
    await store.transact((tx) => {
      tx.putItem(table, order('a', 1, { status: { S: 'closed' }, amount: { N: '10' } }));
      tx.putItem(table, order('a', 2, { status: { S: 'open' } }));
      tx.deleteItem(table, order('b', 1));
    });
    assert.deepEqual(keysOf(byStatus('open'), 'amount'), []);
    assert.deepEqual(keysOf(byStatus('closed'), 'sk'), ['1']);
    assert.deepEqual(
      keysOf(
        store.query(table, { indexName: 'StatusKeys', partitionValue: { S: 'open' }, forward: true }),
        'pk',
      ),
      ['a'],
    );
    assert.deepEqual(
      [...store.query(table, { indexName: 'ByCity', partitionValue: { S: 'a' }, forward: true })],
      [],
    );
    assert.deepEqual(store.tableStats(table, 'StatusKeys').itemCount, 2);
    assert.deepEqual(store.tableStats(table).itemCount, 4);
    assert.ok(store.tableStats(table).sizeBytes > 0);

    // A scan of an index returns its projected entries.
    assert.deepEqual(keysOf(store.scan(table, { indexName: 'StatusKeys' }), 'status'), ['closed', 'open']);
  } finally {
    await handle.cleanup();
  }
});

test('an index added to the meta is maintained at once; a removed one is purged', async () => {
  const { handle, store, table } = await openIndexedTable();
  try {
    await store.transact((tx) => {
      for (let sk = 0; sk < 50; sk++)
        tx.putItem(table, order('z', sk, { status: { S: 'open' }, amount: { N: String(sk) } }));
    });
    const withoutByStatus = { ...table, GlobalSecondaryIndexes: table.GlobalSecondaryIndexes.slice(1) };
    await store.putTableMeta(withoutByStatus);
    const removed = table.GlobalSecondaryIndexes[0];
    assert.ok(removed);
    const remaining = () => [
      ...store.query(table, { indexName: 'ByStatus', partitionValue: { S: 'open' }, forward: true }),
    ];
    for (let attempt = 0; attempt < 200 && remaining().length > 0; attempt++) await sleep(10);
    assert.equal(remaining().length, 0);
    assert.equal(store.tableStats(table, 'ByStatus').itemCount, 0);
    assert.equal(store.tableStats(withoutByStatus, 'StatusKeys').itemCount, 50);

    const newIndexId = await store.allocateNumber();
    const withNew = {
      ...withoutByStatus,
      GlobalSecondaryIndexes: [
        ...withoutByStatus.GlobalSecondaryIndexes,
        { ...removed, IndexName: 'Fresh', indexId: newIndexId, IndexStatus: 'CREATING' as const },
      ],
    };
    await store.putTableMeta(withNew);
    await store.transact((tx) => {
      tx.putItem(withNew, order('y', 1, { status: { S: 'open' }, amount: { N: '3' } }));
      // The backfill rewrites existing items.
      for (const item of [...store.scan(withNew, {})].slice(0, 10)) tx.putItem(withNew, item);
    });
    // y1 plus the first nine z items rewritten: the rest still await their backfill.
    assert.equal(store.tableStats(withNew, 'Fresh').itemCount, 10);
  } finally {
    await handle.cleanup();
  }
});

test('parallel scan segments partition the table exactly, keeping partitions together', async () => {
  const handle = await tempStore();
  try {
    const { store } = handle;
    const table = await createTable(store, 'Scan', { partition: ['pk', 'N'], sort: ['sk', 'S'] });
    await store.transact((tx) => {
      for (let pk = 0; pk < 120; pk++)
        for (let sk = 0; sk < 5; sk++) tx.putItem(table, { pk: { N: String(pk - 60) }, sk: { S: `s${sk}` } });
    });
    const id = (item: Item) => JSON.stringify([item.pk, item.sk]);
    const all = [...store.scan(table, {})].map(id);
    assert.equal(all.length, 600);
    for (const totalSegments of [1, 3, 8]) {
      const seen = new Map<string, number>();
      const partitionSegment = new Map<string, number>();
      for (let segment = 0; segment < totalSegments; segment++) {
        for (const item of store.scan(table, { segment, totalSegments })) {
          assert.equal(seen.has(id(item)), false, 'an item in two segments');
          seen.set(id(item), segment);
          const partition = JSON.stringify(item.pk);
          assert.equal(
            partitionSegment.get(partition) ?? segment,
            segment,
            'a partition split across segments',
          );
          partitionSegment.set(partition, segment);
        }
      }
      assert.deepEqual([...seen.keys()].sort(), [...all].sort());
    }
    // Paging a scan with exclusiveStartKey visits every item once.
    const paged: string[] = [];
    let startKey: Item | undefined;
    for (;;) {
      const page = [...take(store.scan(table, startKey ? { exclusiveStartKey: startKey } : {}), 97)];
      paged.push(...page.map(id));
      if (page.length < 97) break;
      startKey = page[page.length - 1];
    }
    assert.deepEqual(paged, all);
    assert.throws(() => [...store.scan(table, { segment: 3, totalSegments: 3 })], /INVALID_SEGMENT/);
  } finally {
    await handle.cleanup();
  }
});

function* take<T>(items: Iterable<T>, count: number): Iterable<T> {
  if (count <= 0) return;
  let taken = 0;
  for (const item of items) {
    yield item;
    if (++taken >= count) return;
  }
}
