import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { deleteItem } from '../../../../../src/dataplane/operations/items/delete-item.js';
import { getItem } from '../../../../../src/dataplane/operations/items/get-item.js';
import { putItem } from '../../../../../src/dataplane/operations/items/put-item.js';
import { updateItem } from '../../../../../src/dataplane/operations/items/update-item.js';
import { type Harness, invalid, openItemHarness, rejectsWith, text } from './item-harness.js';

const user = (id: string, extra: Record<string, unknown> = {}) => ({ userId: { S: id }, ...extra });

describe('PutItem / GetItem / DeleteItem', () => {
  let harness: Harness;
  before(async () => {
    harness = await openItemHarness();
  });
  after(() => harness.close());

  test('put then get; a missing item answers {}', async () => {
    assert.deepEqual(
      await harness.call(putItem, { TableName: 'Users', Item: user('u1', { n: { N: '1.50' } }) }),
      {},
    );
    assert.deepEqual(await harness.call(getItem, { TableName: 'Users', Key: user('u1') }), {
      Item: user('u1', { n: { N: '1.5' } }),
    });
    assert.deepEqual(await harness.call(getItem, { TableName: 'Users', Key: user('nobody') }), {});
  });

  test('stage-1 errors come first, all together', async () => {
    await rejectsWith(
      harness.call(putItem, { ReturnValues: 'FOO' }),
      'ValidationException',
      "3 validation errors detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null; " +
        "Value 'FOO' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]; " +
        "Value null at 'item' failed to satisfy constraint: Member must not be null",
    );
  });

  test('PutItem ReturnValues other than ALL_OLD/NONE', async () => {
    await rejectsWith(
      harness.call(putItem, { TableName: 'Users', Item: user('u1'), ReturnValues: 'ALL_NEW' }),
      'ValidationException',
      'ReturnValues can only be ALL_OLD or NONE',
    );
  });

  test('unknown table', async () => {
    await rejectsWith(
      harness.call(putItem, { TableName: 'Nope', Item: user('u1') }),
      'ResourceNotFoundException',
      'Requested resource not found',
    );
  });

  test('item key checks', async () => {
    await rejectsWith(
      harness.call(putItem, { TableName: 'Users', Item: { other: { S: 'x' } } }),
      'ValidationException',
      `${invalid}Missing the key userId in the item`,
    );
    await rejectsWith(
      harness.call(getItem, { TableName: 'Users', Key: { userId: { N: '1' } } }),
      'ValidationException',
      'The provided key element does not match the schema',
    );
  });

  test('item over 400 KB is refused', async () => {
    await rejectsWith(
      harness.call(putItem, { TableName: 'Users', Item: user('big', { blob: { S: text(400 * 1024) } }) }),
      'ValidationException',
      'Item size has exceeded the maximum allowed size',
    );
  });

  test('ALL_OLD returns the replaced item; delete returns it too', async () => {
    await harness.call(putItem, { TableName: 'Users', Item: user('u2', { v: { S: 'one' } }) });
    const replaced = await harness.call(putItem, {
      TableName: 'Users',
      Item: user('u2', { v: { S: 'two' } }),
      ReturnValues: 'ALL_OLD',
    });
    assert.deepEqual(replaced, { Attributes: user('u2', { v: { S: 'one' } }) });
    const deleted = await harness.call(deleteItem, {
      TableName: 'Users',
      Key: user('u2'),
      ReturnValues: 'ALL_OLD',
    });
    assert.deepEqual(deleted, { Attributes: user('u2', { v: { S: 'two' } }) });
    assert.deepEqual(await harness.call(getItem, { TableName: 'Users', Key: user('u2') }), {});
  });

  test('consumed capacity: get of a missing item, put of a 1.5 KB item', async () => {
    assert.deepEqual(
      await harness.call(getItem, { TableName: 'Users', Key: user('none'), ReturnConsumedCapacity: 'TOTAL' }),
      { ConsumedCapacity: { TableName: 'Users', CapacityUnits: 0.5 } },
    );
    const put = await harness.call(putItem, {
      TableName: 'Users',
      Item: user('c1', { blob: { S: text(1500) } }),
      ReturnConsumedCapacity: 'INDEXES',
    });
    assert.deepEqual(put, {
      ConsumedCapacity: { TableName: 'Users', CapacityUnits: 2, Table: { CapacityUnits: 2 } },
    });
  });

  test('legacy and expression parameters cannot be mixed; names need an expression', async () => {
    await rejectsWith(
      harness.call(putItem, {
        TableName: 'Users',
        Item: user('u1'),
        Expected: { a: { Exists: false } },
        ConditionExpression: 'attribute_not_exists(a)',
      }),
      'ValidationException',
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}',
    );
    await rejectsWith(
      harness.call(putItem, {
        TableName: 'Users',
        Item: user('u1'),
        ExpressionAttributeNames: { '#a': 'a' },
      }),
      'ValidationException',
      'ExpressionAttributeNames can only be specified when using expressions',
    );
    await rejectsWith(
      harness.call(putItem, {
        TableName: 'Users',
        Item: user('u1'),
        ConditionExpression: 'attribute_exists(a)',
        ExpressionAttributeValues: {},
      }),
      'ValidationException',
      'ExpressionAttributeValues must not be empty',
    );
  });

  test('GetItem projection', async () => {
    await harness.call(putItem, { TableName: 'Users', Item: user('p1', { a: { S: 'x' }, b: { S: 'y' } }) });
    assert.deepEqual(
      await harness.call(getItem, {
        TableName: 'Users',
        Key: user('p1'),
        ProjectionExpression: '#a',
        ExpressionAttributeNames: { '#a': 'a' },
      }),
      { Item: { a: { S: 'x' } } },
    );
    assert.deepEqual(
      await harness.call(getItem, { TableName: 'Users', Key: user('p1'), AttributesToGet: ['b'] }),
      {
        Item: { b: { S: 'y' } },
      },
    );
  });
});

describe('conditions', () => {
  let harness: Harness;
  before(async () => {
    harness = await openItemHarness();
  });
  after(() => harness.close());

  test('attribute_not_exists guards a create; failure carries the old item on ALL_OLD', async () => {
    const create = {
      TableName: 'Users',
      Item: user('c', { v: { N: '1' } }),
      ConditionExpression: 'attribute_not_exists(userId)',
    };
    await harness.call(putItem, create);
    await rejectsWith(
      harness.call(putItem, create),
      'ConditionalCheckFailedException',
      'The conditional request failed',
    );
    await assert.rejects(
      harness.call(putItem, { ...create, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
      (error: { extra: Record<string, unknown> }) => {
        assert.deepEqual(error.extra, { Item: user('c', { v: { N: '1' } }) });
        return true;
      },
    );
  });

  test('unused placeholders are refused', async () => {
    await rejectsWith(
      harness.call(deleteItem, {
        TableName: 'Users',
        Key: user('c'),
        ConditionExpression: 'v = :one',
        ExpressionAttributeValues: { ':one': { N: '1' }, ':two': { N: '2' } },
      }),
      'ValidationException',
      'Value provided in ExpressionAttributeValues unused in expressions: keys: {:two}',
    );
  });

  test('a failed delete condition deletes nothing; a passing one deletes', async () => {
    await rejectsWith(
      harness.call(deleteItem, {
        TableName: 'Users',
        Key: user('c'),
        ConditionExpression: 'v = :two',
        ExpressionAttributeValues: { ':two': { N: '2' } },
      }),
      'ConditionalCheckFailedException',
      'The conditional request failed',
    );
    assert.ok((await harness.call(getItem, { TableName: 'Users', Key: user('c') })).Item);
    await harness.call(deleteItem, {
      TableName: 'Users',
      Key: user('c'),
      Expected: { v: { Value: { N: '1' } } },
    });
    assert.deepEqual(await harness.call(getItem, { TableName: 'Users', Key: user('c') }), {});
  });
});

describe('UpdateItem', () => {
  let harness: Harness;
  before(async () => {
    harness = await openItemHarness();
  });
  after(() => harness.close());

  test('creates a missing item; ALL_NEW', async () => {
    const result = await harness.call(updateItem, {
      TableName: 'Users',
      Key: user('u'),
      UpdateExpression: 'SET score = :s, profile = :p',
      ExpressionAttributeValues: { ':s': { N: '10' }, ':p': { M: { city: { S: 'Oslo' } } } },
      ReturnValues: 'ALL_NEW',
    });
    assert.deepEqual(result, {
      Attributes: user('u', { score: { N: '10' }, profile: { M: { city: { S: 'Oslo' } } } }),
    });
  });

  test('UPDATED_OLD / UPDATED_NEW return only what the update touched, nested as sub-documents', async () => {
    const result = await harness.call(updateItem, {
      TableName: 'Users',
      Key: user('u'),
      UpdateExpression: 'SET profile.city = :c ADD score :one',
      ExpressionAttributeValues: { ':c': { S: 'Bergen' }, ':one': { N: '1' } },
      ReturnValues: 'UPDATED_NEW',
    });
    assert.deepEqual(result, {
      Attributes: { score: { N: '11' }, profile: { M: { city: { S: 'Bergen' } } } },
    });
    const old = await harness.call(updateItem, {
      TableName: 'Users',
      Key: user('u'),
      UpdateExpression: 'REMOVE score',
      ReturnValues: 'UPDATED_OLD',
    });
    assert.deepEqual(old, { Attributes: { score: { N: '11' } } });
  });

  test('key attributes cannot be updated', async () => {
    await rejectsWith(
      harness.call(updateItem, {
        TableName: 'Users',
        Key: user('u'),
        UpdateExpression: 'SET userId = :x',
        ExpressionAttributeValues: { ':x': { S: 'v' } },
      }),
      'ValidationException',
      `${invalid}Cannot update attribute userId. This attribute is part of the key`,
    );
  });

  test('an index key of the wrong type in the result is refused and nothing is written', async () => {
    await rejectsWith(
      harness.call(updateItem, {
        TableName: 'Events',
        Key: { pk: { S: 'e' }, sk: { N: '1' } },
        UpdateExpression: 'SET #s = :n',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':n': { N: '5' } },
      }),
      'ValidationException',
      `${invalid}Type mismatch for Index Key status Expected: S Actual: N IndexName: byStatus`,
    );
    assert.deepEqual(
      await harness.call(getItem, { TableName: 'Events', Key: { pk: { S: 'e' }, sk: { N: '1' } } }),
      {},
    );
  });

  test('an update leaving only the key still stores the item; legacy AttributeUpdates work', async () => {
    await harness.call(updateItem, { TableName: 'Users', Key: user('bare') });
    assert.deepEqual(await harness.call(getItem, { TableName: 'Users', Key: user('bare') }), {
      Item: user('bare'),
    });
    await harness.call(updateItem, {
      TableName: 'Users',
      Key: user('bare'),
      AttributeUpdates: { hits: { Action: 'ADD', Value: { N: '2' } } },
    });
    assert.deepEqual(await harness.call(getItem, { TableName: 'Users', Key: user('bare') }), {
      Item: user('bare', { hits: { N: '2' } }),
    });
  });

  test('a failed condition leaves the item as it was', async () => {
    await rejectsWith(
      harness.call(updateItem, {
        TableName: 'Users',
        Key: user('bare'),
        UpdateExpression: 'SET hits = :z',
        ConditionExpression: 'hits > :z',
        ExpressionAttributeValues: { ':z': { N: '100' } },
      }),
      'ConditionalCheckFailedException',
      'The conditional request failed',
    );
    assert.deepEqual(
      (await harness.call(getItem, { TableName: 'Users', Key: user('bare') })).Item,
      user('bare', { hits: { N: '2' } }),
    );
  });

  test('an update changing a GSI key costs two index writes', async () => {
    const key = { pk: { S: 'g' }, sk: { N: '1' } };
    await harness.call(putItem, { TableName: 'Events', Item: { ...key, status: { S: 'open' } } });
    const result = await harness.call(updateItem, {
      TableName: 'Events',
      Key: key,
      UpdateExpression: 'SET #s = :c',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':c': { S: 'closed' } },
      ReturnConsumedCapacity: 'INDEXES',
    });
    assert.deepEqual(result.ConsumedCapacity, {
      TableName: 'Events',
      CapacityUnits: 3,
      Table: { CapacityUnits: 1 },
      GlobalSecondaryIndexes: { byStatus: { CapacityUnits: 2 } },
    });
  });
});
