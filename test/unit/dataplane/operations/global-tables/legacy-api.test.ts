/**
 * The global tables version 2017.11.29 (legacy) API: CreateGlobalTable, UpdateGlobalTable,
 * DescribeGlobalTable, ListGlobalTables, DescribeGlobalTableSettings, with the other region
 * simulated by a fake replication engine.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { TableMeta } from '../../../../../src/dataplane/model.js';
import { createGlobalTable } from '../../../../../src/dataplane/operations/global-tables/create-global-table.js';
import { describeGlobalTable } from '../../../../../src/dataplane/operations/global-tables/describe-global-table.js';
import { describeGlobalTableSettings } from '../../../../../src/dataplane/operations/global-tables/describe-global-table-settings.js';
import { listGlobalTables } from '../../../../../src/dataplane/operations/global-tables/list-global-tables.js';
import { updateGlobalTable } from '../../../../../src/dataplane/operations/global-tables/update-global-table.js';
import { putItem } from '../../../../../src/dataplane/operations/items/put-item.js';
import { createTable } from '../../../../../src/dataplane/operations/tables/create-table.js';
import { describeTable } from '../../../../../src/dataplane/operations/tables/describe-table.js';
import { updateTable } from '../../../../../src/dataplane/operations/tables/update-table.js';
import { type Harness, openHarness, rejectsWith, simpleTable } from '../tables/harness.js';
import { FakeReplication } from './fake-replication.js';

let harness: Harness;
let engine: FakeReplication;

const streamed = { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } };

beforeEach(async () => {
  engine = new FakeReplication(['eu-west-1', 'ap-south-1']);
  harness = await openHarness({ region: 'us-east-1', replication: engine });
});
afterEach(() => harness.close());

/** The same table here and, as a copy, in the given other regions. */
async function tableEverywhere(name: string, regions: string[], extra = streamed): Promise<void> {
  await harness.call(createTable, simpleTable(name, extra));
  await harness.settle();
  for (const region of regions)
    engine.addRemoteTable(region, harness.ctx.store.getTableMeta(name) as TableMeta);
}

const create = (name: string, regions: string[]) =>
  harness.call(createGlobalTable, {
    GlobalTableName: name,
    ReplicationGroup: regions.map((region) => ({ RegionName: region })),
  });

describe('CreateGlobalTable', () => {
  test('joins the tables and describes the global table', async () => {
    await tableEverywhere('Music', ['eu-west-1']);
    const response = (await create('Music', ['us-east-1', 'eu-west-1'])).GlobalTableDescription as Record<
      string,
      unknown
    >;
    assert.deepEqual(response.ReplicationGroup, [{ RegionName: 'us-east-1' }, { RegionName: 'eu-west-1' }]);
    assert.equal(response.GlobalTableArn, 'arn:aws:dynamodb::123456789012:global-table/Music');
    assert.equal(response.GlobalTableStatus, 'CREATING');
    assert.equal(response.GlobalTableName, 'Music');
    assert.equal(response.CreationDateTime, harness.clock.nowMs / 1000);

    const local = harness.ctx.store.getTableMeta('Music');
    assert.equal(local?.globalTableVersion, '2017.11.29');
    assert.equal(engine.remoteTable('eu-west-1', 'Music')?.globalTableVersion, '2017.11.29');

    const described = (await harness.call(describeGlobalTable, { GlobalTableName: 'Music' }))
      .GlobalTableDescription as Record<string, unknown>;
    assert.equal(described.GlobalTableStatus, 'ACTIVE');
    assert.deepEqual(described.ReplicationGroup, response.ReplicationGroup);
    const table = (await harness.call(describeTable, { TableName: 'Music' })).Table as Record<
      string,
      unknown
    >;
    assert.equal(table.GlobalTableVersion, '2017.11.29');
    assert.deepEqual(table.Replicas, [{ RegionName: 'eu-west-1', ReplicaStatus: 'ACTIVE' }]);

    await rejectsWith(
      create('Music', ['us-east-1', 'eu-west-1']),
      'GlobalTableAlreadyExistsException',
      /Music/,
    );
  });

  test('validates its input', async () => {
    await rejectsWith(
      harness.call(createGlobalTable, { GlobalTableName: 'ab' }),
      'ValidationException',
      "2 validation errors detected: Value 'ab' at 'globalTableName' failed to satisfy constraint: Member must have length greater than or equal to 3; Value null at 'replicationGroup' failed to satisfy constraint: Member must not be null",
    );
  });

  test('needs the table, streams, the same key and no items in every region', async () => {
    await rejectsWith(
      create('Nowhere', ['us-east-1']),
      'TableNotFoundException',
      /Nowhere does not exist in region us-east-1/,
    );
    await tableEverywhere('Music', []);
    await rejectsWith(
      create('Music', ['us-east-1', 'eu-west-1']),
      'TableNotFoundException',
      /region eu-west-1/,
    );

    await tableEverywhere('Plain', ['eu-west-1'], {} as typeof streamed);
    await rejectsWith(
      create('Plain', ['us-east-1', 'eu-west-1']),
      'ValidationException',
      'One or more parameter values were invalid: Table Plain in region us-east-1 must have DynamoDB Streams enabled with StreamViewType NEW_AND_OLD_IMAGES',
    );

    await tableEverywhere('Keys', []);
    const other = structuredClone(harness.ctx.store.getTableMeta('Keys') as TableMeta);
    other.KeySchema = [{ AttributeName: 'id', KeyType: 'HASH' }];
    other.AttributeDefinitions = [{ AttributeName: 'id', AttributeType: 'S' }];
    engine.addRemoteTable('eu-west-1', other);
    await rejectsWith(
      create('Keys', ['us-east-1', 'eu-west-1']),
      'ValidationException',
      /does not have the same primary key/,
    );

    await tableEverywhere('Full', ['eu-west-1']);
    await harness.call(putItem, { TableName: 'Full', Item: { pk: { S: 'a' } } });
    await rejectsWith(create('Full', ['us-east-1', 'eu-west-1']), 'ValidationException', /is not empty/);
    assert.equal(harness.ctx.store.getTableMeta('Full')?.globalTableVersion, undefined);
  });
});

describe('with a legacy global table', () => {
  beforeEach(async () => {
    await tableEverywhere('Music', ['eu-west-1', 'ap-south-1']);
    await create('Music', ['us-east-1', 'eu-west-1']);
  });

  test('UpdateGlobalTable adds and removes regions', async () => {
    const added = (
      await harness.call(updateGlobalTable, {
        GlobalTableName: 'Music',
        ReplicaUpdates: [{ Create: { RegionName: 'ap-south-1' } }],
      })
    ).GlobalTableDescription as Record<string, unknown>;
    assert.deepEqual(added.ReplicationGroup, [
      { RegionName: 'us-east-1' },
      { RegionName: 'eu-west-1' },
      { RegionName: 'ap-south-1' },
    ]);
    assert.equal(engine.remoteTable('ap-south-1', 'Music')?.globalTableVersion, '2017.11.29');
    await harness.call(updateGlobalTable, {
      GlobalTableName: 'Music',
      ReplicaUpdates: [{ Delete: { RegionName: 'eu-west-1' } }],
    });
    assert.deepEqual(
      harness.ctx.store.getTableMeta('Music')?.replicas?.map((replica) => replica.RegionName),
      ['us-east-1', 'ap-south-1'],
    );
  });

  test('UpdateGlobalTable errors', async () => {
    await rejectsWith(
      harness.call(updateGlobalTable, {
        GlobalTableName: 'Music',
        ReplicaUpdates: [{ Create: { RegionName: 'eu-west-1' } }],
      }),
      'ReplicaAlreadyExistsException',
      'Replica already exists in region: eu-west-1',
    );
    await rejectsWith(
      harness.call(updateGlobalTable, {
        GlobalTableName: 'Music',
        ReplicaUpdates: [{ Delete: { RegionName: 'ap-south-1' } }],
      }),
      'ReplicaNotFoundException',
      'Replica not found in region: ap-south-1',
    );
    await rejectsWith(
      harness.call(updateGlobalTable, { GlobalTableName: 'Music', ReplicaUpdates: [] }),
      'ValidationException',
      'One or more parameter values were invalid',
    );
    await rejectsWith(
      harness.call(updateGlobalTable, {
        GlobalTableName: 'Other',
        ReplicaUpdates: [{ Delete: { RegionName: 'eu-west-1' } }],
      }),
      'GlobalTableNotFoundException',
      "Global table not found: Global table with name: 'Other' does not exist.",
    );
  });

  test('ListGlobalTables pages by name and filters by region', async () => {
    await tableEverywhere('Albums', ['ap-south-1']);
    await create('Albums', ['us-east-1', 'ap-south-1']);
    const all = await harness.call(listGlobalTables, {});
    assert.deepEqual(all, {
      GlobalTables: [
        {
          GlobalTableName: 'Albums',
          ReplicationGroup: [{ RegionName: 'us-east-1' }, { RegionName: 'ap-south-1' }],
        },
        {
          GlobalTableName: 'Music',
          ReplicationGroup: [{ RegionName: 'us-east-1' }, { RegionName: 'eu-west-1' }],
        },
      ],
    });
    const first = await harness.call(listGlobalTables, { Limit: 1 });
    assert.equal(first.LastEvaluatedGlobalTableName, 'Albums');
    const next = await harness.call(listGlobalTables, { Limit: 1, ExclusiveStartGlobalTableName: 'Albums' });
    assert.deepEqual(
      (next.GlobalTables as Array<{ GlobalTableName: string }>).map((t) => t.GlobalTableName),
      ['Music'],
    );
    assert.equal(next.LastEvaluatedGlobalTableName, undefined);
    const inEurope = await harness.call(listGlobalTables, { RegionName: 'eu-west-1' });
    assert.deepEqual(
      (inEurope.GlobalTables as Array<{ GlobalTableName: string }>).map((t) => t.GlobalTableName),
      ['Music'],
    );
  });

  test('DescribeGlobalTableSettings describes each member', async () => {
    const settings = await harness.call(describeGlobalTableSettings, { GlobalTableName: 'Music' });
    assert.equal(settings.GlobalTableName, 'Music');
    assert.deepEqual(settings.ReplicaSettings, [
      {
        RegionName: 'us-east-1',
        ReplicaStatus: 'ACTIVE',
        ReplicaBillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
      },
      {
        RegionName: 'eu-west-1',
        ReplicaStatus: 'ACTIVE',
        ReplicaBillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
      },
    ]);
  });
});

test('version 2019.11.21 and regional tables are invisible to the legacy API', async () => {
  await harness.call(createTable, simpleTable('Orders'));
  await harness.settle();
  await rejectsWith(
    harness.call(describeGlobalTable, { GlobalTableName: 'Orders' }),
    'GlobalTableNotFoundException',
    "Global table not found: Global table with name: 'Orders' does not exist.",
  );
  await harness.call(updateTable, {
    TableName: 'Orders',
    ReplicaUpdates: [{ Create: { RegionName: 'eu-west-1' } }],
  });
  await harness.settle();
  await rejectsWith(
    harness.call(describeGlobalTableSettings, { GlobalTableName: 'Orders' }),
    'GlobalTableNotFoundException',
    "Global table with name: 'Orders' does not exist.",
  );
  assert.deepEqual(await harness.call(listGlobalTables, {}), { GlobalTables: [] });
});
