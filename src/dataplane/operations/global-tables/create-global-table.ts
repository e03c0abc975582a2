/**
 * CreateGlobalTable (global tables version 2017.11.29, legacy):
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateGlobalTable.html
 * Joins the existing, empty, stream-enabled tables of that name in the ReplicationGroup regions
 * into one global table. Every member table records the group (checked through the replication
 * engine for other regions) and the engine is asked to send the definition to the others.
 * The answer says CREATING; DescribeGlobalTable says ACTIVE from then on.
 */
import type { TableMeta } from '../../model.js';
import { withTableLock } from '../tables/lifecycle.js';
import { propagate } from '../tables/replicas.js';
import { Constraints, member, structures } from '../tables/validation.js';
import type { OperationContext, OperationHandler } from '../types.js';
import { checkGlobalTableName, checkJoiningMember, globalTableDescription, withMembers } from './legacy.js';

interface CreateGlobalTableRequest {
  GlobalTableName?: string;
  ReplicationGroup?: Array<{ RegionName?: string }>;
}

function readRequest(input: Record<string, unknown>): CreateGlobalTableRequest {
  return {
    GlobalTableName: member(input, 'GlobalTableName', 'string'),
    ReplicationGroup: structures(input, 'ReplicationGroup')?.map((replica) => ({
      RegionName: member(replica, 'RegionName', 'string'),
    })),
  };
}

function checkConstraints(request: CreateGlobalTableRequest): void {
  const constraints = new Constraints();
  checkGlobalTableName(constraints, 'globalTableName', request.GlobalTableName);
  constraints.required('replicationGroup', request.ReplicationGroup);
  constraints.throwIfAny();
}

/** Distinct regions, in request order; a replica without RegionName names no region. */
const regionsOf = (request: CreateGlobalTableRequest): string[] => [
  ...new Set(
    (request.ReplicationGroup ?? []).flatMap((replica) => (replica.RegionName ? [replica.RegionName] : [])),
  ),
];

async function createGlobalTableIn(ctx: OperationContext, name: string, regions: string[]): Promise<void> {
  // This region's table (when a member) is the reference the others must match.
  const ordered = regions.includes(ctx.region)
    ? [ctx.region, ...regions.filter((region) => region !== ctx.region)]
    : regions;
  const members: TableMeta[] = [];
  for (const region of ordered) members.push(await checkJoiningMember(ctx, name, region, members[0]));
  const joined = members.map((table) => withMembers(table, regions));
  const local = regions.includes(ctx.region) ? joined[0] : undefined;
  if (local) await ctx.store.putTableMeta(local);
  const sample = joined[0];
  if (sample) propagate(ctx, sample);
}

export const createGlobalTable: OperationHandler = async (ctx, input) => {
  const request = readRequest(input);
  checkConstraints(request);
  const name = request.GlobalTableName ?? '';
  const regions = regionsOf(request);
  const creationDateTime = ctx.nowMs() / 1000;
  await withTableLock(ctx, name, () => createGlobalTableIn(ctx, name, regions));
  return {
    GlobalTableDescription: globalTableDescription(ctx, name, regions, creationDateTime, 'CREATING'),
  };
};
