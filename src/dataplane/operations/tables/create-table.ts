/**
 * CreateTable: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html
 * Validation runs in AWS's two stages (see validation.ts); the semantic checks follow the order
 * AWS reports them in for the common mistakes: key schema, attribute definitions, capacity,
 * local then global indexes, projections, stream, tags; only then "Table already exists".
 * The table answers CREATING and becomes ACTIVE after the transition delay (lifecycle.ts).
 */
import { randomUUID } from 'node:crypto';
import { DynamoError, type IndexMeta, type TableMeta } from '../../model.js';
import type { OperationContext, OperationHandler, OperationInput } from '../types.js';
import { describeTable } from './describe.js';
import { scheduleActivation, transitionDelayMs, withTableLock } from './lifecycle.js';
import { tableArn } from './names.js';
import {
  type AttributeDefinitionInput,
  billingModes,
  checkAttributeDefinitions,
  checkIndex,
  checkKeySchema,
  checkThroughput,
  type IndexInput,
  type KeyElementInput,
  keySchemaProblem,
  maxGlobalIndexes,
  maxLocalIndexes,
  type OnDemandInput,
  projectedAttributeCount,
  projectedAttributesProblem,
  projectionProblem,
  readAttributeDefinitions,
  readIndexes,
  readKeySchema,
  readOnDemand,
  readThroughput,
  sseTypes,
  type ThroughputInput,
  tableClasses,
  toAttributeDefinitions,
  toKeySchema,
  toOnDemand,
  toProjection,
  toThroughput,
} from './schema.js';
import {
  checkStreamSpecification,
  readStreamSpecification,
  type StreamInput,
  streamProblem,
  withStreamEnabled,
} from './streams.js';
import { checkTags, readTags, type TagInput, tagsProblem } from './tags.js';
import { Constraints, firstFailure, invalidParameters, javaList, member } from './validation.js';

interface SseInput {
  Enabled?: boolean;
  SSEType?: string;
  KMSMasterKeyId?: string;
}

interface CreateTableRequest {
  AttributeDefinitions?: AttributeDefinitionInput[];
  TableName?: string;
  KeySchema?: KeyElementInput[];
  LocalSecondaryIndexes?: IndexInput[];
  GlobalSecondaryIndexes?: IndexInput[];
  BillingMode?: string;
  ProvisionedThroughput?: ThroughputInput;
  StreamSpecification?: StreamInput;
  SSESpecification?: SseInput;
  Tags?: TagInput[];
  TableClass?: string;
  DeletionProtectionEnabled?: boolean;
  OnDemandThroughput?: OnDemandInput;
}

function readRequest(input: OperationInput): CreateTableRequest {
  const sse = member(input, 'SSESpecification', 'structure');
  return {
    AttributeDefinitions: readAttributeDefinitions(input),
    TableName: member(input, 'TableName', 'string'),
    KeySchema: readKeySchema(input),
    LocalSecondaryIndexes: readIndexes(input, 'LocalSecondaryIndexes'),
    GlobalSecondaryIndexes: readIndexes(input, 'GlobalSecondaryIndexes'),
    BillingMode: member(input, 'BillingMode', 'string'),
    ProvisionedThroughput: readThroughput(input),
    StreamSpecification: readStreamSpecification(input),
    SSESpecification: sse && {
      Enabled: member(sse, 'Enabled', 'boolean'),
      SSEType: member(sse, 'SSEType', 'string'),
      KMSMasterKeyId: member(sse, 'KMSMasterKeyId', 'string'),
    },
    Tags: readTags(input),
    TableClass: member(input, 'TableClass', 'string'),
    DeletionProtectionEnabled: member(input, 'DeletionProtectionEnabled', 'boolean'),
    OnDemandThroughput: readOnDemand(input),
  };
}

/** Stage 1, in the order of the request shape's members. */
function checkConstraints(request: CreateTableRequest): void {
  const constraints = new Constraints();
  checkAttributeDefinitions(constraints, request.AttributeDefinitions);
  if (constraints.required('tableName', request.TableName)) constraints.name('tableName', request.TableName);
  checkKeySchema(constraints, 'keySchema', request.KeySchema);
  request.LocalSecondaryIndexes?.forEach((index, position) => {
    checkIndex(constraints, `localSecondaryIndexes.${position + 1}.member`, index, false);
  });
  request.GlobalSecondaryIndexes?.forEach((index, position) => {
    checkIndex(constraints, `globalSecondaryIndexes.${position + 1}.member`, index, true);
  });
  constraints.oneOf('billingMode', request.BillingMode, billingModes);
  checkThroughput(constraints, 'provisionedThroughput', request.ProvisionedThroughput);
  checkStreamSpecification(constraints, request.StreamSpecification);
  constraints.oneOf('sSESpecification.sSEType', request.SSESpecification?.SSEType, sseTypes);
  checkTags(constraints, request.Tags, false);
  constraints.oneOf('tableClass', request.TableClass, tableClasses);
  constraints.throwIfAny();
}

const uniqueNames = (names: Iterable<string>): string[] => [...new Set(names)];

/**
 * AttributeDefinitions must name exactly the key attributes of the table and its indexes. AWS
 * words the disagreement four ways, chosen by the sizes of the two sets and whether any index is
 * declared; lists are in request order, "keys used" table first, then GSIs, then LSIs.
 */
function attributeDefinitionsProblem(request: CreateTableRequest): string | undefined {
  const defined = uniqueNames(
    (request.AttributeDefinitions ?? []).map((definition) => definition.AttributeName ?? ''),
  );
  const indexes = [...(request.GlobalSecondaryIndexes ?? []), ...(request.LocalSecondaryIndexes ?? [])];
  const keySchemas = [request.KeySchema ?? [], ...indexes.map((index) => index.KeySchema ?? [])];
  const used = uniqueNames(keySchemas.flat().map((element) => element.AttributeName ?? ''));
  const missing = used.filter((name) => !defined.includes(name));
  const unused = defined.filter((name) => !used.includes(name));
  if (missing.length === 0 && unused.length === 0) return undefined;
  const hasIndexes = indexes.length > 0;
  const notDefined = (keys: string[]) =>
    `${invalidParameters}Some index key attributes are not defined in AttributeDefinitions. Keys: ${javaList(keys)}, AttributeDefinitions: ${javaList(defined)}`;
  if (defined.length > used.length) {
    return hasIndexes
      ? `${invalidParameters}Some AttributeDefinitions are not used. AttributeDefinitions: ${javaList(defined)}, keys used: ${javaList(used)}`
      : `${invalidParameters}Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions`;
  }
  if (defined.length < used.length) {
    return hasIndexes
      ? notDefined(missing)
      : 'Invalid KeySchema: Some index key attribute have no definition';
  }
  return notDefined(hasIndexes ? missing : used);
}

function duplicateDefinitionProblem(request: CreateTableRequest): string | undefined {
  const names = (request.AttributeDefinitions ?? []).map((definition) => definition.AttributeName ?? '');
  return new Set(names).size === names.length ? undefined : 'Cannot have two attributes with the same name';
}

function billingProblem(request: CreateTableRequest): string | undefined {
  const onDemand = request.BillingMode === 'PAY_PER_REQUEST';
  const throughput = request.ProvisionedThroughput;
  if (onDemand && throughput) {
    return `${invalidParameters}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST`;
  }
  if (!onDemand && !throughput) {
    return `${invalidParameters}ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED`;
  }
  return undefined;
}

function indexNameProblem(request: CreateTableRequest): string | undefined {
  const seen = new Set<string>();
  for (const index of [...(request.LocalSecondaryIndexes ?? []), ...(request.GlobalSecondaryIndexes ?? [])]) {
    const name = index.IndexName ?? '';
    if (seen.has(name)) return `${invalidParameters}Duplicate index name: ${name}`;
    seen.add(name);
  }
  return undefined;
}

function localIndexesProblem(request: CreateTableRequest): string | undefined {
  const indexes = request.LocalSecondaryIndexes;
  if (!indexes) return undefined;
  const tableHash = request.KeySchema?.[0]?.AttributeName;
  if ((request.KeySchema ?? []).length < 2) {
    return `${invalidParameters}Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex`;
  }
  if (indexes.length === 0) return `${invalidParameters}List of LocalSecondaryIndexes is empty`;
  if (indexes.length > maxLocalIndexes) {
    return `${invalidParameters}Number of LocalSecondaryIndexes exceeds per-table limit of ${maxLocalIndexes}`;
  }
  for (const index of indexes) {
    const keySchema = index.KeySchema ?? [];
    const problem = keySchemaProblem(keySchema) ?? projectionProblem(index.Projection ?? {});
    if (problem) return problem;
    if (keySchema.length < 2) {
      return `${invalidParameters}Index KeySchema does not have a range key for index: ${index.IndexName}`;
    }
    const indexHash = keySchema[0]?.AttributeName;
    if (indexHash !== tableHash) {
      return `${invalidParameters}Index KeySchema does not have the same leading hash key as table KeySchema for index: ${index.IndexName}. index hash key: ${indexHash}, table hash key: ${tableHash}`;
    }
  }
  return undefined;
}

function globalIndexesProblem(request: CreateTableRequest): string | undefined {
  const indexes = request.GlobalSecondaryIndexes;
  if (!indexes) return undefined;
  if (indexes.length === 0) return `${invalidParameters}List of GlobalSecondaryIndexes is empty`;
  if (indexes.length > maxGlobalIndexes) {
    return `${invalidParameters}GlobalSecondaryIndex count exceeds the per-table limit of ${maxGlobalIndexes}`;
  }
  const onDemand = request.BillingMode === 'PAY_PER_REQUEST';
  for (const index of indexes) {
    const problem = keySchemaProblem(index.KeySchema ?? []) ?? projectionProblem(index.Projection ?? {});
    if (problem) return problem;
    if (onDemand && index.ProvisionedThroughput) {
      return `${invalidParameters}ProvisionedThroughput should not be specified for index: ${index.IndexName} when BillingMode is PAY_PER_REQUEST`;
    }
    if (!onDemand && !index.ProvisionedThroughput) {
      return `${invalidParameters}ProvisionedThroughput must be specified for index: ${index.IndexName}`;
    }
  }
  return undefined;
}

/** Stage 2: the first broken rule wins. */
function checkSemantics(request: CreateTableRequest): void {
  const projections = [
    ...(request.LocalSecondaryIndexes ?? []),
    ...(request.GlobalSecondaryIndexes ?? []),
  ].map((index) => index.Projection ?? {});
  firstFailure([
    () => keySchemaProblem(request.KeySchema ?? []),
    () => duplicateDefinitionProblem(request),
    () => attributeDefinitionsProblem(request),
    () => billingProblem(request),
    () => indexNameProblem(request),
    () => localIndexesProblem(request),
    () => globalIndexesProblem(request),
    () => projectedAttributesProblem(projectedAttributeCount(projections)),
    () => streamProblem(request.StreamSpecification),
    () => tagsProblem(request.Tags ?? [], {}),
  ]);
}

async function buildIndex(
  ctx: OperationContext,
  index: IndexInput,
  kind: IndexMeta['kind'],
  onDemand: boolean,
): Promise<IndexMeta> {
  const meta: IndexMeta = {
    IndexName: index.IndexName ?? '',
    KeySchema: toKeySchema(index.KeySchema ?? []),
    Projection: toProjection(index.Projection ?? {}),
    indexId: await ctx.store.allocateNumber(),
    kind,
  };
  if (kind === 'GSI') {
    // GSIs created with the table are built with it: CREATING until the table is ACTIVE.
    meta.IndexStatus = 'CREATING';
    if (!onDemand && index.ProvisionedThroughput)
      meta.ProvisionedThroughput = toThroughput(index.ProvisionedThroughput);
    const onDemandThroughput = toOnDemand(index.OnDemandThroughput);
    if (onDemand && onDemandThroughput) meta.OnDemandThroughput = onDemandThroughput;
  }
  return meta;
}

/**
 * Encryption at rest is always on in AWS; an explicit KMS key (customer or AWS managed) is
 * described with its ARN. https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_SSEDescription.html
 */
function sseDescription(
  ctx: OperationContext,
  sse: SseInput | undefined,
): Record<string, unknown> | undefined {
  if (!sse?.Enabled) return undefined;
  const keyId = sse.KMSMasterKeyId ?? randomUUID();
  const keyArn = keyId.startsWith('arn:') ? keyId : `arn:aws:kms:${ctx.region}:${ctx.accountId}:key/${keyId}`;
  return { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: keyArn };
}

async function buildTable(ctx: OperationContext, request: CreateTableRequest): Promise<TableMeta> {
  const tableName = request.TableName ?? '';
  const onDemand = request.BillingMode === 'PAY_PER_REQUEST';
  const nowMs = ctx.nowMs();
  let table: TableMeta = {
    TableName: tableName,
    TableId: randomUUID(),
    TableArn: tableArn(ctx, tableName),
    TableStatus: 'CREATING',
    CreationDateTime: nowMs / 1000,
    AttributeDefinitions: toAttributeDefinitions(request.AttributeDefinitions ?? []),
    KeySchema: toKeySchema(request.KeySchema ?? []),
    BillingMode: onDemand ? 'PAY_PER_REQUEST' : 'PROVISIONED',
    GlobalSecondaryIndexes: [],
    LocalSecondaryIndexes: [],
    DeletionProtectionEnabled: request.DeletionProtectionEnabled ?? false,
    tags: Object.fromEntries((request.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])),
    tableNumber: await ctx.store.allocateNumber(),
  };
  if (!onDemand && request.ProvisionedThroughput) {
    table.ProvisionedThroughput = {
      ...toThroughput(request.ProvisionedThroughput),
      NumberOfDecreasesToday: 0,
    };
  }
  const onDemandThroughput = toOnDemand(request.OnDemandThroughput);
  if (onDemand && onDemandThroughput) table.OnDemandThroughput = onDemandThroughput;
  for (const index of request.LocalSecondaryIndexes ?? []) {
    table.LocalSecondaryIndexes.push(await buildIndex(ctx, index, 'LSI', onDemand));
  }
  for (const index of request.GlobalSecondaryIndexes ?? []) {
    table.GlobalSecondaryIndexes.push(await buildIndex(ctx, index, 'GSI', onDemand));
  }
  const stream = request.StreamSpecification;
  if (stream?.StreamEnabled && stream.StreamViewType)
    table = withStreamEnabled(table, stream.StreamViewType, nowMs);
  const sse = sseDescription(ctx, request.SSESpecification);
  if (sse) table.SSEDescription = sse;
  if (request.TableClass) table.TableClass = request.TableClass as TableMeta['TableClass'];
  return table;
}

export const createTable: OperationHandler = async (ctx, input) => {
  const request = readRequest(input);
  checkConstraints(request);
  checkSemantics(request);
  const tableName = request.TableName ?? '';
  let activation: Promise<void> = Promise.resolve();
  const answer = await withTableLock(ctx, tableName, async () => {
    if (ctx.store.getTableMeta(tableName)) {
      throw new DynamoError('ResourceInUseException', `Table already exists: ${tableName}`);
    }
    const table = await buildTable(ctx, request);
    await ctx.store.putTableMeta(table);
    activation = scheduleActivation(ctx, table);
    return { TableDescription: describeTable(ctx, table) };
  });
  // Without a transition delay the table is ACTIVE (committed) before the caller hears back, so a
  // write right after CreateTable finds it whatever the commit batching; the answer still says
  // CREATING, as AWS's does.
  if (transitionDelayMs(ctx) === 0) await activation;
  return answer;
};
