import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TableMeta } from '../../../../../src/dataplane/model.js';
import { createTable } from '../../../../../src/dataplane/operations/tables/create-table.js';
import { describeTable } from '../../../../../src/dataplane/operations/tables/describe-table.js';
import { updateTable } from '../../../../../src/dataplane/operations/tables/update-table.js';
import { type Harness, openHarness, rejectsWith, simpleTable } from './harness.js';

const invalid = 'One or more parameter values were invalid: ';

async function describe_(harness: Harness, tableName: string): Promise<Record<string, unknown>> {
  return (await harness.call(describeTable, { TableName: tableName })).Table as Record<string, unknown>;
}

async function putItems(harness: Harness, tableName: string, count: number): Promise<void> {
  const table = harness.ctx.store.getTableMeta(tableName) as TableMeta;
  await harness.ctx.store.transact((tx) => {
    for (let n = 0; n < count; n++) tx.putItem(table, { pk: { S: `item${n}` }, g: { S: `group${n % 3}` } });
  });
}

describe('UpdateTable', () => {
  let harness: Harness;
  before(async () => {
    harness = await openHarness();
  });
  after(() => harness.close());

  test('adds a GSI: CREATING while backfilling existing items, then ACTIVE', async () => {
    await harness.call(createTable, simpleTable('WithGsi'));
    await harness.settle();
    await putItems(harness, 'WithGsi', 300);
    const output = await harness.call(updateTable, {
      TableName: 'WithGsi',
      AttributeDefinitions: [{ AttributeName: 'g', AttributeType: 'S' }],
      GlobalSecondaryIndexUpdates: [
        {
          Create: {
            IndexName: 'byG',
            KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        },
      ],
    });
    const description = output.TableDescription as Record<string, unknown>;
    assert.equal(description.TableStatus, 'UPDATING');
    const [created] = description.GlobalSecondaryIndexes as Record<string, unknown>[];
    assert.equal(created?.IndexStatus, 'CREATING');
    assert.equal(created?.Backfilling, false);
    assert.deepEqual(description.AttributeDefinitions, [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'g', AttributeType: 'S' },
    ]);
    await harness.settle();
    const settled = await describe_(harness, 'WithGsi');
    assert.equal(settled.TableStatus, 'ACTIVE');
    const [active] = settled.GlobalSecondaryIndexes as Record<string, unknown>[];
    assert.equal(active?.IndexStatus, 'ACTIVE');
    assert.equal(active?.Backfilling, undefined);
    assert.equal(settled.ItemCount, 300);
  });

  test('deletes a GSI: DELETING, then gone', async () => {
    const output = await harness.call(updateTable, {
      TableName: 'WithGsi',
      GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'byG' } }],
    });
    const [deleting] = (output.TableDescription as Record<string, unknown>).GlobalSecondaryIndexes as Record<
      string,
      unknown
    >[];
    assert.equal(deleting?.IndexStatus, 'DELETING');
    await harness.settle();
    const settled = await describe_(harness, 'WithGsi');
    assert.equal(settled.GlobalSecondaryIndexes, undefined);
    assert.equal(settled.TableStatus, 'ACTIVE');
  });

  test('GSI update errors: missing index, two structural changes, undefined key attribute', async () => {
    await rejectsWith(
      harness.call(updateTable, {
        TableName: 'WithGsi',
        GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'nope' } }],
      }),
      'ResourceNotFoundException',
      'Requested resource not found: Index: nope not found',
    );
    const create = (name: string) => ({
      Create: {
        IndexName: name,
        KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
        Projection: { ProjectionType: 'ALL' },
      },
    });
    const definitions = [{ AttributeName: 'g', AttributeType: 'S' }];
    await rejectsWith(
      harness.call(updateTable, {
        TableName: 'WithGsi',
        AttributeDefinitions: definitions,
        GlobalSecondaryIndexUpdates: [create('one'), create('two')],
      }),
      'LimitExceededException',
      'Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table',
    );
    await rejectsWith(
      harness.call(updateTable, { TableName: 'WithGsi', GlobalSecondaryIndexUpdates: [create('one')] }),
      'ValidationException',
      `${invalid}Some index key attributes are not defined in AttributeDefinitions. Keys: [g], AttributeDefinitions: []`,
    );
  });

  test('switches billing mode and changes provisioned throughput', async () => {
    await harness.call(createTable, simpleTable('Billing'));
    await harness.settle();
    await rejectsWith(
      harness.call(updateTable, { TableName: 'Billing', BillingMode: 'PROVISIONED' }),
      'ValidationException',
      `${invalid}ProvisionedThroughput must be specified when BillingMode is PROVISIONED`,
    );
    const output = await harness.call(updateTable, {
      TableName: 'Billing',
      BillingMode: 'PROVISIONED',
      ProvisionedThroughput: { ReadCapacityUnits: 10, WriteCapacityUnits: 10 },
    });
    const description = output.TableDescription as Record<string, unknown>;
    assert.equal(description.TableStatus, 'UPDATING');
    assert.deepEqual(description.BillingModeSummary, { BillingMode: 'PROVISIONED' });
    await harness.settle();
    await rejectsWith(
      harness.call(updateTable, {
        TableName: 'Billing',
        ProvisionedThroughput: { ReadCapacityUnits: 10, WriteCapacityUnits: 10 },
      }),
      'ValidationException',
      'The provisioned throughput for the table will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the table: 10. Requested ReadCapacityUnits: 10. Current WriteCapacityUnits provisioned for the table: 10. Requested WriteCapacityUnits: 10. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.',
    );
    await harness.call(updateTable, {
      TableName: 'Billing',
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 10 },
    });
    await harness.settle();
    const throughput = (await describe_(harness, 'Billing')).ProvisionedThroughput as Record<string, unknown>;
    assert.equal(throughput.ReadCapacityUnits, 5);
    assert.equal(throughput.NumberOfDecreasesToday, 1);
    assert.equal(throughput.LastDecreaseDateTime, harness.clock.nowMs / 1000);
    await harness.call(updateTable, { TableName: 'Billing', BillingMode: 'PAY_PER_REQUEST' });
    await harness.settle();
    const back = await describe_(harness, 'Billing');
    assert.deepEqual(back.ProvisionedThroughput, {
      NumberOfDecreasesToday: 0,
      ReadCapacityUnits: 0,
      WriteCapacityUnits: 0,
    });
  });

  test('streams: enable, refuse enabling twice, disable keeps the latest stream ARN', async () => {
    await harness.call(createTable, simpleTable('Streamy'));
    await harness.settle();
    const enabled = await harness.call(updateTable, {
      TableName: 'Streamy',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
    });
    const arn = (enabled.TableDescription as Record<string, unknown>).LatestStreamArn;
    assert.equal(arn, 'arn:aws:dynamodb:eu-west-1:123456789012:table/Streamy/stream/2025-01-02T03:04:05.678');
    await harness.settle();
    await rejectsWith(
      harness.call(updateTable, {
        TableName: 'Streamy',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
      }),
      'ValidationException',
      'Table already has an enabled stream: TableName: Streamy',
    );
    await harness.call(updateTable, { TableName: 'Streamy', StreamSpecification: { StreamEnabled: false } });
    await harness.settle();
    const described = await describe_(harness, 'Streamy');
    assert.equal(described.StreamSpecification, undefined);
    assert.equal(described.LatestStreamArn, arn);
  });

  test('table class, SSE and deletion protection', async () => {
    await harness.call(createTable, simpleTable('Settings'));
    await harness.settle();
    await harness.call(updateTable, { TableName: 'Settings', TableClass: 'STANDARD_INFREQUENT_ACCESS' });
    await harness.settle();
    await harness.call(updateTable, {
      TableName: 'Settings',
      SSESpecification: { Enabled: true, SSEType: 'KMS' },
    });
    await harness.settle();
    const protectedOutput = await harness.call(updateTable, {
      TableName: 'Settings',
      DeletionProtectionEnabled: true,
    });
    assert.equal((protectedOutput.TableDescription as Record<string, unknown>).TableStatus, 'ACTIVE');
    const described = await describe_(harness, 'Settings');
    assert.deepEqual(described.TableClassSummary, { TableClass: 'STANDARD_INFREQUENT_ACCESS' });
    assert.equal((described.SSEDescription as Record<string, unknown>).SSEType, 'KMS');
    assert.equal(described.DeletionProtectionEnabled, true);
  });

  test('refuses an empty update, ReplicaUpdates, and a missing table', async () => {
    await rejectsWith(
      harness.call(updateTable, { TableName: 'Settings' }),
      'ValidationException',
      'At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required',
    );
    await rejectsWith(
      harness.call(updateTable, {
        TableName: 'Settings',
        ReplicaUpdates: [{ Create: { RegionName: 'us-east-1' } }],
      }),
      'ValidationException',
      /^Region us-east-1 is not supported: this Pangea region \(eu-west-1\) runs without replication/,
    );
    await rejectsWith(
      harness.call(updateTable, { TableName: 'Nowhere', DeletionProtectionEnabled: true }),
      'ResourceNotFoundException',
      'Requested resource not found: Table: Nowhere not found',
    );
  });
});
