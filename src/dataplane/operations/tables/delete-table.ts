/**
 * DeleteTable: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DeleteTable.html
 * "If table is in CREATING or UPDATING states, then DynamoDB returns a ResourceInUseException ...
 * If table is already in the DELETING state, no error is returned." Deletion protection refuses
 * with AWS's ValidationException
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/WorkingWithTables.Basics.html#WorkingWithTables.Basics.DeletionProtection).
 * The answer says DELETING; the table is gone after the transition delay (immediately by default).
 *
 * A replica of a global table may be deleted on its own (AWS allows a regional DeleteTable of an
 * unprotected replica; the others then drop it from Replicas, ack-api-quirks DDB-TABLE-297): the
 * other replicas are sent the definition without this region. A protected replica refuses with
 * the replica wording, and a replica still being created or deleted elsewhere is in use.
 */
import { DynamoError, type TableMeta, validationError } from '../../model.js';
import type { OperationContext, OperationHandler } from '../types.js';
import { describeTable } from './describe.js';
import { scheduleTransition, transitionDelayMs, withTableLock } from './lifecycle.js';
import { checkTableNameOrArn, resolveTableName, tableNotFound } from './names.js';
import { isGlobal, propagate, replicaInTransition, replicaInUse, withoutReplica } from './replicas.js';
import { Constraints, member } from './validation.js';

const inUseWording: Partial<Record<TableMeta['TableStatus'], string>> = {
  CREATING: 'Table is being created',
  UPDATING: 'Table is being updated',
};

function checkDeletable(ctx: OperationContext, table: TableMeta): void {
  if (table.DeletionProtectionEnabled && isGlobal(ctx, table)) {
    throw validationError(
      `Cannot delete table ${table.TableName} in region ${ctx.region} because it has deletion protection enabled. Disable deletion protection first.`,
    );
  }
  if (table.DeletionProtectionEnabled) {
    throw validationError(
      'Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.',
    );
  }
  const inUse = inUseWording[table.TableStatus];
  if (inUse) {
    throw new DynamoError(
      'ResourceInUseException',
      `Attempt to change a resource which is still in use: ${inUse}: ${table.TableName}`,
    );
  }
  if (replicaInTransition(ctx, table)) throw replicaInUse();
}

async function startDeletion(ctx: OperationContext, table: TableMeta): Promise<void> {
  if (transitionDelayMs(ctx) === 0) {
    await ctx.store.dropTable(table.TableName);
    return;
  }
  await ctx.store.putTableMeta({ ...table, TableStatus: 'DELETING' });
  scheduleTransition(ctx, () =>
    withTableLock(ctx, table.TableName, async () => {
      if (ctx.store.getTableMeta(table.TableName)?.TableId === table.TableId)
        await ctx.store.dropTable(table.TableName);
    }),
  );
}

export const deleteTable: OperationHandler = async (ctx, input) => {
  const tableNameOrArn = member(input, 'TableName', 'string');
  const constraints = new Constraints();
  checkTableNameOrArn(constraints, tableNameOrArn);
  constraints.throwIfAny();
  const tableName = resolveTableName(ctx, tableNameOrArn ?? '');
  return withTableLock(ctx, tableName, async () => {
    const table = ctx.store.getTableMeta(tableName);
    if (!table) throw tableNotFound(tableName);
    if (table.TableStatus !== 'DELETING') {
      checkDeletable(ctx, table);
      // Described before the data goes, so the counts are the table's last.
      const description = describeTable(ctx, table, 'DELETING');
      await startDeletion(ctx, table);
      if (isGlobal(ctx, table)) propagate(ctx, withoutReplica(ctx, table, ctx.region));
      return { TableDescription: description };
    }
    return { TableDescription: describeTable(ctx, table, 'DELETING') };
  });
};
