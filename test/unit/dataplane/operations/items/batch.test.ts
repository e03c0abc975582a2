import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { batchGetItem } from '../../../../../src/dataplane/operations/items/batch-get-item.js';
import { batchWriteItem } from '../../../../../src/dataplane/operations/items/batch-write-item.js';
import { getItem } from '../../../../../src/dataplane/operations/items/get-item.js';
import { type Harness, openItemHarness, rejectsWith } from './item-harness.js';

const put = (id: string, extra: Record<string, unknown> = {}) => ({
  PutRequest: { Item: { userId: { S: id }, ...extra } },
});
const del = (id: string) => ({ DeleteRequest: { Key: { userId: { S: id } } } });
const key = (id: string) => ({ userId: { S: id } });

describe('BatchWriteItem', () => {
  let harness: Harness;
  before(async () => {
    harness = await openItemHarness();
  });
  after(() => harness.close());

  test('puts and deletes across tables; UnprocessedItems stays empty; capacity per table', async () => {
    const result = await harness.call(batchWriteItem, {
      RequestItems: {
        Users: [put('a'), put('b')],
        Events: [{ PutRequest: { Item: { pk: { S: 'p' }, sk: { N: '1' } } } }],
      },
      ReturnConsumedCapacity: 'TOTAL',
    });
    assert.deepEqual(result, {
      UnprocessedItems: {},
      ConsumedCapacity: [
        { TableName: 'Users', CapacityUnits: 2 },
        { TableName: 'Events', CapacityUnits: 1 },
      ],
    });
    await harness.call(batchWriteItem, { RequestItems: { Users: [del('a')] } });
    assert.deepEqual(await harness.call(getItem, { TableName: 'Users', Key: key('a') }), {});
    assert.ok((await harness.call(getItem, { TableName: 'Users', Key: key('b') })).Item);
  });

  test('more than 25 requests over all tables', async () => {
    const many = Array.from({ length: 13 }, (_, index) => put(`m${index}`));
    await rejectsWith(
      harness.call(batchWriteItem, {
        RequestItems: {
          Users: many,
          Events: many.map((_, i) => ({ PutRequest: { Item: { pk: { S: 'x' }, sk: { N: `${i}` } } } })),
        },
      }),
      'ValidationException',
      'Too many items requested for the BatchWriteItem call',
    );
  });

  test('more than 25 for one table is a stage-1 map constraint', async () => {
    const many = Array.from({ length: 26 }, (_, index) => put(`m${index}`));
    await rejectsWith(
      harness.call(batchWriteItem, { RequestItems: { Users: many } }),
      'ValidationException',
      /^1 validation error detected: Value '\{Users=\[com\.amazonaws\.dynamodb\.v20120810\.WriteRequest@[0-9a-f]{8}, .*\]\}' at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: \[Member must have length less than or equal to 25, Member must have length greater than or equal to 1\]$/,
    );
  });

  test('duplicate keys, unknown tables, invalid items fail the whole batch', async () => {
    await rejectsWith(
      harness.call(batchWriteItem, { RequestItems: { Users: [put('d'), del('d')] } }),
      'ValidationException',
      'Provided list of item keys contains duplicates',
    );
    await rejectsWith(
      harness.call(batchWriteItem, { RequestItems: { Users: [put('ok')], Nope: [put('x')] } }),
      'ResourceNotFoundException',
      'Requested resource not found',
    );
    await rejectsWith(
      harness.call(batchWriteItem, {
        RequestItems: { Users: [put('ok2'), { PutRequest: { Item: { userId: { N: '1' } } } }] },
      }),
      'ValidationException',
      'One or more parameter values were invalid: Type mismatch for key userId expected: S actual: N',
    );
    assert.deepEqual(await harness.call(getItem, { TableName: 'Users', Key: key('ok2') }), {});
  });
});

describe('BatchGetItem', () => {
  let harness: Harness;
  before(async () => {
    harness = await openItemHarness();
    await harness.call(batchWriteItem, { RequestItems: { Users: [put('a', { n: { N: '1' } }), put('b')] } });
  });
  after(() => harness.close());

  test('reads found items, skips missing ones, charges per key', async () => {
    const result = await harness.call(batchGetItem, {
      RequestItems: { Users: { Keys: [key('a'), key('b'), key('zz')], ConsistentRead: true } },
      ReturnConsumedCapacity: 'TOTAL',
    });
    assert.deepEqual(result, {
      Responses: { Users: [{ userId: { S: 'a' }, n: { N: '1' } }, { userId: { S: 'b' } }] },
      UnprocessedKeys: {},
      ConsumedCapacity: [{ TableName: 'Users', CapacityUnits: 3 }],
    });
  });

  test('projection per table', async () => {
    const result = await harness.call(batchGetItem, {
      RequestItems: {
        Users: { Keys: [key('a')], ProjectionExpression: '#n', ExpressionAttributeNames: { '#n': 'n' } },
      },
    });
    assert.deepEqual(result.Responses, { Users: [{ n: { N: '1' } }] });
  });

  test('limits and duplicates', async () => {
    await rejectsWith(
      harness.call(batchGetItem, {
        RequestItems: {
          Users: { Keys: Array.from({ length: 60 }, (_, i) => key(`k${i}`)) },
          Events: { Keys: Array.from({ length: 41 }, (_, i) => ({ pk: { S: 'p' }, sk: { N: `${i}` } })) },
        },
      }),
      'ValidationException',
      'Too many items requested for the BatchGetItem call',
    );
    await rejectsWith(
      harness.call(batchGetItem, { RequestItems: { Users: { Keys: [key('a'), key('a')] } } }),
      'ValidationException',
      'Provided list of item keys contains duplicates',
    );
  });
});
