/**
 * Global table membership as the table operations see it: which replicas a table has, how
 * DescribeTable shows them, and the rules that hold while a table is global.
 *
 * Facts this follows (AWS behaviour observed against real DynamoDB, 2019.11.21 tables):
 * - DescribeTable's Replicas lists the *other* regions, never the one answering
 *   (ack-api-quirks dynamodb probes, table-global-tables.md "Describe shape"); GlobalTableVersion
 *   and Replicas disappear again when the last other replica is removed, the stream stays
 *   (same source, DDB-TABLE-231; scylladb test/alternator/test_global_tables.py).
 * - While a replica is being created or deleted the source table reads UPDATING and other
 *   UpdateTable calls are refused as in use (ack-api-quirks DDB-TABLE-226/227).
 * Shape: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ReplicaDescription.html
 */
import { DynamoError, type ReplicaMeta, type TableMeta, validationError } from '../../model.js';
import type { OperationContext, ReplicationControl } from '../types.js';

/** The replicas of `table` in regions other than this one. */
export const otherReplicas = (ctx: OperationContext, table: TableMeta): ReplicaMeta[] =>
  (table.replicas ?? []).filter((replica) => replica.RegionName !== ctx.region);

/** True when the table has at least one replica elsewhere (either global tables version). */
export const isGlobal = (ctx: OperationContext, table: TableMeta): boolean =>
  table.globalTableVersion !== undefined && otherReplicas(ctx, table).length > 0;

const busyStatuses: ReadonlySet<ReplicaMeta['ReplicaStatus']> = new Set(['CREATING', 'DELETING', 'UPDATING']);

/** True while a replica elsewhere is being created, updated or deleted. */
export const replicaInTransition = (ctx: OperationContext, table: TableMeta): boolean =>
  otherReplicas(ctx, table).some((replica) => busyStatuses.has(replica.ReplicaStatus));

/** The status DescribeTable shows: an ACTIVE table whose replica is still changing reads UPDATING. */
export function effectiveTableStatus(ctx: OperationContext, table: TableMeta): TableMeta['TableStatus'] {
  if (table.TableStatus === 'ACTIVE' && replicaInTransition(ctx, table)) return 'UPDATING';
  return table.TableStatus;
}

/** AWS's answer to a table change while a replica is still being created or deleted. */
export const replicaInUse = (): DynamoError =>
  new DynamoError('ResourceInUseException', 'The resource which you are attempting to change is in use.');

function replicaDescription(replica: ReplicaMeta): Record<string, unknown> {
  const described: Record<string, unknown> = {
    RegionName: replica.RegionName,
    ReplicaStatus: replica.ReplicaStatus,
  };
  if (replica.ReplicaStatusDescription !== undefined)
    described.ReplicaStatusDescription = replica.ReplicaStatusDescription;
  if (replica.ReplicaStatus === 'CREATING')
    described.ReplicaStatusPercentProgress = replica.ReplicaStatusPercentProgress ?? '0';
  return described;
}

/**
 * DescribeTable's global table fields: GlobalTableVersion, Replicas and, for 2019.11.21 tables,
 * GlobalTableSettingsReplicationMode (ENABLED_WITH_OVERRIDES for a same-account global table,
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TableDescription.html).
 * Empty for a regional table: AWS omits the keys rather than sending empty values.
 */
export function globalTableFields(ctx: OperationContext, table: TableMeta): Record<string, unknown> {
  if (!isGlobal(ctx, table)) return {};
  const fields: Record<string, unknown> = {
    GlobalTableVersion: table.globalTableVersion,
    Replicas: otherReplicas(ctx, table).map(replicaDescription),
  };
  if (table.globalTableVersion === '2019.11.21')
    fields.GlobalTableSettingsReplicationMode = 'ENABLED_WITH_OVERRIDES';
  return fields;
}

/** The table with `region` added (or its status replaced); this region is listed ACTIVE first. */
export function withReplica(
  ctx: OperationContext,
  table: TableMeta,
  region: string,
  status: ReplicaMeta['ReplicaStatus'],
  version: NonNullable<TableMeta['globalTableVersion']>,
): TableMeta {
  const current = table.replicas ?? [{ RegionName: ctx.region, ReplicaStatus: 'ACTIVE' as const }];
  const others = current.filter((replica) => replica.RegionName !== region);
  return {
    ...table,
    globalTableVersion: version,
    replicas: [...others, { RegionName: region, ReplicaStatus: status }],
  };
}

/**
 * The table without `region`. When only this region is left the table is regional again:
 * GlobalTableVersion and Replicas go, the stream the replica switched on stays (as in AWS).
 */
export function withoutReplica(ctx: OperationContext, table: TableMeta, region: string): TableMeta {
  const remaining = (table.replicas ?? []).filter((replica) => replica.RegionName !== region);
  if (remaining.every((replica) => replica.RegionName === ctx.region)) {
    const { globalTableVersion, replicas, ...regional } = table;
    return regional;
  }
  return { ...table, replicas: remaining };
}

/**
 * Tells the other replicas about a changed definition. Best effort, as the engine promises
 * (it retries on its own); a failure must not fail the caller's already committed change.
 */
export function propagate(ctx: OperationContext, table: TableMeta): void {
  if (!ctx.replication) return;
  ctx.replication.propagateTableMeta(table).catch(() => undefined);
}

/** The regions a replica can be created in: this world's other regions, or none without replication. */
export const peerRegions = (ctx: OperationContext): string[] => ctx.replication?.peerRegions() ?? [];

/** AWS's refusal of a region global tables cannot use (here: a region not in this world). */
export function unsupportedRegion(ctx: OperationContext, region: string): DynamoError {
  if (!ctx.replication) {
    return validationError(
      `Region ${region} is not supported: this Pangea region (${ctx.region}) runs without replication, so it cannot create, update or delete global table replicas.`,
    );
  }
  const supported = [ctx.region, ...peerRegions(ctx)].sort();
  return validationError(
    `Region ${region} is not supported. The latest version of global tables are only supported in the following regions: [${supported.join(', ')}].`,
  );
}

/** The engine, or the refusal naming the region when this data plane runs without one. */
export function requireReplication(ctx: OperationContext, region: string): ReplicationControl {
  if (!ctx.replication) throw unsupportedRegion(ctx, region);
  return ctx.replication;
}
