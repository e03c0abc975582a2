/**
 * UpdateTable ReplicaUpdates (global tables version 2019.11.21), DescribeTable's global fields,
 * the stream lock while global, settings propagation and DeleteTable of a replica, against a
 * fake replication engine.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { TableMeta } from '../../../../../src/dataplane/model.js';
import { createTable } from '../../../../../src/dataplane/operations/tables/create-table.js';
import { deleteTable } from '../../../../../src/dataplane/operations/tables/delete-table.js';
import { describeTable } from '../../../../../src/dataplane/operations/tables/describe-table.js';
import { updateTable } from '../../../../../src/dataplane/operations/tables/update-table.js';
import { type Harness, openHarness, rejectsWith, simpleTable } from '../tables/harness.js';
import { FakeReplication } from './fake-replication.js';

let harness: Harness;
let engine: FakeReplication;

beforeEach(async () => {
  engine = new FakeReplication(['eu-west-1', 'ap-south-1']);
  harness = await openHarness({ region: 'us-east-1', replication: engine });
});
afterEach(() => harness.close());

type Description = Record<string, unknown>;

async function describe_(name = 'Orders'): Promise<Description> {
  return (await harness.call(describeTable, { TableName: name })).Table as Description;
}

async function createOrders(extra: Record<string, unknown> = {}): Promise<void> {
  await harness.call(createTable, simpleTable('Orders', extra));
  await harness.settle();
}

const addReplica = (region: string) =>
  harness.call(updateTable, { TableName: 'Orders', ReplicaUpdates: [{ Create: { RegionName: region } }] });

/** What the engine does once the backfill is done: the replica reads ACTIVE everywhere. */
async function engineMarksActive(region: string): Promise<void> {
  const table = harness.ctx.store.getTableMeta('Orders') as TableMeta;
  const replicas = (table.replicas ?? []).map((replica) =>
    replica.RegionName === region ? { ...replica, ReplicaStatus: 'ACTIVE' as const } : replica,
  );
  await harness.ctx.store.putTableMeta({ ...table, replicas });
}

async function globalOrders(): Promise<void> {
  await createOrders();
  await addReplica('eu-west-1');
  await harness.settle();
  await engineMarksActive('eu-west-1');
}

describe('UpdateTable ReplicaUpdates validation', () => {
  beforeEach(() => createOrders());

  test('stage 1: list length and RegionName', async () => {
    await rejectsWith(
      harness.call(updateTable, { TableName: 'Orders', ReplicaUpdates: [] }),
      'ValidationException',
      "1 validation error detected: Value '[]' at 'replicaUpdates' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    await rejectsWith(
      harness.call(updateTable, { TableName: 'Orders', ReplicaUpdates: [{ Delete: {} }] }),
      'ValidationException',
      "1 validation error detected: Value null at 'replicaUpdates.1.member.delete.regionName' failed to satisfy constraint: Member must not be null",
    );
  });

  test('replica changes must be alone, one action of one type', async () => {
    await rejectsWith(
      harness.call(updateTable, {
        TableName: 'Orders',
        DeletionProtectionEnabled: true,
        ReplicaUpdates: [{ Create: { RegionName: 'eu-west-1' } }],
      }),
      'ValidationException',
      'One or more parameter values were invalid: Replica modification must be the only operation in the request',
    );
    await rejectsWith(
      harness.call(updateTable, { TableName: 'Orders', ReplicaUpdates: [{}] }),
      'ValidationException',
      'There are no actions specified in the Replica Update Action of the request.',
    );
    await rejectsWith(
      harness.call(updateTable, {
        TableName: 'Orders',
        ReplicaUpdates: [{ Update: { RegionName: 'eu-west-1' } }],
      }),
      'ValidationException',
      'There are no actions specified in the Replica Update Action of the request.',
    );
    await rejectsWith(
      harness.call(updateTable, {
        TableName: 'Orders',
        ReplicaUpdates: [{ Create: { RegionName: 'eu-west-1' }, Delete: { RegionName: 'eu-west-1' } }],
      }),
      'ValidationException',
      'Update table operation with more than one type of replica actions not allowed.',
    );
    await rejectsWith(
      harness.call(updateTable, {
        TableName: 'Orders',
        ReplicaUpdates: [{ Create: { RegionName: 'eu-west-1' } }, { Create: { RegionName: 'ap-south-1' } }],
      }),
      'ValidationException',
      'Update table operation with more than one create or delete replica actions not allowed',
    );
    assert.equal(engine.calls.length, 0);
  });

  test('the local region and regions outside the world', async () => {
    await rejectsWith(
      addReplica('us-east-1'),
      'ValidationException',
      'Cannot add or delete the local region through ReplicaUpdates. Use CreateTable, DeleteTable, or UpdateTable as required.',
    );
    await rejectsWith(
      addReplica('us-fake-1'),
      'ValidationException',
      'Region us-fake-1 is not supported. The latest version of global tables are only supported in the following regions: [ap-south-1, eu-west-1, us-east-1].',
    );
  });

  test('without a replication engine the region is named in the refusal', async () => {
    const { replication, ...withoutEngine } = harness.ctx;
    await rejectsWith(
      updateTable(withoutEngine, {
        TableName: 'Orders',
        ReplicaUpdates: [{ Create: { RegionName: 'eu-west-1' } }],
      }),
      'ValidationException',
      'Region eu-west-1 is not supported: this Pangea region (us-east-1) runs without replication, so it cannot create, update or delete global table replicas.',
    );
  });

  test('a missing table', async () => {
    await rejectsWith(
      harness.call(updateTable, {
        TableName: 'Nowhere',
        ReplicaUpdates: [{ Create: { RegionName: 'eu-west-1' } }],
      }),
      'ResourceNotFoundException',
      'Requested resource not found: Table: Nowhere not found',
    );
  });
});

describe('UpdateTable ReplicaUpdates Create', () => {
  test('makes the table global: stream on, UPDATING, replica CREATING, then ACTIVE', async () => {
    await createOrders();
    const response = (await addReplica('eu-west-1')).TableDescription as Description;
    assert.equal(response.TableStatus, 'UPDATING');
    assert.equal(response.GlobalTableVersion, '2019.11.21');
    assert.deepEqual(response.Replicas, [
      { RegionName: 'eu-west-1', ReplicaStatus: 'CREATING', ReplicaStatusPercentProgress: '0' },
    ]);
    assert.deepEqual(response.StreamSpecification, {
      StreamEnabled: true,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
    assert.match(
      String(response.LatestStreamArn),
      /^arn:aws:dynamodb:us-east-1:123456789012:table\/Orders\/stream\//,
    );

    const [created] = engine.callsOf('createReplica');
    assert.equal(created?.region, 'eu-west-1');
    assert.equal(created?.table?.globalTableVersion, '2019.11.21');
    assert.ok(engine.remoteTable('eu-west-1', 'Orders'));

    await harness.settle();
    // Stored ACTIVE, but the source reads UPDATING until the replica is ACTIVE (as AWS shows it).
    assert.equal(harness.ctx.store.getTableMeta('Orders')?.TableStatus, 'ACTIVE');
    assert.equal((await describe_()).TableStatus, 'UPDATING');
    await engineMarksActive('eu-west-1');
    const described = await describe_();
    assert.equal(described.TableStatus, 'ACTIVE');
    assert.deepEqual(described.Replicas, [{ RegionName: 'eu-west-1', ReplicaStatus: 'ACTIVE' }]);
    assert.equal(described.GlobalTableSettingsReplicationMode, 'ENABLED_WITH_OVERRIDES');
    // The stored list names every replica, this region included.
    assert.deepEqual(
      harness.ctx.store.getTableMeta('Orders')?.replicas?.map((replica) => replica.RegionName),
      ['us-east-1', 'eu-west-1'],
    );
    assert.ok(engine.callsOf('propagateTableMeta').length >= 1);
  });

  test('identical Creates for one region count once', async () => {
    await createOrders();
    await harness.call(updateTable, {
      TableName: 'Orders',
      ReplicaUpdates: [{ Create: { RegionName: 'eu-west-1' } }, { Create: { RegionName: 'eu-west-1' } }],
    });
    assert.equal(engine.callsOf('createReplica').length, 1);
  });

  test('keeps an enabled stream of another view type', async () => {
    await createOrders({ StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } });
    const before = harness.ctx.store.getTableMeta('Orders')?.LatestStreamArn;
    const response = (await addReplica('eu-west-1')).TableDescription as Description;
    assert.deepEqual(response.StreamSpecification, { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' });
    assert.equal(response.LatestStreamArn, before);
  });

  test('a second replica action while one is in flight is in use; an existing member is refused', async () => {
    await createOrders();
    await addReplica('eu-west-1');
    await harness.settle();
    await rejectsWith(
      addReplica('ap-south-1'),
      'ResourceInUseException',
      'The resource which you are attempting to change is in use.',
    );
    await rejectsWith(
      harness.call(updateTable, { TableName: 'Orders', DeletionProtectionEnabled: true }),
      'ResourceInUseException',
      'The resource which you are attempting to change is in use.',
    );
    await engineMarksActive('eu-west-1');
    await rejectsWith(
      addReplica('eu-west-1'),
      'ValidationException',
      'Failed to create a the new replica of table with name: \u2018Orders\u2019 because one or more replicas already existed as tables.',
    );
  });

  test('the engine refusing leaves the table regional', async () => {
    await createOrders();
    engine.addRemoteTable('eu-west-1', harness.ctx.store.getTableMeta('Orders') as TableMeta);
    await rejectsWith(
      addReplica('eu-west-1'),
      'ValidationException',
      /one or more replicas already existed as tables/,
    );
    const described = await describe_();
    assert.equal(described.TableStatus, 'ACTIVE');
    assert.equal(described.GlobalTableVersion, undefined);
    assert.equal(described.Replicas, undefined);
    assert.equal(harness.ctx.store.getTableMeta('Orders')?.replicas, undefined);
  });
});

describe('a global table', () => {
  beforeEach(() => globalOrders());

  test('cannot disable or change its stream', async () => {
    await rejectsWith(
      harness.call(updateTable, { TableName: 'Orders', StreamSpecification: { StreamEnabled: false } }),
      'ValidationException',
      'One or more parameter values were invalid: Disabling Stream is not allowed for a Global Table replica.',
    );
    await rejectsWith(
      harness.call(updateTable, {
        TableName: 'Orders',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
      }),
      'ValidationException',
      'Table already has an enabled stream: TableName: Orders',
    );
  });

  test('sends setting changes to the other replicas, but not deletion protection', async () => {
    const before = engine.callsOf('propagateTableMeta').length;
    await harness.call(updateTable, {
      TableName: 'Orders',
      AttributeDefinitions: [{ AttributeName: 'gsk', AttributeType: 'S' }],
      GlobalSecondaryIndexUpdates: [
        {
          Create: {
            IndexName: 'ByGsk',
            KeySchema: [{ AttributeName: 'gsk', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'ALL' },
          },
        },
      ],
    });
    const sent = engine.callsOf('propagateTableMeta').slice(before);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]?.table?.GlobalSecondaryIndexes[0]?.IndexName, 'ByGsk');
    await harness.settle();
    await harness.call(updateTable, { TableName: 'Orders', DeletionProtectionEnabled: true });
    assert.equal(engine.callsOf('propagateTableMeta').length, before + 1);
  });

  test('Delete removes the replica; alone again, the table is regional and keeps its stream', async () => {
    const response = (
      await harness.call(updateTable, {
        TableName: 'Orders',
        ReplicaUpdates: [{ Delete: { RegionName: 'eu-west-1' } }],
      })
    ).TableDescription as Description;
    assert.equal(response.TableStatus, 'UPDATING');
    assert.deepEqual(response.Replicas, [{ RegionName: 'eu-west-1', ReplicaStatus: 'DELETING' }]);
    assert.equal(engine.callsOf('deleteReplica')[0]?.region, 'eu-west-1');
    assert.equal(engine.remoteTable('eu-west-1', 'Orders'), undefined);
    await harness.settle();
    const described = await describe_();
    assert.equal(described.TableStatus, 'ACTIVE');
    assert.equal(described.GlobalTableVersion, undefined);
    assert.equal(described.Replicas, undefined);
    assert.equal(described.GlobalTableSettingsReplicationMode, undefined);
    assert.deepEqual(described.StreamSpecification, {
      StreamEnabled: true,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
    // Regional again: the stream may be switched off.
    await harness.call(updateTable, { TableName: 'Orders', StreamSpecification: { StreamEnabled: false } });
  });

  test('Delete or Update of a region that is not a member', async () => {
    const message =
      'Update global table operation failed because one or more replicas were not part of the global table. Please retry the request without these replicas: [ap-south-1].';
    await rejectsWith(
      harness.call(updateTable, {
        TableName: 'Orders',
        ReplicaUpdates: [{ Delete: { RegionName: 'ap-south-1' } }],
      }),
      'ValidationException',
      message,
    );
    await rejectsWith(
      harness.call(updateTable, {
        TableName: 'Orders',
        ReplicaUpdates: [{ Update: { RegionName: 'ap-south-1', TableClassOverride: 'STANDARD' } }],
      }),
      'ValidationException',
      message,
    );
  });

  test('Delete of a replica protected against deletion is refused', async () => {
    const remote = engine.remoteTable('eu-west-1', 'Orders') as TableMeta;
    remote.DeletionProtectionEnabled = true;
    await rejectsWith(
      harness.call(updateTable, {
        TableName: 'Orders',
        ReplicaUpdates: [{ Delete: { RegionName: 'eu-west-1' } }],
      }),
      'ValidationException',
      'Cannot delete table Orders in region eu-west-1 because it has deletion protection enabled. Disable deletion protection first.',
    );
    assert.equal(engine.callsOf('deleteReplica').length, 0);
  });

  test('DeleteTable of this replica tells the others, and respects deletion protection', async () => {
    await harness.call(updateTable, { TableName: 'Orders', DeletionProtectionEnabled: true });
    await harness.settle();
    await rejectsWith(
      harness.call(deleteTable, { TableName: 'Orders' }),
      'ValidationException',
      'Cannot delete table Orders in region us-east-1 because it has deletion protection enabled. Disable deletion protection first.',
    );
    await harness.call(updateTable, { TableName: 'Orders', DeletionProtectionEnabled: false });
    await harness.settle();
    const before = engine.callsOf('propagateTableMeta').length;
    const response = (await harness.call(deleteTable, { TableName: 'Orders' }))
      .TableDescription as Description;
    assert.equal(response.TableStatus, 'DELETING');
    const [sent] = engine.callsOf('propagateTableMeta').slice(before);
    assert.deepEqual(
      sent?.table?.replicas?.map((replica) => replica.RegionName),
      ['eu-west-1'],
    );
    assert.equal(harness.ctx.store.getTableMeta('Orders'), undefined);
  });
});

test('a regional table describes no global fields', async () => {
  await createOrders();
  const described = await describe_();
  for (const key of ['GlobalTableVersion', 'Replicas', 'GlobalTableSettingsReplicationMode'])
    assert.equal(key in described, false, key);
});
