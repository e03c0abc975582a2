import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DynamoError } from '../../../../../src/dataplane/model.js';
import { getItem } from '../../../../../src/dataplane/operations/items/get-item.js';
import { putItem } from '../../../../../src/dataplane/operations/items/put-item.js';
import { transactGetItems } from '../../../../../src/dataplane/operations/items/transact-get-items.js';
import { transactWriteItems } from '../../../../../src/dataplane/operations/items/transact-write-items.js';
import { type Harness, openItemHarness, rejectsWith } from './item-harness.js';

const key = (id: string) => ({ userId: { S: id } });
const get = (h: Harness, id: string) => h.call(getItem, { TableName: 'Users', Key: key(id) });

describe('TransactWriteItems', () => {
  let harness: Harness;
  before(async () => {
    harness = await openItemHarness();
    await harness.call(putItem, { TableName: 'Users', Item: { ...key('acct'), balance: { N: '10' } } });
  });
  after(() => harness.close());

  test('all actions apply together; capacity doubled', async () => {
    const result = await harness.call(transactWriteItems, {
      TransactItems: [
        { Put: { TableName: 'Users', Item: { ...key('t1') } } },
        {
          Update: {
            TableName: 'Users',
            Key: key('acct'),
            UpdateExpression: 'SET balance = balance - :d',
            ExpressionAttributeValues: { ':d': { N: '3' } },
          },
        },
      ],
      ReturnConsumedCapacity: 'TOTAL',
    });
    assert.deepEqual(result, {
      ConsumedCapacity: [{ TableName: 'Users', CapacityUnits: 4, WriteCapacityUnits: 4 }],
    });
    assert.deepEqual((await get(harness, 'acct')).Item, { ...key('acct'), balance: { N: '7' } });
    assert.ok((await get(harness, 't1')).Item);
  });

  test('one failed condition cancels everything, reasons in order', async () => {
    await assert.rejects(
      harness.call(transactWriteItems, {
        TransactItems: [
          { Put: { TableName: 'Users', Item: { ...key('t2') } } },
          {
            ConditionCheck: {
              TableName: 'Users',
              Key: key('acct'),
              ConditionExpression: 'balance > :big',
              ExpressionAttributeValues: { ':big': { N: '100' } },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
        ],
      }),
      (error: unknown) => {
        assert.ok(error instanceof DynamoError);
        assert.equal(error.code, 'TransactionCanceledException');
        assert.equal(
          error.message,
          'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]',
        );
        assert.deepEqual(error.extra.CancellationReasons, [
          { Code: 'None' },
          {
            Code: 'ConditionalCheckFailed',
            Message: 'The conditional request failed',
            Item: { ...key('acct'), balance: { N: '7' } },
          },
        ]);
        return true;
      },
    );
    assert.deepEqual(await get(harness, 't2'), {});
  });

  test('two actions on one item are refused', async () => {
    await rejectsWith(
      harness.call(transactWriteItems, {
        TransactItems: [
          { Put: { TableName: 'Users', Item: key('dup') } },
          { Delete: { TableName: 'Users', Key: key('dup') } },
        ],
      }),
      'ValidationException',
      'Transaction request cannot include multiple operations on one item',
    );
  });

  test('ClientRequestToken: a replay does not re-apply; a different request fails', async () => {
    const request = {
      ClientRequestToken: 'token-1',
      TransactItems: [
        {
          Update: {
            TableName: 'Users',
            Key: key('counter'),
            UpdateExpression: 'ADD n :one',
            ExpressionAttributeValues: { ':one': { N: '1' } },
          },
        },
      ],
    };
    await harness.call(transactWriteItems, request);
    await harness.call(transactWriteItems, request);
    assert.deepEqual((await get(harness, 'counter')).Item, { ...key('counter'), n: { N: '1' } });
    await rejectsWith(
      harness.call(transactWriteItems, {
        ...request,
        TransactItems: [{ Delete: { TableName: 'Users', Key: key('counter') } }],
      }),
      'IdempotentParameterMismatchException',
      /previous request/,
    );
    harness.clock.nowMs += 11 * 60 * 1000;
    await harness.call(transactWriteItems, request);
    assert.deepEqual((await get(harness, 'counter')).Item, { ...key('counter'), n: { N: '2' } });
  });

  test('stage-1: empty and oversized action lists', async () => {
    await rejectsWith(
      harness.call(transactWriteItems, { TransactItems: [] }),
      'ValidationException',
      "1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });
});

describe('TransactGetItems', () => {
  let harness: Harness;
  before(async () => {
    harness = await openItemHarness();
    await harness.call(putItem, { TableName: 'Users', Item: { ...key('a'), x: { S: '1' }, y: { S: '2' } } });
  });
  after(() => harness.close());

  test('responses in order, missing items as {}, projection, doubled capacity', async () => {
    const result = await harness.call(transactGetItems, {
      TransactItems: [
        { Get: { TableName: 'Users', Key: key('missing') } },
        { Get: { TableName: 'Users', Key: key('a'), ProjectionExpression: 'x' } },
      ],
      ReturnConsumedCapacity: 'TOTAL',
    });
    assert.deepEqual(result, {
      Responses: [{}, { Item: { x: { S: '1' } } }],
      ConsumedCapacity: [{ TableName: 'Users', CapacityUnits: 4, ReadCapacityUnits: 4 }],
    });
  });
});
