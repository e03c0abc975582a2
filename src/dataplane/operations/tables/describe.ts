/**
 * Builds AWS's TableDescription from a table's metadata and the store's approximate statistics.
 * Shape: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TableDescription.html
 */
import type { IndexMeta, TableMeta } from '../../model.js';
import type { OperationContext, OperationOutput } from '../types.js';
import { indexArn } from './names.js';
import { effectiveTableStatus, globalTableFields } from './replicas.js';

/**
 * Warm throughput every new table and GSI starts with (on-demand scaling baseline).
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/warm-throughput.html
 */
export const defaultWarmReadUnitsPerSecond = 12000;
export const defaultWarmWriteUnitsPerSecond = 4000;

function stats(
  ctx: OperationContext,
  table: TableMeta,
  indexName?: string,
): { itemCount: number; sizeBytes: number } {
  return ctx.store.tableStats(table, indexName);
}

function throughputDescription(
  billingMode: TableMeta['BillingMode'],
  throughput: TableMeta['ProvisionedThroughput'] | IndexMeta['ProvisionedThroughput'],
): Record<string, unknown> {
  // On-demand tables describe zero provisioned capacity.
  const described: Record<string, unknown> = {
    NumberOfDecreasesToday: 0,
    ReadCapacityUnits: billingMode === 'PROVISIONED' ? (throughput?.ReadCapacityUnits ?? 0) : 0,
    WriteCapacityUnits: billingMode === 'PROVISIONED' ? (throughput?.WriteCapacityUnits ?? 0) : 0,
  };
  if (throughput && 'NumberOfDecreasesToday' in throughput) {
    described.NumberOfDecreasesToday = throughput.NumberOfDecreasesToday ?? 0;
    if (throughput.LastIncreaseDateTime !== undefined)
      described.LastIncreaseDateTime = throughput.LastIncreaseDateTime;
    if (throughput.LastDecreaseDateTime !== undefined)
      described.LastDecreaseDateTime = throughput.LastDecreaseDateTime;
  }
  return described;
}

function warmThroughput(status: string): Record<string, unknown> {
  return {
    ReadUnitsPerSecond: defaultWarmReadUnitsPerSecond,
    WriteUnitsPerSecond: defaultWarmWriteUnitsPerSecond,
    Status: status,
  };
}

function onDemandThroughput(throughput: TableMeta['OnDemandThroughput']): Record<string, unknown> {
  // -1 means "no maximum", as AWS describes on-demand tables without a configured cap.
  return {
    MaxReadRequestUnits: throughput?.MaxReadRequestUnits ?? -1,
    MaxWriteRequestUnits: throughput?.MaxWriteRequestUnits ?? -1,
  };
}

function projectionOf(index: IndexMeta): Record<string, unknown> {
  const projection: Record<string, unknown> = { ProjectionType: index.Projection.ProjectionType };
  if (index.Projection.NonKeyAttributes) projection.NonKeyAttributes = [...index.Projection.NonKeyAttributes];
  return projection;
}

function localIndexDescription(
  ctx: OperationContext,
  table: TableMeta,
  index: IndexMeta,
): Record<string, unknown> {
  const { itemCount, sizeBytes } = stats(ctx, table, index.IndexName);
  return {
    IndexName: index.IndexName,
    KeySchema: index.KeySchema.map((element) => ({ ...element })),
    Projection: projectionOf(index),
    IndexSizeBytes: sizeBytes,
    ItemCount: itemCount,
    IndexArn: indexArn(table, index.IndexName),
  };
}

function globalIndexDescription(
  ctx: OperationContext,
  table: TableMeta,
  index: IndexMeta,
): Record<string, unknown> {
  const status = index.IndexStatus ?? 'ACTIVE';
  // A GSI being created has no statistics yet; AWS reports 0 until the backfill completes.
  const { itemCount, sizeBytes } =
    status === 'ACTIVE' ? stats(ctx, table, index.IndexName) : { itemCount: 0, sizeBytes: 0 };
  const described: Record<string, unknown> = {
    IndexName: index.IndexName,
    KeySchema: index.KeySchema.map((element) => ({ ...element })),
    Projection: projectionOf(index),
    IndexStatus: status,
  };
  if (status === 'CREATING') described.Backfilling = index.Backfilling ?? false;
  described.ProvisionedThroughput = throughputDescription(table.BillingMode, index.ProvisionedThroughput);
  described.IndexSizeBytes = sizeBytes;
  described.ItemCount = itemCount;
  described.IndexArn = indexArn(table, index.IndexName);
  if (table.BillingMode === 'PAY_PER_REQUEST')
    described.OnDemandThroughput = onDemandThroughput(index.OnDemandThroughput);
  described.WarmThroughput = warmThroughput(status);
  return described;
}

/**
 * The TableDescription AWS returns from CreateTable, DescribeTable, UpdateTable and DeleteTable.
 * `statusOverride` lets DeleteTable answer DELETING; while DELETING, AWS returns no index details.
 */
export function describeTable(
  ctx: OperationContext,
  table: TableMeta,
  statusOverride?: TableMeta['TableStatus'],
): OperationOutput {
  // A table whose replica elsewhere is still being created or deleted reads UPDATING, as in AWS.
  const status = statusOverride ?? effectiveTableStatus(ctx, table);
  const { itemCount, sizeBytes } = stats(ctx, table);
  const description: Record<string, unknown> = {
    AttributeDefinitions: table.AttributeDefinitions.map((definition) => ({ ...definition })),
    TableName: table.TableName,
    KeySchema: table.KeySchema.map((element) => ({ ...element })),
    TableStatus: status,
    CreationDateTime: table.CreationDateTime,
    ProvisionedThroughput: throughputDescription(table.BillingMode, table.ProvisionedThroughput),
    TableSizeBytes: sizeBytes,
    ItemCount: itemCount,
    TableArn: table.TableArn,
    TableId: table.TableId,
    BillingModeSummary: billingModeSummary(table),
  };
  if (status !== 'DELETING') {
    if (table.LocalSecondaryIndexes.length > 0) {
      description.LocalSecondaryIndexes = table.LocalSecondaryIndexes.map((index) =>
        localIndexDescription(ctx, table, index),
      );
    }
    if (table.GlobalSecondaryIndexes.length > 0) {
      description.GlobalSecondaryIndexes = table.GlobalSecondaryIndexes.map((index) =>
        globalIndexDescription(ctx, table, index),
      );
    }
  }
  Object.assign(description, streamFields(table), globalTableFields(ctx, table), sseFields(table));
  if (table.TableClass) description.TableClassSummary = { TableClass: table.TableClass };
  description.DeletionProtectionEnabled = table.DeletionProtectionEnabled;
  if (table.BillingMode === 'PAY_PER_REQUEST')
    description.OnDemandThroughput = onDemandThroughput(table.OnDemandThroughput);
  description.WarmThroughput = warmThroughput(status);
  return description;
}

function billingModeSummary(table: TableMeta): Record<string, unknown> {
  const summary: Record<string, unknown> = { BillingMode: table.BillingMode };
  // AWS stamps the switch to on-demand; for tables created on-demand that is the creation time.
  if (table.BillingMode === 'PAY_PER_REQUEST')
    summary.LastUpdateToPayPerRequestDateTime = table.CreationDateTime;
  return summary;
}

function streamFields(table: TableMeta): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (table.StreamSpecification?.StreamEnabled) fields.StreamSpecification = { ...table.StreamSpecification };
  // The latest stream stays described after the stream is disabled, as in AWS.
  if (table.LatestStreamLabel) fields.LatestStreamLabel = table.LatestStreamLabel;
  if (table.LatestStreamArn) fields.LatestStreamArn = table.LatestStreamArn;
  return fields;
}

function sseFields(table: TableMeta): Record<string, unknown> {
  return table.SSEDescription ? { SSEDescription: { ...table.SSEDescription } } : {};
}
