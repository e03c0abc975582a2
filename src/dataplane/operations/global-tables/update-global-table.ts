/**
 * UpdateGlobalTable (global tables version 2017.11.29, legacy):
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateGlobalTable.html
 * Adds (Create) or removes (Delete) member regions; AWS allows both in one request. A region to
 * add needs a table meeting the CreateGlobalTable preconditions; adding a member is
 * ReplicaAlreadyExistsException, removing a non-member ReplicaNotFoundException. Removing a
 * region leaves its table in place as a regional table (replication to it stops).
 * An empty ReplicaUpdates, or an update naming no action, is AWS's bare "One or more parameter
 * values were invalid" (ack-api-quirks DDB-GLOBALTABLE-004).
 */
import { DynamoError, type TableMeta, validationError } from '../../model.js';
import { withTableLock } from '../tables/lifecycle.js';
import { propagate } from '../tables/replicas.js';
import { Constraints, member, structures } from '../tables/validation.js';
import type { OperationContext, OperationHandler } from '../types.js';
import {
  checkGlobalTableName,
  checkJoiningMember,
  globalTableDescription,
  globalTableNotFound,
  legacyMember,
  memberRegions,
  withMembers,
} from './legacy.js';

interface ReplicaUpdate {
  Create?: { RegionName?: string };
  Delete?: { RegionName?: string };
}

function readAction(update: Record<string, unknown>, kind: 'Create' | 'Delete') {
  const action = member(update, kind, 'structure');
  return action && { RegionName: member(action, 'RegionName', 'string') };
}

function readUpdates(input: Record<string, unknown>): ReplicaUpdate[] | undefined {
  return structures(input, 'ReplicaUpdates')?.map((update) => ({
    Create: readAction(update, 'Create'),
    Delete: readAction(update, 'Delete'),
  }));
}

function checkConstraints(name: string | undefined, updates: ReplicaUpdate[] | undefined): void {
  const constraints = new Constraints();
  checkGlobalTableName(constraints, 'globalTableName', name);
  constraints.required('replicaUpdates', updates);
  updates?.forEach((update, position) => {
    const path = `replicaUpdates.${position + 1}.member`;
    if (update.Create) constraints.required(`${path}.create.regionName`, update.Create.RegionName);
    if (update.Delete) constraints.required(`${path}.delete.regionName`, update.Delete.RegionName);
  });
  constraints.throwIfAny();
}

const bareInvalid = 'One or more parameter values were invalid';

/** The member regions after the updates, checking each in request order. */
async function nextRegions(
  ctx: OperationContext,
  local: TableMeta,
  updates: ReplicaUpdate[],
): Promise<string[]> {
  let regions = memberRegions(local);
  for (const update of updates) {
    const added = update.Create?.RegionName;
    const removed = update.Delete?.RegionName;
    if (added !== undefined) {
      if (regions.includes(added))
        throw new DynamoError('ReplicaAlreadyExistsException', `Replica already exists in region: ${added}`);
      await checkJoiningMember(ctx, local.TableName, added, local);
      regions = [...regions, added];
    }
    if (removed !== undefined) {
      if (!regions.includes(removed))
        throw new DynamoError('ReplicaNotFoundException', `Replica not found in region: ${removed}`);
      regions = regions.filter((region) => region !== removed);
    }
  }
  return regions;
}

export const updateGlobalTable: OperationHandler = async (ctx, input) => {
  const name = member(input, 'GlobalTableName', 'string');
  const updates = readUpdates(input);
  checkConstraints(name, updates);
  if (!updates || updates.length === 0 || updates.some((update) => !update.Create && !update.Delete))
    throw validationError(bareInvalid);
  const globalName = name ?? '';
  const group = await withTableLock(ctx, globalName, async () => {
    const local = legacyMember(ctx, globalName);
    if (!local) throw globalTableNotFound(globalName);
    const regions = await nextRegions(ctx, local, updates);
    const stillMember = regions.includes(ctx.region);
    await ctx.store.putTableMeta(withMembers(local, stillMember ? regions : []));
    // The remaining and new members learn the group; a removed region is not told (see report).
    propagate(ctx, withMembers(local, regions));
    return { regions, created: local.CreationDateTime };
  });
  return {
    GlobalTableDescription: globalTableDescription(ctx, globalName, group.regions, group.created, 'UPDATING'),
  };
};
