/**
 * DescribeGlobalTableSettings (global tables version 2017.11.29, legacy):
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeGlobalTableSettings.html
 * Each member region's billing mode and capacity, read from this region's table and, for the
 * others, through the replication engine. Not a legacy global table here is
 * GlobalTableNotFoundException "Global table with name: '<name>' does not exist." (AWS's wording
 * for this operation, ack-api-quirks DDB-GLOBALTABLE-004). Pangea has no auto scaling, so no
 * auto scaling settings are described.
 */
import { DynamoError, type TableMeta } from '../../model.js';
import { Constraints, member } from '../tables/validation.js';
import type { OperationContext, OperationHandler } from '../types.js';
import { checkGlobalTableName, legacyMember, memberRegions } from './legacy.js';

function indexSettings(table: TableMeta): Record<string, unknown>[] {
  return table.GlobalSecondaryIndexes.map((index) => {
    const settings: Record<string, unknown> = {
      IndexName: index.IndexName,
      IndexStatus: index.IndexStatus ?? 'ACTIVE',
    };
    if (table.BillingMode === 'PROVISIONED' && index.ProvisionedThroughput) {
      settings.ProvisionedReadCapacityUnits = index.ProvisionedThroughput.ReadCapacityUnits;
      settings.ProvisionedWriteCapacityUnits = index.ProvisionedThroughput.WriteCapacityUnits;
    }
    return settings;
  });
}

function replicaSettings(region: string, table: TableMeta | undefined): Record<string, unknown> {
  if (!table) return { RegionName: region, ReplicaStatus: 'ACTIVE' };
  const settings: Record<string, unknown> = {
    RegionName: region,
    ReplicaStatus: 'ACTIVE',
    ReplicaBillingModeSummary: { BillingMode: table.BillingMode },
  };
  if (table.BillingMode === 'PROVISIONED' && table.ProvisionedThroughput) {
    settings.ReplicaProvisionedReadCapacityUnits = table.ProvisionedThroughput.ReadCapacityUnits;
    settings.ReplicaProvisionedWriteCapacityUnits = table.ProvisionedThroughput.WriteCapacityUnits;
  }
  if (table.GlobalSecondaryIndexes.length > 0)
    settings.ReplicaGlobalSecondaryIndexSettings = indexSettings(table);
  if (table.TableClass) settings.ReplicaTableClassSummary = { TableClass: table.TableClass };
  return settings;
}

/** A member's table: this region's, or the engine's view of another region's (undefined if unreachable). */
async function memberView(
  ctx: OperationContext,
  local: TableMeta,
  region: string,
): Promise<TableMeta | undefined> {
  if (region === ctx.region) return local;
  return ctx.replication?.describeRemoteTable(local.TableName, region).catch(() => undefined);
}

export const describeGlobalTableSettings: OperationHandler = async (ctx, input) => {
  const name = member(input, 'GlobalTableName', 'string');
  const constraints = new Constraints();
  checkGlobalTableName(constraints, 'globalTableName', name);
  constraints.throwIfAny();
  const local = legacyMember(ctx, name ?? '');
  if (!local)
    throw new DynamoError(
      'GlobalTableNotFoundException',
      `Global table with name: '${name}' does not exist.`,
    );
  const regions = memberRegions(local);
  const views = await Promise.all(regions.map((region) => memberView(ctx, local, region)));
  return {
    GlobalTableName: local.TableName,
    ReplicaSettings: regions.map((region, i) => replicaSettings(region, views[i])),
  };
};
