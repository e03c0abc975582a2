import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Decimal } from 'decimal.js';
import type { Item, TableMeta } from '../../../../src/dataplane/model.js';
import type { QueryRange, RegionStore, SortKeyCondition } from '../../../../src/dataplane/storage/types.js';
import { createTable, keysOf, randomInt, seededRandom, tempStore } from './helpers.js';

/** Runs the query a page at a time (resuming after the last key) and concatenates the pages. */
function queryInPages(store: RegionStore, table: TableMeta, range: QueryRange, pageSize: number): Item[] {
  const all: Item[] = [];
  let startKey: Item | undefined;
  for (;;) {
    const page: Item[] = [];
    for (const item of store.query(table, startKey ? { ...range, exclusiveStartKey: startKey } : range)) {
      page.push(item);
      if (page.length === pageSize) break;
    }
    all.push(...page);
    if (page.length < pageSize) return all;
    startKey = page[page.length - 1];
  }
}

test('numeric sort conditions map to ranges, both directions, with exclusiveStartKey', async () => {
  const handle = await tempStore();
  try {
    const { store } = handle;
    const table = await createTable(store, 'Numbers', { partition: ['pk', 'S'], sort: ['sk', 'N'] });
    const random = seededRandom(11);
    const sortValues = new Set<string>(['0', '-1', '1', '1.5', '-1.5', '100', '-100', '1e-130', '-1e-130']);
    while (sortValues.size < 60) sortValues.add(String((random() - 0.5) * 10 ** randomInt(random, 8)));
    await store.transact((tx) => {
      for (const sk of sortValues) {
        tx.putItem(table, { pk: { S: 'p' }, sk: { N: sk }, payload: { S: `p/${sk}` } });
        // Neighbouring partitions that must never leak into partition 'p'.
        for (const pk of ['o', 'p\u0000', 'pp', 'q']) tx.putItem(table, { pk: { S: pk }, sk: { N: sk } });
      }
    });
    const numbers = [...sortValues].sort((a, b) => new Decimal(a).cmp(new Decimal(b)));
    const value = (text: string) => ({ N: text });
    const conditions: [SortKeyCondition | undefined, (n: Decimal) => boolean][] = [
      [undefined, () => true],
      [{ op: 'EQ', value: value('1.50') }, (n) => n.eq(1.5)],
      [{ op: 'EQ', value: value('7.25') }, () => false],
      [{ op: 'LT', value: value('1') }, (n) => n.lt(1)],
      [{ op: 'LE', value: value('1') }, (n) => n.lte(1)],
      [{ op: 'GT', value: value('-1.5') }, (n) => n.gt(-1.5)],
      [{ op: 'GE', value: value('-01.5') }, (n) => n.gte(-1.5)],
      [{ op: 'BETWEEN', low: value('-100'), high: value('1e2') }, (n) => n.gte(-100) && n.lte(100)],
      [{ op: 'BETWEEN', low: value('5'), high: value('-5') }, () => false],
    ];
    for (const [sortCondition, keep] of conditions) {
      const expected = numbers.filter((n) => keep(new Decimal(n)));
      for (const forward of [true, false]) {
        const range: QueryRange = {
          partitionValue: { S: 'p' },
          forward,
          ...(sortCondition ? { sortCondition } : {}),
        };
        const want = forward ? expected : [...expected].reverse();
        const label = `${JSON.stringify(sortCondition)} forward=${forward}`;
        assert.deepEqual(keysOf(store.query(table, range), 'sk'), want, label);
        assert.deepEqual(keysOf(queryInPages(store, table, range, 7), 'sk'), want, `${label} paged`);
      }
    }
  } finally {
    await handle.cleanup();
  }
});

test('string and binary sort keys: BEGINS_WITH and byte order', async () => {
  const handle = await tempStore();
  try {
    const { store } = handle;
    const strings = await createTable(store, 'Strings', { partition: ['pk', 'N'], sort: ['sk', 'S'] });
    const words = ['a', 'ab', 'ab\u0000', 'ab\u0000c', 'abc', 'abd', 'b', 'é', '\u{1f600}', 'ac', ''];
    await store.transact((tx) => {
      for (const sk of words) {
        tx.putItem(strings, { pk: { N: '1' }, sk: { S: sk } });
        tx.putItem(strings, { pk: { N: '1.0001' }, sk: { S: sk } });
      }
    });
    const byBytes = (list: string[]) =>
      [...list].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const query = (range: Omit<QueryRange, 'partitionValue'>) =>
      keysOf(store.query(strings, { partitionValue: { N: '1.000' }, ...range }), 'sk');
    assert.deepEqual(query({ forward: true }), byBytes(words));
    const prefixed = byBytes(words.filter((word) => word.startsWith('ab')));
    assert.deepEqual(
      query({ forward: true, sortCondition: { op: 'BEGINS_WITH', value: { S: 'ab' } } }),
      prefixed,
    );
    assert.deepEqual(
      query({ forward: false, sortCondition: { op: 'BEGINS_WITH', value: { S: 'ab' } } }),
      [...prefixed].reverse(),
    );
    assert.deepEqual(
      query({
        forward: true,
        sortCondition: { op: 'BEGINS_WITH', value: { S: 'ab' } },
        exclusiveStartKey: { pk: { N: '1' }, sk: { S: 'ab\u0000' } },
      }),
      ['ab\u0000c', 'abc', 'abd'],
    );

    const binaries = await createTable(store, 'Binaries', { partition: ['pk', 'S'], sort: ['sk', 'B'] });
    const blobs = [[0], [0, 0], [0, 1], [1], [1, 0xff], [0xff], [0x7f, 0x80], [1, 0]].map((bytes) =>
      Buffer.from(bytes).toString('base64'),
    );
    await store.transact((tx) => {
      for (const sk of blobs) tx.putItem(binaries, { pk: { S: 'x' }, sk: { B: sk } });
    });
    const sortedBlobs = [...blobs].sort((a, b) =>
      Buffer.compare(Buffer.from(a, 'base64'), Buffer.from(b, 'base64')),
    );
    assert.deepEqual(
      keysOf(store.query(binaries, { partitionValue: { S: 'x' }, forward: true }), 'sk'),
      sortedBlobs,
    );
    const startsWith01 = store.query(binaries, {
      partitionValue: { S: 'x' },
      forward: true,
      sortCondition: { op: 'BEGINS_WITH', value: { B: Buffer.from([1]).toString('base64') } },
    });
    assert.deepEqual(
      keysOf(startsWith01, 'sk').map((b) => [...Buffer.from(b, 'base64')]),
      [[1], [1, 0], [1, 0xff]],
    );
  } finally {
    await handle.cleanup();
  }
});

test('keys longer than LMDB allows still work (get, query, exclusiveStartKey)', async () => {
  const handle = await tempStore();
  try {
    const { store } = handle;
    const table = await createTable(store, 'Long', { partition: ['pk', 'S'], sort: ['sk', 'S'] });
    const partition = 'p'.repeat(2048);
    const sorts = ['a', 'b'.repeat(1024), `${'b'.repeat(1023)}c`, 'c'];
    await store.transact((tx) => {
      for (const sk of sorts) tx.putItem(table, { pk: { S: partition }, sk: { S: sk }, v: { N: '1' } });
      tx.putItem(table, { pk: { S: `${partition.slice(0, 2047)}q` }, sk: { S: 'a' } });
    });
    assert.deepEqual(store.getItem(table, { pk: { S: partition }, sk: { S: sorts[1] as string } })?.v, {
      N: '1',
    });
    const all = keysOf(store.query(table, { partitionValue: { S: partition }, forward: true }), 'sk');
    assert.deepEqual([...all].sort(), [...sorts].sort());
    const between = store.query(table, {
      partitionValue: { S: partition },
      forward: true,
      sortCondition: { op: 'BETWEEN', low: { S: 'b' }, high: { S: 'b'.repeat(1024) } },
    });
    assert.deepEqual(keysOf(between, 'sk'), ['b'.repeat(1024)]);
    const paged = queryInPages(store, table, { partitionValue: { S: partition }, forward: false }, 1);
    assert.deepEqual(keysOf(paged, 'sk'), [...all].reverse());
    assert.equal(store.tableStats(table).itemCount, 5);
  } finally {
    await handle.cleanup();
  }
});
