import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Item } from '../../../../src/dataplane/model.js';
import { createTable, keysOf, tempStore } from './helpers.js';

test('a throwing callback keeps nothing and rejects with its error; batched neighbours commit', async () => {
  const handle = await tempStore();
  try {
    const { store } = handle;
    const table = await createTable(
      store,
      'T',
      { partition: ['pk', 'S'] },
      { gsis: [['G', { partition: ['g', 'S'] }]] },
    );
    const failure = new Error('callback failed');
    const results = await Promise.allSettled([
      store.transact((tx) => tx.putItem(table, { pk: { S: 'before' }, g: { S: 'x' } })),
      store.transact((tx) => {
        tx.putItem(table, { pk: { S: 'doomed' }, g: { S: 'x' } });
        tx.deleteItem(table, { pk: { S: 'before' } });
        throw failure;
      }),
      store.transact((tx) => {
        tx.putItem(table, { pk: { S: 'after' }, g: { S: 'x' } });
        return 42;
      }),
    ]);
    assert.equal(results[0]?.status, 'fulfilled');
    assert.deepEqual(results[1], { status: 'rejected', reason: failure });
    assert.deepEqual(results[2], { status: 'fulfilled', value: 42 });
    assert.deepEqual(keysOf(store.scan(table, {}), 'pk'), ['after', 'before']);
    assert.deepEqual(
      keysOf(store.query(table, { indexName: 'G', partitionValue: { S: 'x' }, forward: true }), 'pk'),
      ['after', 'before'],
    );
    assert.equal(store.tableStats(table).itemCount, 2);
    assert.equal(store.tableStats(table, 'G').itemCount, 2);
  } finally {
    await handle.cleanup();
  }
});

test('concurrent read-modify-write callbacks are isolated (no lost updates)', async () => {
  const handle = await tempStore();
  try {
    const { store } = handle;
    const table = await createTable(store, 'Counter', { partition: ['pk', 'S'] });
    const increments = Array.from({ length: 500 }, (_, index) =>
      store.transact((tx) => {
        const current = tx.getItem(table, { pk: { S: 'c' } });
        const count = current && 'N' in (current.n ?? {}) ? Number((current.n as { N: string }).N) : 0;
        tx.putItem(table, { pk: { S: 'c' }, n: { N: String(count + 1) } });
        if (index % 10 === 0) throw new Error('skip');
        return tx.getItem(table, { pk: { S: 'c' } });
      }),
    );
    const settled = await Promise.allSettled(increments);
    assert.equal(settled.filter((result) => result.status === 'rejected').length, 50);
    assert.deepEqual(store.getItem(table, { pk: { S: 'c' } }), { pk: { S: 'c' }, n: { N: '450' } });
  } finally {
    await handle.cleanup();
  }
});

test('returned items are fresh objects; reads outside transact see only committed data', async () => {
  const handle = await tempStore();
  try {
    const { store } = handle;
    const table = await createTable(store, 'Fresh', { partition: ['pk', 'S'] });
    const item: Item = {
      pk: { S: 'a' },
      list: { L: [{ S: 'x' }, { NULL: true }, { BOOL: false }] },
      set: { NS: ['1', '2'] },
    };
    await store.transact((tx) => tx.putItem(table, item));
    item.list = { S: 'mutated by caller' };
    const first = store.getItem(table, { pk: { S: 'a' } });
    assert.deepEqual(first?.list, { L: [{ S: 'x' }, { NULL: true }, { BOOL: false }] });
    if (first) first.set = { NS: [] };
    assert.deepEqual(store.getItem(table, { pk: { S: 'a' } })?.set, { NS: ['1', '2'] });
    let seenOutside: Item | undefined;
    await store.transact((tx) => {
      tx.putItem(table, { pk: { S: 'b' } });
      seenOutside = undefined;
    });
    seenOutside = store.getItem(table, { pk: { S: 'b' } });
    assert.deepEqual(seenOutside, { pk: { S: 'b' } });
  } finally {
    await handle.cleanup();
  }
});

test('metadata, items, stats and the number counter persist across close and reopen', async () => {
  const handle = await tempStore();
  try {
    const table = await createTable(handle.store, 'Kept', { partition: ['pk', 'S'] });
    await handle.store.transact((tx) => {
      for (let index = 0; index < 20; index++)
        tx.putItem(table, { pk: { S: `k${index}` }, v: { N: String(index) } });
    });
    const statsBefore = handle.store.tableStats(table);
    const lastNumber = await handle.store.allocateNumber();
    const store = await handle.reopen();
    assert.deepEqual(store.listTableNames(), ['Kept']);
    assert.deepEqual(store.getTableMeta('Kept'), table);
    assert.equal([...store.scan(table, {})].length, 20);
    assert.deepEqual(store.tableStats(table), statsBefore);
    assert.equal(await store.allocateNumber(), lastNumber + 1);
  } finally {
    await handle.cleanup();
  }
});

test('dropTable hides the table at once and removes items, index entries and stats', async () => {
  const handle = await tempStore();
  try {
    const { store } = handle;
    const table = await createTable(
      store,
      'Gone',
      { partition: ['pk', 'S'] },
      { gsis: [['G', { partition: ['g', 'S'] }]] },
    );
    for (let batch = 0; batch < 3; batch++) {
      await store.transact((tx) => {
        for (let index = 0; index < 1000; index++)
          tx.putItem(table, { pk: { S: `${batch}-${index}` }, g: { S: 'x' } });
      });
    }
    const other = await createTable(store, 'Other', { partition: ['pk', 'S'] });
    await store.transact((tx) => tx.putItem(other, { pk: { S: 'stay' } }));
    await store.dropTable('Gone');
    assert.equal(store.getTableMeta('Gone'), undefined);
    assert.deepEqual(store.listTableNames(), ['Other']);
    assert.equal([...store.scan(table, {})].length, 0);
    assert.equal([...store.scan(table, { indexName: 'G' })].length, 0);
    assert.deepEqual(store.tableStats(table), { itemCount: 0, sizeBytes: 0 });
    assert.equal([...store.scan(other, {})].length, 1);
    // A write with the stale meta must not resurrect data under the dropped table.
    await assert.rejects(
      store.transact((tx) => tx.putItem(table, { pk: { S: 'late' } })),
      { name: 'ResourceNotFoundException' },
    );
    const recreated = await createTable(store, 'Gone', { partition: ['pk', 'S'] });
    assert.notEqual(recreated.tableNumber, table.tableNumber);
    assert.equal([...store.scan(recreated, {})].length, 0);
    await store.dropTable('never-existed');
  } finally {
    await handle.cleanup();
  }
});

test('the TTL index finds expired items, in expiry order, and follows updates', async () => {
  const handle = await tempStore();
  try {
    const { store } = handle;
    const created = await createTable(store, 'Ttl', { partition: ['pk', 'S'] });
    const table = { ...created, timeToLive: { attributeName: 'exp', status: 'ENABLED' as const } };
    await store.putTableMeta(table);
    await store.transact((tx) => {
      tx.putItem(table, { pk: { S: 'late' }, exp: { N: '2000' } });
      tx.putItem(table, { pk: { S: 'early' }, exp: { N: '1000.5' } });
      tx.putItem(table, { pk: { S: 'never' } });
      tx.putItem(table, { pk: { S: 'text' }, exp: { S: '1' } });
      tx.putItem(table, { pk: { S: 'moved' }, exp: { N: '1500' } });
    });
    const expired = (now: number) => keysOf(store.expiredItems?.(table, now) ?? [], 'pk');
    assert.deepEqual(expired(999), []);
    assert.deepEqual(expired(1600), ['early', 'moved']);
    await store.transact((tx) => {
      tx.putItem(table, { pk: { S: 'moved' }, exp: { N: '3000' } });
      tx.deleteItem(table, { pk: { S: 'early' } });
    });
    assert.deepEqual(expired(2500), ['late']);
    assert.deepEqual(expired(1e10), ['late', 'moved']);
  } finally {
    await handle.cleanup();
  }
});
