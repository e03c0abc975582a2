import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Item } from '../../../../../src/dataplane/model.js';
import { query } from '../../../../../src/dataplane/operations/items/query.js';
import { rejectsWith } from '../tables/harness.js';
import { expressionsReady, n, openReadHarness, type ReadHarness, s } from './query-scan-harness.js';

const keyQuery = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  TableName: 'Orders',
  KeyConditionExpression: 'customer = :c',
  ExpressionAttributeValues: { ':c': s('alice') },
  ...extra,
});

describe('Query', () => {
  let harness: ReadHarness;
  before(async () => {
    harness = await openReadHarness();
    await harness.createTable({
      TableName: 'Orders',
      AttributeDefinitions: [
        { AttributeName: 'customer', AttributeType: 'S' },
        { AttributeName: 'orderNo', AttributeType: 'N' },
        { AttributeName: 'status', AttributeType: 'S' },
        { AttributeName: 'placed', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'customer', KeyType: 'HASH' },
        { AttributeName: 'orderNo', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byStatus',
          KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
      LocalSecondaryIndexes: [
        {
          IndexName: 'byPlaced',
          KeySchema: [
            { AttributeName: 'customer', KeyType: 'HASH' },
            { AttributeName: 'placed', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    });
    const orders: Item[] = [];
    for (const customer of ['alice', 'bob']) {
      for (let orderNo = 1; orderNo <= 20; orderNo++) {
        orders.push({
          customer: s(customer),
          orderNo: n(orderNo),
          spend: n(orderNo * 10),
          placed: s(`2025-01-${String(21 - orderNo).padStart(2, '0')}`),
          // Only shipped orders carry a status: the GSI is sparse.
          ...(orderNo % 5 === 0 ? { status: s('shipped') } : {}),
        });
      }
    }
    await harness.put('Orders', ...orders);
  });
  after(() => harness.close());

  async function queryAll(input: Record<string, unknown>): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: unknown;
    let pages = 0;
    do {
      const output = await harness.call(query, {
        ...input,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      });
      items.push(...((output.Items as Item[] | undefined) ?? []));
      startKey = output.LastEvaluatedKey;
      pages += 1;
      assert.ok(pages < 100, 'paging must terminate');
    } while (startKey);
    return items;
  }

  const orderNos = (items: Item[]): number[] =>
    items.map((item) => Number((item.orderNo as { N: string }).N));

  describe('validation without a key condition parsed', () => {
    test('a key condition is required', async () => {
      await rejectsWith(
        harness.call(query, { TableName: 'Orders' }),
        'ValidationException',
        'Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.',
      );
    });

    test('KeyConditions and KeyConditionExpression do not mix', async () => {
      await rejectsWith(
        harness.call(
          query,
          keyQuery({
            KeyConditions: { customer: { ComparisonOperator: 'EQ', AttributeValueList: [s('a')] } },
          }),
        ),
        'ValidationException',
        'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {KeyConditions} Expression parameters: {KeyConditionExpression}',
      );
    });

    test('Limit below 1 and a bad comparison operator are stage-1 errors', async () => {
      await rejectsWith(
        harness.call(query, {
          TableName: 'Orders',
          Limit: 0,
          KeyConditions: { customer: { ComparisonOperator: 'EQUALS', AttributeValueList: [s('a')] } },
        }),
        'ValidationException',
        "2 validation errors detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
          "Value 'EQUALS' at 'keyConditions.customer.member.comparisonOperator' failed to satisfy constraint: " +
          'Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]',
      );
    });

    test('Select rules carry the framework prefix on Query', async () => {
      await rejectsWith(
        harness.call(query, keyQuery({ Select: 'COUNT', ProjectionExpression: 'spend' })),
        'ValidationException',
        '1 validation error detected: Cannot specify the ProjectionExpression when choosing to get only the Count',
      );
      await rejectsWith(
        harness.call(query, keyQuery({ Select: 'ALL_PROJECTED_ATTRIBUTES' })),
        'ValidationException',
        '1 validation error detected: ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName',
      );
      await rejectsWith(
        harness.call(query, keyQuery({ Select: 'SPECIFIC_ATTRIBUTES' })),
        'ValidationException',
        '1 validation error detected: Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES',
      );
    });

    test('duplicate AttributesToGet', async () => {
      await rejectsWith(
        harness.call(query, {
          TableName: 'Orders',
          KeyConditions: { customer: { ComparisonOperator: 'EQ', AttributeValueList: [s('a')] } },
          AttributesToGet: ['spend', 'spend'],
        }),
        'ValidationException',
        'One or more parameter values were invalid: Duplicate value in attribute name: spend',
      );
    });
  });

  describe('with expressions', { skip: !expressionsReady }, () => {
    test('a partition in sort-key order, forward and backward', async () => {
      const forward = await harness.call(query, keyQuery());
      assert.deepEqual(
        orderNos(forward.Items as Item[]),
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      const backward = await harness.call(query, keyQuery({ ScanIndexForward: false }));
      assert.deepEqual(
        orderNos(backward.Items as Item[]),
        Array.from({ length: 20 }, (_, i) => 20 - i),
      );
    });

    test('each kind of sort-key condition', async () => {
      const cases: Array<[string, Record<string, unknown>, number[]]> = [
        ['orderNo = :a', { ':a': n(3) }, [3]],
        ['orderNo < :a', { ':a': n(3) }, [1, 2]],
        ['orderNo <= :a', { ':a': n(3) }, [1, 2, 3]],
        ['orderNo > :a', { ':a': n(18) }, [19, 20]],
        ['orderNo >= :a', { ':a': n(19) }, [19, 20]],
        ['orderNo BETWEEN :a AND :b', { ':a': n(4), ':b': n(6) }, [4, 5, 6]],
      ];
      for (const [condition, values, expected] of cases) {
        const output = await harness.call(query, {
          TableName: 'Orders',
          KeyConditionExpression: `customer = :c AND ${condition}`,
          ExpressionAttributeValues: { ':c': s('alice'), ...values },
        });
        assert.deepEqual(orderNos(output.Items as Item[]), expected, condition);
      }
    });

    test('begins_with on a string sort key (LSI)', async () => {
      const output = await harness.call(query, {
        TableName: 'Orders',
        IndexName: 'byPlaced',
        KeyConditionExpression: 'customer = :c AND begins_with(placed, :p)',
        ExpressionAttributeValues: { ':c': s('alice'), ':p': s('2025-01-0') },
      });
      assert.equal(output.Count, 9);
    });

    test('Limit pages resume from LastEvaluatedKey until exhausted, each item once', async () => {
      for (const forward of [true, false]) {
        const items = await queryAll(keyQuery({ Limit: 3, ScanIndexForward: forward }));
        const expected = Array.from({ length: 20 }, (_, i) => i + 1);
        assert.deepEqual(orderNos(items), forward ? expected : expected.reverse());
      }
    });

    test('a filter counts matches apart from items read; keys may not be filtered', async () => {
      const output = await harness.call(
        query,
        keyQuery({
          FilterExpression: 'spend > :t',
          ExpressionAttributeValues: { ':c': s('alice'), ':t': n(150) },
        }),
      );
      assert.equal(output.Count, 5);
      assert.equal(output.ScannedCount, 20);
      await rejectsWith(
        harness.call(
          query,
          keyQuery({
            FilterExpression: 'orderNo > :t',
            ExpressionAttributeValues: { ':c': s('alice'), ':t': n(1) },
          }),
        ),
        'ValidationException',
        'Filter Expression can only contain non-primary key attributes: Primary key attribute: orderNo',
      );
    });

    test('projection and Select COUNT', async () => {
      const projected = await harness.call(query, keyQuery({ ProjectionExpression: 'spend', Limit: 2 }));
      assert.deepEqual(projected.Items, [{ spend: n(10) }, { spend: n(20) }]);
      const counted = await harness.call(query, keyQuery({ Select: 'COUNT' }));
      assert.equal(counted.Items, undefined);
      assert.equal(counted.Count, 20);
    });

    test('a sparse KEYS_ONLY GSI returns the projection with table and index keys', async () => {
      const output = await harness.call(query, {
        TableName: 'Orders',
        IndexName: 'byStatus',
        KeyConditionExpression: '#s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': s('shipped') },
        Limit: 3,
      });
      assert.equal(output.Count, 3);
      for (const item of output.Items as Item[])
        assert.deepEqual(Object.keys(item).sort(), ['customer', 'orderNo', 'status']);
      assert.deepEqual(Object.keys(output.LastEvaluatedKey as Item).sort(), [
        'customer',
        'orderNo',
        'status',
      ]);
      const all = await queryAll({
        TableName: 'Orders',
        IndexName: 'byStatus',
        KeyConditionExpression: '#s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': s('shipped') },
        Limit: 3,
      });
      assert.equal(all.length, 8);
    });

    test('an LSI fetches unprojected attributes from the table', async () => {
      const output = await harness.call(query, {
        TableName: 'Orders',
        IndexName: 'byPlaced',
        KeyConditionExpression: 'customer = :c',
        ExpressionAttributeValues: { ':c': s('alice') },
        Select: 'ALL_ATTRIBUTES',
        Limit: 1,
        ReturnConsumedCapacity: 'INDEXES',
      });
      const [first] = output.Items as Item[];
      assert.deepEqual(first?.spend, n(200));
      const capacity = output.ConsumedCapacity as Record<string, unknown>;
      assert.ok(capacity.Table);
      assert.ok(capacity.LocalSecondaryIndexes);
    });

    test('legacy KeyConditions with QueryFilter', async () => {
      const output = await harness.call(query, {
        TableName: 'Orders',
        KeyConditions: {
          customer: { ComparisonOperator: 'EQ', AttributeValueList: [s('bob')] },
          orderNo: { ComparisonOperator: 'BETWEEN', AttributeValueList: [n(1), n(10)] },
        },
        QueryFilter: { spend: { ComparisonOperator: 'GT', AttributeValueList: [n(50)] } },
      });
      assert.equal(output.ScannedCount, 10);
      assert.equal(output.Count, 5);
    });

    test('key-schema errors', async () => {
      await rejectsWith(
        harness.call(query, {
          TableName: 'Orders',
          KeyConditionExpression: 'orderNo = :o',
          ExpressionAttributeValues: { ':o': n(1) },
        }),
        'ValidationException',
        'Query condition missed key schema element: customer',
      );
      await rejectsWith(
        harness.call(query, keyQuery({ ExpressionAttributeValues: { ':c': n(1) } })),
        'ValidationException',
        'One or more parameter values were invalid: Condition parameter type does not match schema type',
      );
      await rejectsWith(
        harness.call(query, keyQuery({ IndexName: 'foo' })),
        'ValidationException',
        'The table does not have the specified index: foo',
      );
      await rejectsWith(
        harness.call(query, {
          TableName: 'Orders',
          IndexName: 'byStatus',
          KeyConditionExpression: '#s = :s',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':s': s('shipped') },
          ConsistentRead: true,
        }),
        'ValidationException',
        'Consistent reads are not supported on global secondary indexes',
      );
      await rejectsWith(
        harness.call(query, {
          TableName: 'Orders',
          IndexName: 'byStatus',
          KeyConditionExpression: '#s = :s',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':s': s('shipped') },
          Select: 'ALL_ATTRIBUTES',
        }),
        'ValidationException',
        'One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index byStatus because its projection type is not ALL',
      );
    });

    test('start keys are checked against the schema and the condition', async () => {
      await rejectsWith(
        harness.call(query, keyQuery({ ExclusiveStartKey: { customer: s('alice') } })),
        'ValidationException',
        'The provided starting key is invalid',
      );
      await rejectsWith(
        harness.call(query, keyQuery({ ExclusiveStartKey: { customer: s('bob'), orderNo: n(1) } })),
        'ValidationException',
        'The provided starting key is outside query boundaries based on provided conditions',
      );
    });

    test('an unknown table', async () => {
      await rejectsWith(
        harness.call(query, keyQuery({ TableName: 'Nope' })),
        'ResourceNotFoundException',
        'Requested resource not found',
      );
    });
  });
});
