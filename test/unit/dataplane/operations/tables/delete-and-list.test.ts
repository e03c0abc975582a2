import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTable } from '../../../../../src/dataplane/operations/tables/create-table.js';
import { deleteTable } from '../../../../../src/dataplane/operations/tables/delete-table.js';
import { describeTable } from '../../../../../src/dataplane/operations/tables/describe-table.js';
import { listTables } from '../../../../../src/dataplane/operations/tables/list-tables.js';
import { updateTable } from '../../../../../src/dataplane/operations/tables/update-table.js';
import { type Harness, openHarness, rejectsWith, simpleTable } from './harness.js';

describe('DeleteTable', () => {
  let harness: Harness;
  before(async () => {
    harness = await openHarness();
  });
  after(() => harness.close());

  test('answers DELETING without index details, then the table is gone', async () => {
    await harness.call(
      createTable,
      simpleTable('Doomed', {
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'g', AttributeType: 'S' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byG',
            KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
    await harness.settle();
    const output = await harness.call(deleteTable, { TableName: 'Doomed' });
    const description = output.TableDescription as Record<string, unknown>;
    assert.equal(description.TableStatus, 'DELETING');
    assert.equal(description.TableName, 'Doomed');
    assert.equal(description.GlobalSecondaryIndexes, undefined);
    await harness.settle();
    await rejectsWith(
      harness.call(describeTable, { TableName: 'Doomed' }),
      'ResourceNotFoundException',
      'Requested resource not found: Table: Doomed not found',
    );
  });

  test('accepts the table ARN as TableName', async () => {
    await harness.call(createTable, simpleTable('ByArn'));
    await harness.settle();
    await harness.call(deleteTable, { TableName: 'arn:aws:dynamodb:eu-west-1:123456789012:table/ByArn' });
    await harness.settle();
    assert.equal(harness.ctx.store.getTableMeta('ByArn'), undefined);
  });

  test('deletion protection blocks it with AWS message until disabled', async () => {
    await harness.call(createTable, simpleTable('Protected', { DeletionProtectionEnabled: true }));
    await harness.settle();
    await rejectsWith(
      harness.call(deleteTable, { TableName: 'Protected' }),
      'ValidationException',
      'Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.',
    );
    await harness.call(updateTable, { TableName: 'Protected', DeletionProtectionEnabled: false });
    await harness.call(deleteTable, { TableName: 'Protected' });
    await harness.settle();
    assert.equal(harness.ctx.store.getTableMeta('Protected'), undefined);
  });

  test('a missing table is ResourceNotFoundException', async () => {
    await rejectsWith(
      harness.call(deleteTable, { TableName: 'Missing' }),
      'ResourceNotFoundException',
      'Requested resource not found: Table: Missing not found',
    );
  });

  test('a table still being created is in use', async () => {
    const slow = await openHarness({ tableTransitionDelayMs: 50 });
    try {
      await slow.call(createTable, simpleTable('Young'));
      await rejectsWith(
        slow.call(deleteTable, { TableName: 'Young' }),
        'ResourceInUseException',
        'Attempt to change a resource which is still in use: Table is being created: Young',
      );
      await slow.settle();
      const output = await slow.call(deleteTable, { TableName: 'Young' });
      assert.equal((output.TableDescription as Record<string, unknown>).TableStatus, 'DELETING');
      const during = (await slow.call(describeTable, { TableName: 'Young' })).Table as Record<
        string,
        unknown
      >;
      assert.equal(during.TableStatus, 'DELETING');
      await slow.settle();
      assert.equal(slow.ctx.store.getTableMeta('Young'), undefined);
    } finally {
      await slow.close();
    }
  });
});

describe('ListTables', () => {
  let harness: Harness;
  before(async () => {
    harness = await openHarness();
    for (const name of ['delta', 'Alpha', 'charlie', 'bravo', 'echo'])
      await harness.call(createTable, simpleTable(name));
  });
  after(() => harness.close());

  test('lists every table in order when no limit applies', async () => {
    assert.deepEqual(await harness.call(listTables, {}), {
      TableNames: ['Alpha', 'bravo', 'charlie', 'delta', 'echo'],
    });
  });

  test('pages with Limit, LastEvaluatedTableName and ExclusiveStartTableName', async () => {
    const first = await harness.call(listTables, { Limit: 2 });
    assert.deepEqual(first, { TableNames: ['Alpha', 'bravo'], LastEvaluatedTableName: 'bravo' });
    const second = await harness.call(listTables, { Limit: 2, ExclusiveStartTableName: 'bravo' });
    assert.deepEqual(second, { TableNames: ['charlie', 'delta'], LastEvaluatedTableName: 'delta' });
    const last = await harness.call(listTables, { Limit: 2, ExclusiveStartTableName: 'delta' });
    assert.deepEqual(last, { TableNames: ['echo'] });
  });

  test('Limit must be 1 to 100', async () => {
    await rejectsWith(
      harness.call(listTables, { Limit: 0 }),
      'ValidationException',
      "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    await rejectsWith(
      harness.call(listTables, { Limit: 101 }),
      'ValidationException',
      "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100",
    );
  });
});

describe('recovery after a restart', () => {
  test('tables left CREATING become ACTIVE, tables left DELETING are dropped, half-built GSIs finish', async () => {
    const { recoverInterruptedTransitions } = await import(
      '../../../../../src/dataplane/operations/tables/indexes.js'
    );
    const harness = await openHarness({ tableTransitionDelayMs: 20 });
    try {
      const store = harness.ctx.store;
      await harness.call(createTable, simpleTable('Creating'));
      await harness.call(createTable, simpleTable('Deleting'));
      const deleting = store.getTableMeta('Deleting');
      assert.ok(deleting);
      await store.putTableMeta({ ...deleting, TableStatus: 'DELETING' });
      const creating = store.getTableMeta('Creating');
      assert.ok(creating);
      await store.putTableMeta({
        ...creating,
        TableStatus: 'UPDATING',
        GlobalSecondaryIndexes: [
          {
            IndexName: 'half',
            KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'ALL' },
            indexId: 99,
            kind: 'GSI',
            IndexStatus: 'CREATING',
            Backfilling: true,
          },
        ],
      });
      await recoverInterruptedTransitions(harness.ctx);
      assert.equal(store.getTableMeta('Deleting'), undefined);
      const recovered = store.getTableMeta('Creating');
      assert.equal(recovered?.TableStatus, 'ACTIVE');
      assert.equal(recovered?.GlobalSecondaryIndexes[0]?.IndexStatus, 'ACTIVE');
      assert.equal(recovered?.GlobalSecondaryIndexes[0]?.Backfilling, undefined);
    } finally {
      // The activation timers find nothing left to do (the statuses are no longer CREATING).
      await harness.close();
    }
  });
});
