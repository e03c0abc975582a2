/**
 * UpdateTable: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTable.html
 * Billing mode switch, provisioned throughput, streams, GSI create/update/delete (one create or
 * delete per call, "Subscriber limit exceeded: Only 1 online index can be created or deleted
 * simultaneously per table"), SSE, table class and deletion protection. ReplicaUpdates (global
 * tables version 2019.11.21) is handled in replica-updates.ts; while a table is global its stream
 * cannot be disabled and its other changes are sent to the other replicas.
 *
 * Changes other than deletion protection put the table in UPDATING until the transition delay
 * passes; a new GSI stays CREATING (Backfilling) until the store has indexed the existing items.
 */
import { randomUUID } from 'node:crypto';
import { DynamoError, type IndexMeta, type TableMeta, validationError } from '../../model.js';
import type { OperationContext, OperationHandler, OperationInput } from '../types.js';
import { describeTable } from './describe.js';
import { scheduleIndexCreation, scheduleIndexDeletion, scheduleUpdateSettled } from './indexes.js';
import { requireActive, withTableLock } from './lifecycle.js';
import { checkTableNameOrArn, resolveTableName, tableNotFound } from './names.js';
import {
  applyReplicaAction,
  checkReplicaUpdates,
  type ReplicaUpdateInput,
  readReplicaUpdates,
  replicaRequestProblem,
} from './replica-updates.js';
import { isGlobal, propagate, replicaInTransition, replicaInUse } from './replicas.js';
import {
  type AttributeDefinitionInput,
  billingModes,
  checkAttributeDefinitions,
  checkIndex,
  checkThroughput,
  type IndexInput,
  keySchemaProblem,
  maxGlobalIndexes,
  type OnDemandInput,
  projectedAttributeCount,
  projectedAttributesProblem,
  projectionProblem,
  readAttributeDefinitions,
  readIndex,
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
import { Constraints, firstFailure, invalidParameters, javaList, member, structures } from './validation.js';

interface IndexUpdateInput {
  Create?: IndexInput;
  Update?: {
    IndexName?: string;
    ProvisionedThroughput?: ThroughputInput;
    OnDemandThroughput?: OnDemandInput;
  };
  Delete?: { IndexName?: string };
}

interface SseUpdateInput {
  Enabled?: boolean;
  SSEType?: string;
  KMSMasterKeyId?: string;
}

interface UpdateTableRequest {
  AttributeDefinitions?: AttributeDefinitionInput[];
  TableName?: string;
  BillingMode?: string;
  ProvisionedThroughput?: ThroughputInput;
  GlobalSecondaryIndexUpdates?: IndexUpdateInput[];
  StreamSpecification?: StreamInput;
  SSESpecification?: SseUpdateInput;
  ReplicaUpdates?: ReplicaUpdateInput[];
  TableClass?: string;
  DeletionProtectionEnabled?: boolean;
  OnDemandThroughput?: OnDemandInput;
}

function readIndexUpdate(input: Record<string, unknown>): IndexUpdateInput {
  const create = member(input, 'Create', 'structure');
  const update = member(input, 'Update', 'structure');
  const remove = member(input, 'Delete', 'structure');
  return {
    Create: create && readIndex(create),
    Update: update && {
      IndexName: member(update, 'IndexName', 'string'),
      ProvisionedThroughput: readThroughput(update),
      OnDemandThroughput: readOnDemand(update),
    },
    Delete: remove && { IndexName: member(remove, 'IndexName', 'string') },
  };
}

function readRequest(input: OperationInput): UpdateTableRequest {
  const sse = member(input, 'SSESpecification', 'structure');
  return {
    AttributeDefinitions: readAttributeDefinitions(input),
    TableName: member(input, 'TableName', 'string'),
    BillingMode: member(input, 'BillingMode', 'string'),
    ProvisionedThroughput: readThroughput(input),
    GlobalSecondaryIndexUpdates: structures(input, 'GlobalSecondaryIndexUpdates')?.map(readIndexUpdate),
    StreamSpecification: readStreamSpecification(input),
    SSESpecification: sse && {
      Enabled: member(sse, 'Enabled', 'boolean'),
      SSEType: member(sse, 'SSEType', 'string'),
      KMSMasterKeyId: member(sse, 'KMSMasterKeyId', 'string'),
    },
    ReplicaUpdates: readReplicaUpdates(input),
    TableClass: member(input, 'TableClass', 'string'),
    DeletionProtectionEnabled: member(input, 'DeletionProtectionEnabled', 'boolean'),
    OnDemandThroughput: readOnDemand(input),
  };
}

function checkIndexUpdates(constraints: Constraints, updates: IndexUpdateInput[] | undefined): void {
  updates?.forEach((update, position) => {
    const path = `globalSecondaryIndexUpdates.${position + 1}.member`;
    if (update.Create) checkIndex(constraints, `${path}.create`, update.Create, true);
    if (update.Update) {
      const name = update.Update.IndexName;
      if (constraints.required(`${path}.update.indexName`, name))
        constraints.name(`${path}.update.indexName`, name);
      checkThroughput(
        constraints,
        `${path}.update.provisionedThroughput`,
        update.Update.ProvisionedThroughput,
      );
    }
    if (update.Delete) {
      const name = update.Delete.IndexName;
      if (constraints.required(`${path}.delete.indexName`, name))
        constraints.name(`${path}.delete.indexName`, name);
    }
  });
}

function checkConstraints(request: UpdateTableRequest): void {
  const constraints = new Constraints();
  if (request.AttributeDefinitions) checkAttributeDefinitions(constraints, request.AttributeDefinitions);
  checkTableNameOrArn(constraints, request.TableName);
  constraints.oneOf('billingMode', request.BillingMode, billingModes);
  checkThroughput(constraints, 'provisionedThroughput', request.ProvisionedThroughput);
  checkIndexUpdates(constraints, request.GlobalSecondaryIndexUpdates);
  checkStreamSpecification(constraints, request.StreamSpecification);
  constraints.oneOf('sSESpecification.sSEType', request.SSESpecification?.SSEType, sseTypes);
  checkReplicaUpdates(constraints, request.ReplicaUpdates);
  constraints.oneOf('tableClass', request.TableClass, tableClasses);
  constraints.throwIfAny();
}

function nothingToUpdate(request: UpdateTableRequest): boolean {
  const { TableName, AttributeDefinitions, ...changes } = request;
  return Object.values(changes).every((value) => value === undefined);
}

function requestShapeProblem(request: UpdateTableRequest): string | undefined {
  if (nothingToUpdate(request)) {
    return 'At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required';
  }
  if (request.ReplicaUpdates) {
    const otherChanges = !nothingToUpdate({ ...request, ReplicaUpdates: undefined });
    const verdict = replicaRequestProblem(request.ReplicaUpdates, otherChanges);
    if ('problem' in verdict) return verdict.problem;
  }
  for (const update of request.GlobalSecondaryIndexUpdates ?? []) {
    const actions = [update.Create, update.Update, update.Delete].filter(
      (action) => action !== undefined,
    ).length;
    if (actions !== 1) {
      return `${invalidParameters}One of GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Update or GlobalSecondaryIndexUpdate.Delete must be specified`;
    }
  }
  return streamProblem(request.StreamSpecification);
}

/** Checks that need the current table, in AWS's order; the first broken rule throws. */
function checkAgainstTable(ctx: OperationContext, request: UpdateTableRequest, table: TableMeta): void {
  requireActive(table);
  if (replicaInTransition(ctx, table)) throw replicaInUse();
  const structural =
    request.GlobalSecondaryIndexUpdates?.filter((update) => update.Create || update.Delete) ?? [];
  const indexBusy = table.GlobalSecondaryIndexes.some(
    (index) => index.IndexStatus !== undefined && index.IndexStatus !== 'ACTIVE',
  );
  if (structural.length > 1 || (structural.length === 1 && indexBusy)) {
    throw new DynamoError(
      'LimitExceededException',
      'Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table',
    );
  }
  const billingMode = effectiveBillingMode(request, table);
  firstFailure([
    () => throughputProblem(request, table, billingMode),
    () => indexUpdatesProblem(request, table, billingMode),
    () => streamStateProblem(request.StreamSpecification, table, isGlobal(ctx, table)),
  ]);
}

const effectiveBillingMode = (request: UpdateTableRequest, table: TableMeta): TableMeta['BillingMode'] =>
  (request.BillingMode as TableMeta['BillingMode'] | undefined) ?? table.BillingMode;

function throughputProblem(
  request: UpdateTableRequest,
  table: TableMeta,
  billingMode: TableMeta['BillingMode'],
): string | undefined {
  const requested = request.ProvisionedThroughput;
  if (billingMode === 'PAY_PER_REQUEST') {
    return requested
      ? `${invalidParameters}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST`
      : undefined;
  }
  if (table.BillingMode === 'PAY_PER_REQUEST' && !requested) {
    return `${invalidParameters}ProvisionedThroughput must be specified when BillingMode is PROVISIONED`;
  }
  const current = table.ProvisionedThroughput;
  const onlyChange =
    requested && nothingToUpdate({ ...request, ProvisionedThroughput: undefined, BillingMode: undefined });
  if (
    onlyChange &&
    current &&
    table.BillingMode === 'PROVISIONED' &&
    current.ReadCapacityUnits === requested.ReadCapacityUnits &&
    current.WriteCapacityUnits === requested.WriteCapacityUnits
  ) {
    return `The provisioned throughput for the table will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the table: ${current.ReadCapacityUnits}. Requested ReadCapacityUnits: ${requested.ReadCapacityUnits}. Current WriteCapacityUnits provisioned for the table: ${current.WriteCapacityUnits}. Requested WriteCapacityUnits: ${requested.WriteCapacityUnits}. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.`;
  }
  return undefined;
}

function indexUpdatesProblem(
  request: UpdateTableRequest,
  table: TableMeta,
  billingMode: TableMeta['BillingMode'],
): string | undefined {
  const updates = request.GlobalSecondaryIndexUpdates ?? [];
  const existing = new Set(
    [...table.GlobalSecondaryIndexes, ...table.LocalSecondaryIndexes].map((index) => index.IndexName),
  );
  for (const update of updates) {
    const name = update.Update?.IndexName ?? update.Delete?.IndexName;
    if (name !== undefined && !table.GlobalSecondaryIndexes.some((index) => index.IndexName === name)) {
      throw new DynamoError(
        'ResourceNotFoundException',
        `Requested resource not found: Index: ${name} not found`,
      );
    }
    if (update.Update && billingMode === 'PAY_PER_REQUEST' && update.Update.ProvisionedThroughput) {
      return `${invalidParameters}ProvisionedThroughput should not be specified for index: ${name} when BillingMode is PAY_PER_REQUEST`;
    }
  }
  const creates = updates.flatMap((update) => (update.Create ? [update.Create] : []));
  for (const create of creates) {
    const problem = createIndexProblem(request, table, create, billingMode, existing);
    if (problem) return problem;
  }
  if (billingMode === 'PROVISIONED' && table.BillingMode === 'PAY_PER_REQUEST') {
    const missing = table.GlobalSecondaryIndexes.find(
      (index) =>
        !updates.some(
          (update) => update.Update?.IndexName === index.IndexName && update.Update.ProvisionedThroughput,
        ),
    );
    if (missing)
      return `${invalidParameters}ProvisionedThroughput must be specified for index: ${missing.IndexName}`;
  }
  return undefined;
}

function createIndexProblem(
  request: UpdateTableRequest,
  table: TableMeta,
  create: IndexInput,
  billingMode: TableMeta['BillingMode'],
  existing: Set<string>,
): string | undefined {
  if (existing.has(create.IndexName ?? '')) {
    return `${invalidParameters}Attempting to create an index which already exists`;
  }
  if (table.GlobalSecondaryIndexes.length + 1 > maxGlobalIndexes) {
    return `${invalidParameters}GlobalSecondaryIndex count exceeds the per-table limit of ${maxGlobalIndexes}`;
  }
  const keySchema = create.KeySchema ?? [];
  const problem = keySchemaProblem(keySchema) ?? projectionProblem(create.Projection ?? {});
  if (problem) return problem;
  const defined = (request.AttributeDefinitions ?? []).map((definition) => definition.AttributeName ?? '');
  const missing = keySchema
    .map((element) => element.AttributeName ?? '')
    .filter((name) => !defined.includes(name));
  if (missing.length > 0) {
    return `${invalidParameters}Some index key attributes are not defined in AttributeDefinitions. Keys: ${javaList(missing)}, AttributeDefinitions: ${javaList(defined)}`;
  }
  const conflict = (request.AttributeDefinitions ?? []).find((definition) =>
    table.AttributeDefinitions.some(
      (current) =>
        current.AttributeName === definition.AttributeName &&
        current.AttributeType !== definition.AttributeType,
    ),
  );
  if (conflict) {
    return `${invalidParameters}Cannot update attribute ${conflict.AttributeName}. This attribute is part of an index or the key schema and its type cannot change`;
  }
  if (billingMode === 'PAY_PER_REQUEST' && create.ProvisionedThroughput) {
    return `${invalidParameters}ProvisionedThroughput should not be specified for index: ${create.IndexName} when BillingMode is PAY_PER_REQUEST`;
  }
  if (billingMode === 'PROVISIONED' && !create.ProvisionedThroughput) {
    return `${invalidParameters}ProvisionedThroughput must be specified for index: ${create.IndexName}`;
  }
  const projections = [...table.GlobalSecondaryIndexes, ...table.LocalSecondaryIndexes].map(
    (index) => index.Projection,
  );
  return projectedAttributesProblem(projectedAttributeCount([...projections, create.Projection ?? {}]));
}

function streamStateProblem(
  spec: StreamInput | undefined,
  table: TableMeta,
  global: boolean,
): string | undefined {
  if (!spec) return undefined;
  const enabled = table.StreamSpecification?.StreamEnabled === true;
  // Replication reads the stream, so AWS keeps it on while the table has replicas.
  if (!spec.StreamEnabled && global)
    return `${invalidParameters}Disabling Stream is not allowed for a Global Table replica.`;
  if (spec.StreamEnabled && enabled)
    return `Table already has an enabled stream: TableName: ${table.TableName}`;
  if (!spec.StreamEnabled && !enabled)
    return `Table does not have an enabled stream: TableName: ${table.TableName}`;
  return undefined;
}

// ---- applying the change -----------------------------------------------------------------------

function applyThroughput(table: TableMeta, requested: ThroughputInput, nowSeconds: number): TableMeta {
  const current = table.ProvisionedThroughput;
  const next = toThroughput(requested);
  const decreased =
    current !== undefined &&
    (next.ReadCapacityUnits < current.ReadCapacityUnits ||
      next.WriteCapacityUnits < current.WriteCapacityUnits);
  const increased =
    current === undefined ||
    next.ReadCapacityUnits > current.ReadCapacityUnits ||
    next.WriteCapacityUnits > current.WriteCapacityUnits;
  return {
    ...table,
    ProvisionedThroughput: {
      ...current,
      ...next,
      NumberOfDecreasesToday: (current?.NumberOfDecreasesToday ?? 0) + (decreased ? 1 : 0),
      ...(decreased ? { LastDecreaseDateTime: nowSeconds } : {}),
      ...(increased ? { LastIncreaseDateTime: nowSeconds } : {}),
    },
  };
}

function applyBilling(table: TableMeta, request: UpdateTableRequest, nowSeconds: number): TableMeta {
  const billingMode = effectiveBillingMode(request, table);
  let next: TableMeta = { ...table, BillingMode: billingMode };
  if (billingMode === 'PAY_PER_REQUEST') {
    const { ProvisionedThroughput, ...rest } = next;
    next = rest;
    const onDemand = toOnDemand(request.OnDemandThroughput);
    if (onDemand) next.OnDemandThroughput = onDemand;
    return next;
  }
  const { OnDemandThroughput, ...rest } = next;
  next = rest;
  return request.ProvisionedThroughput
    ? applyThroughput(next, request.ProvisionedThroughput, nowSeconds)
    : next;
}

function applyIndexThroughput(table: TableMeta, request: UpdateTableRequest): TableMeta {
  const updates = request.GlobalSecondaryIndexUpdates ?? [];
  const indexes = table.GlobalSecondaryIndexes.map((index): IndexMeta => {
    const update = updates.find((candidate) => candidate.Update?.IndexName === index.IndexName)?.Update;
    if (table.BillingMode === 'PAY_PER_REQUEST') {
      const { ProvisionedThroughput, ...rest } = index;
      const onDemand = toOnDemand(update?.OnDemandThroughput);
      return onDemand ? { ...rest, OnDemandThroughput: onDemand } : rest;
    }
    if (!update?.ProvisionedThroughput) return index;
    const { OnDemandThroughput, ...rest } = index;
    return { ...rest, ProvisionedThroughput: toThroughput(update.ProvisionedThroughput) };
  });
  return { ...table, GlobalSecondaryIndexes: indexes };
}

function mergeAttributeDefinitions(
  table: TableMeta,
  definitions: AttributeDefinitionInput[] | undefined,
): TableMeta {
  const added = toAttributeDefinitions(definitions ?? []).filter(
    (definition) =>
      !table.AttributeDefinitions.some((current) => current.AttributeName === definition.AttributeName),
  );
  return { ...table, AttributeDefinitions: [...table.AttributeDefinitions, ...added] };
}

async function applyIndexStructure(
  ctx: OperationContext,
  table: TableMeta,
  request: UpdateTableRequest,
): Promise<TableMeta> {
  let next = table;
  for (const update of request.GlobalSecondaryIndexUpdates ?? []) {
    if (update.Create) {
      const create = update.Create;
      const index: IndexMeta = {
        IndexName: create.IndexName ?? '',
        KeySchema: toKeySchema(create.KeySchema ?? []),
        Projection: toProjection(create.Projection ?? {}),
        indexId: await ctx.store.allocateNumber(),
        kind: 'GSI',
        IndexStatus: 'CREATING',
        Backfilling: false,
      };
      if (next.BillingMode === 'PROVISIONED' && create.ProvisionedThroughput) {
        index.ProvisionedThroughput = toThroughput(create.ProvisionedThroughput);
      }
      const onDemand = toOnDemand(create.OnDemandThroughput);
      if (next.BillingMode === 'PAY_PER_REQUEST' && onDemand) index.OnDemandThroughput = onDemand;
      next = mergeAttributeDefinitions(next, request.AttributeDefinitions);
      next = { ...next, GlobalSecondaryIndexes: [...next.GlobalSecondaryIndexes, index] };
    }
    if (update.Delete) {
      const name = update.Delete.IndexName;
      next = {
        ...next,
        GlobalSecondaryIndexes: next.GlobalSecondaryIndexes.map((index) =>
          index.IndexName === name ? { ...index, IndexStatus: 'DELETING' as const } : index,
        ),
      };
    }
  }
  return next;
}

function applySse(ctx: OperationContext, table: TableMeta, sse: SseUpdateInput | undefined): TableMeta {
  if (!sse) return table;
  if (sse.Enabled === false) {
    const { SSEDescription, ...rest } = table;
    return rest;
  }
  const keyId = sse.KMSMasterKeyId;
  const currentArn = table.SSEDescription?.KMSMasterKeyArn;
  const keyArn = keyId
    ? keyId.startsWith('arn:')
      ? keyId
      : `arn:aws:kms:${ctx.region}:${ctx.accountId}:key/${keyId}`
    : (currentArn ?? `arn:aws:kms:${ctx.region}:${ctx.accountId}:key/${randomUUID()}`);
  return { ...table, SSEDescription: { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: keyArn } };
}

function applyStream(ctx: OperationContext, table: TableMeta, spec: StreamInput | undefined): TableMeta {
  if (!spec) return table;
  if (spec.StreamEnabled && spec.StreamViewType)
    return withStreamEnabled(table, spec.StreamViewType, ctx.nowMs());
  // Disabling keeps LatestStreamArn/Label: the old stream stays readable for 24 hours.
  const { StreamSpecification, ...rest } = table;
  return rest;
}

async function applyUpdate(
  ctx: OperationContext,
  table: TableMeta,
  request: UpdateTableRequest,
): Promise<TableMeta> {
  const nowSeconds = ctx.nowMs() / 1000;
  let next = structuredClone(table);
  if (request.BillingMode || request.ProvisionedThroughput || request.OnDemandThroughput) {
    next = applyBilling(next, request, nowSeconds);
  }
  next = applyIndexThroughput(next, request);
  next = await applyIndexStructure(ctx, next, request);
  next = applyStream(ctx, next, request.StreamSpecification);
  next = applySse(ctx, next, request.SSESpecification);
  if (request.TableClass) next.TableClass = request.TableClass as TableMeta['TableClass'];
  if (request.DeletionProtectionEnabled !== undefined)
    next.DeletionProtectionEnabled = request.DeletionProtectionEnabled;
  const onlyProtection = nothingToUpdate({ ...request, DeletionProtectionEnabled: undefined });
  next.TableStatus = onlyProtection ? 'ACTIVE' : 'UPDATING';
  return next;
}

function scheduleFollowUps(ctx: OperationContext, table: TableMeta): void {
  if (table.TableStatus !== 'UPDATING') return;
  const creating = table.GlobalSecondaryIndexes.find((index) => index.IndexStatus === 'CREATING');
  const deleting = table.GlobalSecondaryIndexes.find((index) => index.IndexStatus === 'DELETING');
  if (creating) scheduleIndexCreation(ctx, table, creating.IndexName);
  else if (deleting) scheduleIndexDeletion(ctx, table, deleting.IndexName);
  else scheduleUpdateSettled(ctx, table);
}

export const updateTable: OperationHandler = async (ctx, input) => {
  const request = readRequest(input);
  checkConstraints(request);
  const problem = requestShapeProblem(request);
  if (problem) throw validationError(problem);
  const tableName = resolveTableName(ctx, request.TableName ?? '');
  if (request.ReplicaUpdates) return updateReplicas(ctx, tableName, request.ReplicaUpdates);
  return withTableLock(ctx, tableName, async () => {
    const table = ctx.store.getTableMeta(tableName);
    if (!table) throw tableNotFound(tableName);
    checkAgainstTable(ctx, request, table);
    const updated = await applyUpdate(ctx, table, request);
    await ctx.store.putTableMeta(updated);
    scheduleFollowUps(ctx, updated);
    // Deletion protection stays regional; every other setting is kept in sync across replicas.
    const regionalOnly = nothingToUpdate({ ...request, DeletionProtectionEnabled: undefined });
    if (isGlobal(ctx, updated) && !regionalOnly) propagate(ctx, updated);
    return { TableDescription: describeTable(ctx, updated) };
  });
};

async function updateReplicas(
  ctx: OperationContext,
  tableName: string,
  updates: ReplicaUpdateInput[],
): Promise<Record<string, unknown>> {
  const verdict = replicaRequestProblem(updates, false);
  if ('problem' in verdict) throw validationError(verdict.problem);
  const started = await applyReplicaAction(ctx, tableName, verdict.action);
  return { TableDescription: describeTable(ctx, started) };
}
