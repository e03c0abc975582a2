import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Item } from '../../../../../src/dataplane/model.js';
import { scan } from '../../../../../src/dataplane/operations/items/scan.js';
import { rejectsWith } from '../tables/harness.js';
import { expressionsReady, n, openReadHarness, type ReadHarness, s } from './query-scan-harness.js';

const itemCount = 40;

describe('Scan', () => {
  let harness: ReadHarness;
  before(async () => {
    harness = await openReadHarness();
    await harness.createTable({
      TableName: 'Users',
      AttributeDefinitions: [
        { AttributeName: 'userId', AttributeType: 'S' },
        { AttributeName: 'status', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byStatus',
          KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    });
    const users: Item[] = Array.from({ length: itemCount }, (_, i) => ({
      userId: s(`user-${String(i).padStart(3, '0')}`),
      age: n(i),
      // Every fourth user has no status: the index is sparse.
      ...(i % 4 === 0 ? {} : { status: s(i % 2 === 0 ? 'active' : 'idle') }),
    }));
    await harness.put('Users', ...users);
    await harness.createTable({
      TableName: 'Blobs',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    const blobs = Array.from({ length: 25 }, (_, i) => ({ id: n(i), data: s('x'.repeat(300_000)) }));
    await harness.put('Blobs', ...blobs);
  });
  after(() => harness.close());

  async function scanAll(input: Record<string, unknown>): Promise<{ items: Item[]; pages: number }> {
    const items: Item[] = [];
    let startKey: unknown;
    let pages = 0;
    do {
      const output = await harness.call(scan, {
        ...input,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      });
      items.push(...((output.Items as Item[] | undefined) ?? []));
      startKey = output.LastEvaluatedKey;
      pages += 1;
      assert.ok(pages < 1000, 'paging must terminate');
    } while (startKey);
    return { items, pages };
  }

  test('returns every item once across Limit pages', async () => {
    const { items, pages } = await scanAll({ TableName: 'Users', Limit: 7 });
    assert.equal(items.length, itemCount);
    assert.equal(new Set(items.map((item) => JSON.stringify(item.userId))).size, itemCount);
    assert.equal(pages, Math.ceil(itemCount / 7) + (itemCount % 7 === 0 ? 1 : 0));
  });

  test('a page that reaches Limit carries the last key read, even at the very end', async () => {
    const output = await harness.call(scan, { TableName: 'Users', Limit: itemCount });
    assert.equal(output.Count, itemCount);
    assert.equal(output.ScannedCount, itemCount);
    assert.ok(output.LastEvaluatedKey);
    assert.deepEqual(Object.keys(output.LastEvaluatedKey as Item), ['userId']);
  });

  test('parallel segments cover the table exactly once', async () => {
    const seen: string[] = [];
    for (let segment = 0; segment < 3; segment++) {
      const { items } = await scanAll({ TableName: 'Users', Segment: segment, TotalSegments: 3, Limit: 5 });
      seen.push(...items.map((item) => JSON.stringify(item.userId)));
    }
    assert.equal(seen.length, itemCount);
    assert.equal(new Set(seen).size, itemCount);
  });

  test('fractional Segment, TotalSegments and Limit are truncated, never a 500 (fuzz seed 587168984)', async () => {
    const exact = await scanAll({ TableName: 'Users', Segment: 0, TotalSegments: 2, Limit: 5 });
    const fractional = await scanAll({ TableName: 'Users', Segment: 0.1, TotalSegments: 2.9, Limit: 5.5 });
    assert.deepEqual(fractional.items, exact.items);
  });

  test('pages stop at 1 MB of data read', async () => {
    const first = await harness.call(scan, { TableName: 'Blobs' });
    // 300 KB items: the fourth crosses 1 MB.
    assert.equal(first.Count, 4);
    assert.ok(first.LastEvaluatedKey);
    const { items } = await scanAll({ TableName: 'Blobs' });
    assert.equal(items.length, 25);
  });

  test('Select COUNT returns counts without Items', async () => {
    const output = await harness.call(scan, { TableName: 'Users', Select: 'COUNT' });
    assert.equal(output.Items, undefined);
    assert.equal(output.Count, itemCount);
    assert.equal(output.ScannedCount, itemCount);
  });

  test('a KEYS_ONLY GSI returns the projection and only indexed items', async () => {
    const { items } = await scanAll({ TableName: 'Users', IndexName: 'byStatus' });
    assert.equal(items.length, itemCount - itemCount / 4);
    for (const item of items) assert.deepEqual(Object.keys(item).sort(), ['status', 'userId']);
  });

  test('index pages carry table and index keys in LastEvaluatedKey', async () => {
    const output = await harness.call(scan, { TableName: 'Users', IndexName: 'byStatus', Limit: 2 });
    assert.deepEqual(Object.keys(output.LastEvaluatedKey as Item).sort(), ['status', 'userId']);
  });

  test('consumed capacity: one rounding of the page size, halved for eventual consistency', async () => {
    const output = await harness.call(scan, {
      TableName: 'Blobs',
      Limit: 2,
      ReturnConsumedCapacity: 'TOTAL',
    });
    // Two items of ~300 KB: 600,0xx bytes → 147 units of 4 KB, halved.
    assert.deepEqual(output.ConsumedCapacity, { TableName: 'Blobs', CapacityUnits: 73.5 });
    const strong = await harness.call(scan, {
      TableName: 'Blobs',
      Limit: 2,
      ConsistentRead: true,
      ReturnConsumedCapacity: 'INDEXES',
    });
    assert.deepEqual(strong.ConsumedCapacity, {
      TableName: 'Blobs',
      CapacityUnits: 147,
      Table: { CapacityUnits: 147 },
    });
  });

  test('an index scan reports its capacity per index', async () => {
    const output = await harness.call(scan, {
      TableName: 'Users',
      IndexName: 'byStatus',
      ReturnConsumedCapacity: 'INDEXES',
    });
    assert.deepEqual(output.ConsumedCapacity, {
      TableName: 'Users',
      CapacityUnits: 0.5,
      GlobalSecondaryIndexes: { byStatus: { CapacityUnits: 0.5 } },
    });
  });

  describe('validation', () => {
    test('Segment without TotalSegments', async () => {
      await rejectsWith(
        harness.call(scan, { TableName: 'Users', Segment: 1 }),
        'ValidationException',
        'The TotalSegments parameter is required but was not present in the request when Segment parameter is present',
      );
    });

    test('TotalSegments without Segment', async () => {
      await rejectsWith(
        harness.call(scan, { TableName: 'Users', TotalSegments: 2 }),
        'ValidationException',
        'The Segment parameter is required but was not present in the request when parameter TotalSegments is present',
      );
    });

    test('Segment not below TotalSegments', async () => {
      await rejectsWith(
        harness.call(scan, { TableName: 'Users', Segment: 3, TotalSegments: 2 }),
        'ValidationException',
        'The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 3 is not less than TotalSegments: 2',
      );
    });

    test('stage-1 constraints are listed together', async () => {
      await rejectsWith(
        harness.call(scan, { TableName: 'Users', Limit: 0, TotalSegments: 1000001, Segment: 0 }),
        'ValidationException',
        "2 validation errors detected: Value '1000001' at 'totalSegments' failed to satisfy constraint: " +
          "Member must have value less than or equal to 1000000; Value '0' at 'limit' failed to satisfy constraint: " +
          'Member must have value greater than or equal to 1',
      );
    });

    test('Select outside the enum', async () => {
      await rejectsWith(
        harness.call(scan, { TableName: 'Users', Select: 'count' }),
        'ValidationException',
        "1 validation error detected: Value 'count' at 'select' failed to satisfy constraint: Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]",
      );
    });

    test('Select rules come back bare on Scan', async () => {
      await rejectsWith(
        harness.call(scan, { TableName: 'Users', Select: 'SPECIFIC_ATTRIBUTES' }),
        'ValidationException',
        'Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES',
      );
      await rejectsWith(
        harness.call(scan, { TableName: 'Users', Select: 'ALL_PROJECTED_ATTRIBUTES' }),
        'ValidationException',
        'ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName',
      );
      await rejectsWith(
        harness.call(scan, { TableName: 'Users', Select: 'COUNT', AttributesToGet: ['age'] }),
        'ValidationException',
        'Cannot specify the AttributesToGet when choosing to get only the Count',
      );
    });

    test('ALL_ATTRIBUTES on a GSI that does not project ALL', async () => {
      await rejectsWith(
        harness.call(scan, { TableName: 'Users', IndexName: 'byStatus', Select: 'ALL_ATTRIBUTES' }),
        'ValidationException',
        'One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index byStatus because its projection type is not ALL',
      );
    });

    test('unknown index, consistent GSI reads, unknown table', async () => {
      await rejectsWith(
        harness.call(scan, { TableName: 'Users', IndexName: 'foo' }),
        'ValidationException',
        'The table does not have the specified index: foo',
      );
      await rejectsWith(
        harness.call(scan, { TableName: 'Users', IndexName: 'byStatus', ConsistentRead: true }),
        'ValidationException',
        'Consistent reads are not supported on global secondary indexes',
      );
      await rejectsWith(
        harness.call(scan, { TableName: 'Nope' }),
        'ResourceNotFoundException',
        'Requested resource not found',
      );
    });

    test('ExclusiveStartKey must match the key schema', async () => {
      await rejectsWith(
        harness.call(scan, { TableName: 'Users', ExclusiveStartKey: { userId: n(1) } }),
        'ValidationException',
        'The provided starting key is invalid: The provided key element does not match the schema',
      );
      await rejectsWith(
        harness.call(scan, {
          TableName: 'Users',
          IndexName: 'byStatus',
          ExclusiveStartKey: { userId: s('a') },
        }),
        'ValidationException',
        'The provided starting key is invalid',
      );
    });

    test('expression and legacy parameters do not mix', async () => {
      await rejectsWith(
        harness.call(scan, { TableName: 'Users', ProjectionExpression: 'age', AttributesToGet: ['age'] }),
        'ValidationException',
        'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}',
      );
      await rejectsWith(
        harness.call(scan, { TableName: 'Users', ExpressionAttributeValues: { ':a': n(1) } }),
        'ValidationException',
        'ExpressionAttributeValues can only be specified when using expressions: FilterExpression is null',
      );
    });
  });

  describe('with expressions', { skip: !expressionsReady }, () => {
    test('a filter counts matches apart from items read', async () => {
      const output = await harness.call(scan, {
        TableName: 'Users',
        FilterExpression: 'age < :ten',
        ExpressionAttributeValues: { ':ten': n(10) },
      });
      assert.equal(output.Count, 10);
      assert.equal(output.ScannedCount, itemCount);
    });

    test('Limit counts items read before the filter', async () => {
      const output = await harness.call(scan, {
        TableName: 'Users',
        Limit: 5,
        FilterExpression: 'age = :none',
        ExpressionAttributeValues: { ':none': n(-1) },
      });
      assert.equal(output.Count, 0);
      assert.equal(output.ScannedCount, 5);
      assert.ok(output.LastEvaluatedKey);
    });

    test('legacy ScanFilter and AttributesToGet', async () => {
      const output = await harness.call(scan, {
        TableName: 'Users',
        ScanFilter: { age: { ComparisonOperator: 'GE', AttributeValueList: [n(35)] } },
        AttributesToGet: ['age'],
      });
      assert.equal(output.Count, 5);
      for (const item of output.Items as Item[]) assert.deepEqual(Object.keys(item), ['age']);
    });

    test('a projection naming an attribute a GSI does not project', async () => {
      await rejectsWith(
        harness.call(scan, { TableName: 'Users', IndexName: 'byStatus', ProjectionExpression: 'age' }),
        'ValidationException',
        'One or more parameter values were invalid: Global secondary index byStatus does not project [age]',
      );
    });
  });
});
