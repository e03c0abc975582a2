/**
 * UpdateTable's ReplicaUpdates (global tables version 2019.11.21): reading, AWS's validation and
 * the replica create/delete/update flow, which calls the region's replication engine.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTable.html#DDB-UpdateTable-request-ReplicaUpdates
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ReplicationGroupUpdate.html
 *
 * Messages and order follow AWS as probed against real DynamoDB (ack-api-quirks dynamodb,
 * table-replicas.md DDB-TABLE-203/223/224/265/305; aws/aws-cli#4906 for the local region):
 * - ReplicaUpdates must be the only change in the call, checked before any table state;
 * - one Create or Delete per call (identical Creates for one region count once);
 * - the local region, an unknown region, an existing member, a non-member each have their text;
 * - there is no stream prerequisite: a table without an enabled stream gets NEW_AND_OLD_IMAGES
 *   (a new stream label), an enabled stream of any view type is kept as it is.
 */
import { DynamoError, type ReplicaMeta, type TableMeta, validationError } from '../../model.js';
import type { OperationContext } from '../types.js';
import { scheduleUpdateSettled } from './indexes.js';
import { requireActive, updateTableMeta, withTableLock } from './lifecycle.js';
import { tableNotFound } from './names.js';
import {
  otherReplicas,
  peerRegions,
  propagate,
  replicaInTransition,
  replicaInUse,
  requireReplication,
  unsupportedRegion,
  withoutReplica,
  withReplica,
} from './replicas.js';
import { tableClasses } from './schema.js';
import { withStreamEnabled } from './streams.js';
import { type Constraints, invalidParameters, member, structures } from './validation.js';

type ActionKind = 'Create' | 'Update' | 'Delete';

interface ReplicaActionInput {
  RegionName?: string;
  TableClassOverride?: string;
  /** True when the action carries a setting besides RegionName (Create/Update overrides). */
  hasSettings: boolean;
  provisionedOverride: boolean;
}

export interface ReplicaUpdateInput {
  Create?: ReplicaActionInput;
  Update?: ReplicaActionInput;
  Delete?: ReplicaActionInput;
}

/** The one replica action a valid request carries. */
export interface ReplicaAction {
  kind: ActionKind;
  region: string;
  provisionedOverride: boolean;
}

const settingMembers = [
  'KMSMasterKeyId',
  'ProvisionedThroughputOverride',
  'OnDemandThroughputOverride',
  'GlobalSecondaryIndexes',
  'TableClassOverride',
];

function readAction(update: Record<string, unknown>, kind: ActionKind): ReplicaActionInput | undefined {
  const action = member(update, kind, 'structure');
  if (!action) return undefined;
  return {
    RegionName: member(action, 'RegionName', 'string'),
    TableClassOverride: member(action, 'TableClassOverride', 'string'),
    hasSettings: settingMembers.some((name) => action[name] !== undefined && action[name] !== null),
    provisionedOverride: member(action, 'ProvisionedThroughputOverride', 'structure') !== undefined,
  };
}

export function readReplicaUpdates(input: unknown): ReplicaUpdateInput[] | undefined {
  return structures(input, 'ReplicaUpdates')?.map((update) => ({
    Create: readAction(update, 'Create'),
    Update: readAction(update, 'Update'),
    Delete: readAction(update, 'Delete'),
  }));
}

/** Stage 1: list length 1+, RegionName required, TableClassOverride enum. */
export function checkReplicaUpdates(
  constraints: Constraints,
  updates: ReplicaUpdateInput[] | undefined,
): void {
  if (!updates) return;
  constraints.length('replicaUpdates', updates, 1);
  updates.forEach((update, position) => {
    for (const kind of ['Create', 'Update', 'Delete'] as const) {
      const action = update[kind];
      if (!action) continue;
      const path = `replicaUpdates.${position + 1}.member.${kind.toLowerCase()}`;
      constraints.required(`${path}.regionName`, action.RegionName);
      constraints.oneOf(`${path}.tableClassOverride`, action.TableClassOverride, tableClasses);
    }
  });
}

function actionsOf(update: ReplicaUpdateInput): ReplicaAction[] {
  return (['Create', 'Update', 'Delete'] as const).flatMap((kind) => {
    const action = update[kind];
    return action
      ? [{ kind, region: action.RegionName ?? '', provisionedOverride: action.provisionedOverride }]
      : [];
  });
}

const noActions = 'There are no actions specified in the Replica Update Action of the request.';
const mixedActions = 'Update table operation with more than one type of replica actions not allowed.';

/**
 * The request-only rules (no table needed), in AWS's order; returns the message of the first
 * broken rule, or the single action to perform.
 */
export function replicaRequestProblem(
  updates: ReplicaUpdateInput[],
  otherChanges: boolean,
): { problem: string } | { action: ReplicaAction } {
  if (otherChanges)
    return { problem: `${invalidParameters}Replica modification must be the only operation in the request` };
  const actions: ReplicaAction[] = [];
  for (const update of updates) {
    const found = actionsOf(update);
    if (found.length === 0) return { problem: noActions };
    if (found.length > 1) return { problem: mixedActions };
    if (update.Update && !update.Update.hasSettings) return { problem: noActions };
    actions.push(...found);
  }
  const distinct = actions.filter(
    (action, index) =>
      actions.findIndex((other) => other.kind === action.kind && other.region === action.region) === index,
  );
  const structural = distinct.filter((action) => action.kind !== 'Update');
  if (structural.length > 1)
    return {
      problem: 'Update table operation with more than one create or delete replica actions not allowed',
    };
  if (distinct.length > 1) return { problem: mixedActions };
  const [action] = distinct;
  return action ? { action } : { problem: noActions };
}

const localRegionMessage =
  'Cannot add or delete the local region through ReplicaUpdates. Use CreateTable, DeleteTable, or UpdateTable as required.';

/** Checks that need the table, in the order AWS reports them. */
function checkAction(ctx: OperationContext, table: TableMeta, action: ReplicaAction): void {
  if (action.region === ctx.region) throw validationError(localRegionMessage);
  if (!peerRegions(ctx).includes(action.region)) throw unsupportedRegion(ctx, action.region);
  if (table.globalTableVersion === '2017.11.29') {
    // Guessed wording: AWS points version 2017.11.29 tables to UpdateGlobalTable.
    throw validationError(
      `${invalidParameters}ReplicaUpdates is not supported for global tables version 2017.11.29: use UpdateGlobalTable, or upgrade the global table to version 2019.11.21`,
    );
  }
  const member = otherReplicas(ctx, table).some((replica) => replica.RegionName === action.region);
  if (action.kind !== 'Create' && !member) {
    throw validationError(
      `Update global table operation failed because one or more replicas were not part of the global table. Please retry the request without these replicas: [${action.region}].`,
    );
  }
  requireActive(table);
  if (replicaInTransition(ctx, table)) throw replicaInUse();
  if (action.kind === 'Create' && member) {
    throw validationError(
      `Failed to create a the new replica of table with name: \u2018${table.TableName}\u2019 because one or more replicas already existed as tables.`,
    );
  }
  if (action.kind === 'Update' && action.provisionedOverride && table.BillingMode === 'PAY_PER_REQUEST') {
    throw validationError(
      'Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST',
    );
  }
}

/** A replica with its own deletion protection refuses ReplicaUpdates Delete (ack-api-quirks DDB-TABLE-267). */
async function checkRemoteDeletable(ctx: OperationContext, table: TableMeta, region: string): Promise<void> {
  const remote = await requireReplication(ctx, region).describeRemoteTable(table.TableName, region);
  if (remote?.DeletionProtectionEnabled) {
    throw validationError(
      `Cannot delete table ${table.TableName} in region ${region} because it has deletion protection enabled. Disable deletion protection first.`,
    );
  }
}

/** The table as the first phase of the action leaves it: UPDATING, the replica CREATING/DELETING/UPDATING. */
function startedChange(ctx: OperationContext, table: TableMeta, action: ReplicaAction): TableMeta {
  let next = structuredClone(table) as TableMeta;
  const status: Record<ActionKind, ReplicaMeta['ReplicaStatus']> = {
    Create: 'CREATING',
    Update: 'UPDATING',
    Delete: 'DELETING',
  };
  if (action.kind === 'Create' && next.StreamSpecification?.StreamEnabled !== true)
    next = withStreamEnabled(next, 'NEW_AND_OLD_IMAGES', ctx.nowMs());
  next = withReplica(ctx, next, action.region, status[action.kind], '2019.11.21');
  return { ...next, TableStatus: 'UPDATING' };
}

/** Puts back what the first phase changed when the engine refused the action. */
function revert(ctx: OperationContext, original: TableMeta): Promise<void> {
  return updateTableMeta(ctx, original.TableName, original.TableId, () => original);
}

/**
 * Second phase, after the engine has done its part: the replica list takes the change at once,
 * the table settles after the transition delay, and the other replicas hear of it.
 */
async function finish(ctx: OperationContext, table: TableMeta, action: ReplicaAction): Promise<void> {
  let finished: TableMeta | undefined;
  await updateTableMeta(ctx, table.TableName, table.TableId, (current) => {
    if (action.kind === 'Delete') finished = withoutReplica(ctx, current, action.region);
    else if (action.kind === 'Update')
      finished = withReplica(ctx, current, action.region, 'ACTIVE', '2019.11.21');
    else finished = current;
    return finished;
  });
  if (!finished) return;
  scheduleUpdateSettled(ctx, finished);
  propagate(ctx, finished);
}

async function callEngine(ctx: OperationContext, table: TableMeta, action: ReplicaAction): Promise<void> {
  const engine = requireReplication(ctx, action.region);
  if (action.kind === 'Create') await engine.createReplica(table, action.region);
  if (action.kind === 'Delete') await engine.deleteReplica(table, action.region);
}

/**
 * Runs one replica action. The engine is called outside the table lock: it may update this
 * region's table metadata itself (replica statuses) while it works.
 * Returns the table as the response describes it (UPDATING, replica in transition).
 */
export async function applyReplicaAction(
  ctx: OperationContext,
  tableName: string,
  action: ReplicaAction,
): Promise<TableMeta> {
  const { original, started } = await withTableLock(ctx, tableName, async () => {
    const table = ctx.store.getTableMeta(tableName);
    if (!table) throw tableNotFound(tableName);
    checkAction(ctx, table, action);
    if (action.kind === 'Delete') await checkRemoteDeletable(ctx, table, action.region);
    const changed = startedChange(ctx, table, action);
    await ctx.store.putTableMeta(changed);
    return { original: table, started: changed };
  });
  try {
    await callEngine(ctx, started, action);
  } catch (error) {
    await revert(ctx, original);
    throw error instanceof DynamoError ? error : new DynamoError('InternalServerError', String(error), 500);
  }
  await finish(ctx, started, action);
  return started;
}
