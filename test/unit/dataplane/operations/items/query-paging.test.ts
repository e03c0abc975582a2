import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Item, TableMeta } from '../../../../../src/dataplane/model.js';
import {
  checkKeyCondition,
  checkStartKeyWithinRange,
  satisfiesSortCondition,
} from '../../../../../src/dataplane/operations/items/query-scan-key-condition.js';
import { maxPageBytes, readPage } from '../../../../../src/dataplane/operations/items/query-scan-paging.js';
import { n, s } from './query-scan-harness.js';

const table = {
  TableName: 'Events',
  AttributeDefinitions: [
    { AttributeName: 'userId', AttributeType: 'S' },
    { AttributeName: 'at', AttributeType: 'N' },
  ],
  KeySchema: [
    { AttributeName: 'userId', KeyType: 'HASH' },
    { AttributeName: 'at', KeyType: 'RANGE' },
  ],
} as unknown as TableMeta;

const items = (count: number, padding = ''): Item[] =>
  Array.from({ length: count }, (_, i) => ({ userId: s('u'), at: n(i), pad: s(padding) }));

/** An iterable that counts how many items were pulled from it. */
function counted(source: Item[]): { iterable: Iterable<Item>; pulled: () => number } {
  let pulled = 0;
  return {
    iterable: {
      *[Symbol.iterator]() {
        for (const item of source) {
          pulled += 1;
          yield item;
        }
      },
    },
    pulled: () => pulled,
  };
}

const plan = (source: Iterable<Item>, limit?: number) => ({
  source,
  limit,
  filter: undefined,
  selection: { kind: 'allAttributes' as const },
  startKeyNames: ['userId', 'at'],
  fetchFromTable: undefined,
});

describe('readPage', () => {
  test('stops at Limit, pulls no further item, and returns a LastEvaluatedKey', () => {
    const source = counted(items(10));
    const page = readPage(plan(source.iterable, 3));
    assert.equal(page.scannedCount, 3);
    assert.equal(page.count, 3);
    assert.equal(source.pulled(), 3);
    assert.deepEqual(page.lastEvaluatedKey, { userId: s('u'), at: n(2) });
  });

  test('a Limit reached exactly at the end still yields a LastEvaluatedKey', () => {
    const page = readPage(plan(items(3), 3));
    assert.deepEqual(page.lastEvaluatedKey, { userId: s('u'), at: n(2) });
  });

  test('no LastEvaluatedKey when the source is exhausted before any limit', () => {
    const page = readPage(plan(items(3), 5));
    assert.equal(page.lastEvaluatedKey, undefined);
    assert.equal(page.count, 3);
  });

  test('stops once 1 MB was read, including the item that crossed it', () => {
    const big = items(20, 'x'.repeat(100_000));
    const source = counted(big);
    const page = readPage(plan(source.iterable));
    assert.ok(page.bytesRead >= maxPageBytes);
    assert.ok(page.bytesRead - 100_100 < maxPageBytes, 'the page ends at the first item past 1 MB');
    assert.equal(page.scannedCount, source.pulled());
    assert.equal(page.scannedCount, 11);
    assert.deepEqual(page.lastEvaluatedKey, { userId: s('u'), at: n(10) });
  });

  test('count-only selection keeps no items', () => {
    const page = readPage({ ...plan(items(4)), selection: { kind: 'count' } });
    assert.equal(page.count, 4);
    assert.deepEqual(page.items, []);
  });
});

describe('checkKeyCondition', () => {
  const check = (condition: Parameters<typeof checkKeyCondition>[2]) =>
    checkKeyCondition(table, table.KeySchema, condition, 'KeyConditionExpression');

  test('accepts the hash key alone and with a sort-key range', () => {
    assert.equal(check({ partition: { name: 'userId', value: s('a') } }).sortCondition, undefined);
    const range = check({
      partition: { name: 'userId', value: s('a') },
      sort: { name: 'at', condition: { op: 'BETWEEN', low: n(1), high: n(5) } },
    });
    assert.equal(range.sortName, 'at');
  });

  test('accepts equality on both keys whichever slot the parser used', () => {
    const range = check({
      partition: { name: 'at', value: n(1) },
      sort: { name: 'userId', condition: { op: 'EQ', value: s('a') } },
    });
    assert.equal(range.partitionName, 'userId');
    assert.deepEqual(range.partitionValue, s('a'));
    assert.deepEqual(range.sortCondition, { op: 'EQ', value: n(1) });
  });

  test('missing hash key', () => {
    assert.throws(() => check({ partition: { name: 'at', value: n(1) } }), {
      message: 'Query condition missed key schema element: userId',
    });
  });

  test('a non-key attribute next to the hash key misses the sort key', () => {
    assert.throws(
      () =>
        check({
          partition: { name: 'userId', value: s('a') },
          sort: { name: 'other', condition: { op: 'GT', value: n(1) } },
        }),
      { message: 'Query condition missed key schema element: at' },
    );
  });

  test('a range condition on the hash key is not supported', () => {
    assert.throws(
      () =>
        check({
          partition: { name: 'at', value: n(1) },
          sort: { name: 'userId', condition: { op: 'GT', value: s('a') } },
        }),
      { message: 'Query key condition not supported' },
    );
  });

  test('value types must match the schema', () => {
    assert.throws(
      () =>
        check({
          partition: { name: 'userId', value: s('a') },
          sort: { name: 'at', condition: { op: 'GT', value: s('1') } },
        }),
      {
        message:
          'One or more parameter values were invalid: Condition parameter type does not match schema type',
      },
    );
  });

  test('begins_with on a number sort key is rejected', () => {
    assert.throws(
      () =>
        checkKeyCondition(
          table,
          table.KeySchema,
          {
            partition: { name: 'userId', value: s('a') },
            sort: { name: 'at', condition: { op: 'BEGINS_WITH', value: n(1) } },
          },
          'KeyConditions',
        ),
      {
        message:
          'One or more parameter values were invalid: ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type',
      },
    );
  });

  test('a hash-only schema supports only one condition', () => {
    const hashOnly = { ...table, KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' as const }] };
    assert.throws(
      () =>
        checkKeyCondition(
          hashOnly,
          hashOnly.KeySchema,
          {
            partition: { name: 'userId', value: s('a') },
            sort: { name: 'at', condition: { op: 'GT', value: n(1) } },
          },
          'KeyConditionExpression',
        ),
      { message: 'Query key condition not supported' },
    );
  });
});

describe('start key within the query range', () => {
  const range = {
    partitionName: 'userId',
    partitionValue: s('a'),
    sortName: 'at',
    sortCondition: { op: 'GE' as const, value: n(5) },
  };

  test('outside the partition without a sort condition', () => {
    assert.throws(
      () =>
        checkStartKeyWithinRange(
          { userId: s('b'), at: n(1) },
          { ...range, sortName: undefined, sortCondition: undefined },
        ),
      { message: 'The provided starting key is outside query boundaries based on provided conditions' },
    );
  });

  test('outside the sort-key predicate', () => {
    assert.throws(() => checkStartKeyWithinRange({ userId: s('a'), at: n(1) }, range), {
      message: 'The provided starting key does not match the range key predicate',
    });
  });

  test('inside', () => {
    checkStartKeyWithinRange({ userId: s('a'), at: n(7) }, range);
  });

  test('sort conditions compare numbers numerically and prefixes by bytes', () => {
    assert.ok(satisfiesSortCondition(n(10), { op: 'GT', value: n(9) }));
    assert.ok(satisfiesSortCondition(s('order#12'), { op: 'BEGINS_WITH', value: s('order#') }));
    assert.ok(!satisfiesSortCondition(s('ord'), { op: 'BEGINS_WITH', value: s('order#') }));
    assert.ok(satisfiesSortCondition({ B: 'AQID' }, { op: 'BEGINS_WITH', value: { B: 'AQI=' } }));
  });
});
