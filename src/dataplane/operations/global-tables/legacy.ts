/**
 * What the global tables version 2017.11.29 (legacy) operations share: the global table as the
 * member tables record it, its description, its errors, and the member preconditions.
 *
 * A legacy global table lives in its member tables' metadata (globalTableVersion '2017.11.29'
 * and the member regions in `replicas`), so any member region can describe it. Version
 * 2019.11.21 tables are invisible to this API: AWS answers GlobalTableNotFoundException for them
 * and ListGlobalTables leaves them out (scylladb test/alternator/test_global_tables.py and
 * ack-api-quirks dynamodb table-global-tables.md, both probed against AWS).
 *
 * Preconditions for a member (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateGlobalTable.html):
 * same name, same primary key, streams enabled with NEW_AND_OLD_IMAGES, no items, and GSIs/LSIs
 * with the same names and keys. The wording of these refusals is Pangea's (AWS's is not
 * published); the exception names are AWS's.
 *
 * Note: AWS no longer lets accounts create 2017.11.29 global tables ("DynamoDB global tables
 * version 2017.11.29 is not supported ..."); Pangea keeps the API working for old scripts.
 */
import { DynamoError, type IndexMeta, type TableMeta, validationError } from '../../model.js';
import { peerRegions, requireReplication } from '../tables/replicas.js';
import { type Constraints, invalidParameters } from '../tables/validation.js';
import type { OperationContext, OperationOutput } from '../types.js';

export const legacyVersion = '2017.11.29';

export type GlobalTableStatus = 'CREATING' | 'ACTIVE' | 'UPDATING' | 'DELETING';

/** Stage-1 checks of a GlobalTableName (a TableName: 3–255 of [a-zA-Z0-9_.-]). */
export function checkGlobalTableName(
  constraints: Constraints,
  path: string,
  value: string | undefined,
): void {
  if (constraints.required(path, value)) constraints.name(path, value);
}

/** https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GlobalTableDescription.html: no region in the ARN. */
export const globalTableArn = (ctx: OperationContext, name: string): string =>
  `arn:aws:dynamodb::${ctx.accountId}:global-table/${name}`;

/** DescribeGlobalTable's wording as probed against AWS (ack-api-quirks DDB-GLOBALTABLE-004). */
export const globalTableNotFound = (name: string): DynamoError =>
  new DynamoError(
    'GlobalTableNotFoundException',
    `Global table not found: Global table with name: '${name}' does not exist.`,
  );

/** This region's member table of the legacy global table `name`, if it is one. */
export function legacyMember(ctx: OperationContext, name: string): TableMeta | undefined {
  const table = ctx.store.getTableMeta(name);
  return table?.globalTableVersion === legacyVersion ? table : undefined;
}

export const memberRegions = (table: TableMeta): string[] =>
  (table.replicas ?? []).map((replica) => replica.RegionName);

export function globalTableDescription(
  ctx: OperationContext,
  name: string,
  regions: readonly string[],
  creationDateTime: number,
  status: GlobalTableStatus,
): OperationOutput {
  return {
    ReplicationGroup: regions.map((region) => ({ RegionName: region })),
    GlobalTableArn: globalTableArn(ctx, name),
    CreationDateTime: creationDateTime,
    GlobalTableStatus: status,
    GlobalTableName: name,
  };
}

/** The table of that name in `region` (this one or another), or TableNotFoundException. */
export async function memberTable(ctx: OperationContext, name: string, region: string): Promise<TableMeta> {
  const notFound = new DynamoError(
    'TableNotFoundException',
    `Table not found: ${name} does not exist in region ${region}`,
  );
  if (region === ctx.region) {
    const table = ctx.store.getTableMeta(name);
    if (!table) throw notFound;
    return table;
  }
  const engine = requireReplication(ctx, region);
  if (!peerRegions(ctx).includes(region)) throw notFound;
  const table = await engine.describeRemoteTable(name, region);
  if (!table) throw notFound;
  return table;
}

const sameKeys = (a: readonly { AttributeName: string; KeyType: string }[], b: typeof a): boolean =>
  a.length === b.length &&
  a.every((element, i) => element.AttributeName === b[i]?.AttributeName && element.KeyType === b[i]?.KeyType);

const keyTypes = (table: TableMeta): string =>
  table.KeySchema.map((element) => {
    const type = table.AttributeDefinitions.find((d) => d.AttributeName === element.AttributeName);
    return `${element.AttributeName}:${element.KeyType}:${type?.AttributeType ?? ''}`;
  }).join(',');

function sameIndexes(a: readonly IndexMeta[], b: readonly IndexMeta[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((index) => {
    const other = b.find((candidate) => candidate.IndexName === index.IndexName);
    return other !== undefined && sameKeys(index.KeySchema, other.KeySchema);
  });
}

/** The first reason `table` (in `region`) cannot join a global table shaped like `reference`. */
export function memberProblem(
  ctx: OperationContext,
  table: TableMeta,
  region: string,
  reference: TableMeta,
): string | undefined {
  const where = `Table ${table.TableName} in region ${region}`;
  if (keyTypes(table) !== keyTypes(reference))
    return `${invalidParameters}${where} does not have the same primary key as the other replicas`;
  if (
    !sameIndexes(table.GlobalSecondaryIndexes, reference.GlobalSecondaryIndexes) ||
    !sameIndexes(table.LocalSecondaryIndexes, reference.LocalSecondaryIndexes)
  )
    return `${invalidParameters}${where} does not have the same secondary indexes (names and keys) as the other replicas`;
  const stream = table.StreamSpecification;
  if (!stream?.StreamEnabled || stream.StreamViewType !== 'NEW_AND_OLD_IMAGES')
    return `${invalidParameters}${where} must have DynamoDB Streams enabled with StreamViewType NEW_AND_OLD_IMAGES`;
  // Only this region's item count is known here; remote counts are the engine's to police.
  if (region === ctx.region && ctx.store.tableStats(table).itemCount > 0)
    return `${invalidParameters}${where} is not empty: the replica tables of a new global table must contain no items`;
  return undefined;
}

/** Checks one joining member; throws AWS's exception for the first broken precondition. */
export async function checkJoiningMember(
  ctx: OperationContext,
  name: string,
  region: string,
  reference: TableMeta | undefined,
): Promise<TableMeta> {
  const table = await memberTable(ctx, name, region);
  if (table.globalTableVersion !== undefined) {
    throw new DynamoError(
      'GlobalTableAlreadyExistsException',
      `Global table with name: '${name}' already exists: the table in region ${region} is already a replica of a global table (version ${table.globalTableVersion})`,
    );
  }
  const problem = memberProblem(ctx, table, region, reference ?? table);
  if (problem) throw validationError(problem);
  return table;
}

/** The member table with the legacy global table's replica list set (or removed when alone). */
export function withMembers(table: TableMeta, regions: readonly string[]): TableMeta {
  if (regions.length === 0) {
    const { globalTableVersion, replicas, ...regional } = table;
    return regional;
  }
  return {
    ...table,
    globalTableVersion: legacyVersion,
    replicas: regions.map((region) => ({ RegionName: region, ReplicaStatus: 'ACTIVE' as const })),
  };
}
