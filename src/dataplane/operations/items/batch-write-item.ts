/**
 * BatchWriteItem: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
 * Up to 25 puts/deletes over one or more tables, no two on the same item. Pangea applies them
 * all in one store transaction and so never returns UnprocessedItems (the member stays, empty).
 * Any invalid request fails the whole batch before anything is written, as in AWS.
 */
import { DynamoError, type Item, type TableMeta, validationError } from '../../model.js';
import { validateItem } from '../../values/index.js';
import { Constraints, member } from '../tables/validation.js';
import type { OperationContext, OperationHandler } from '../types.js';
import { CapacityLedger, type ReturnConsumedCapacity, returnConsumedCapacityValues } from './capacity.js';
import {
  appendMetric,
  checkItemSize,
  checkItemTableName,
  compact,
  itemCollectionMetrics,
  requireItemTable,
  returnItemCollectionMetricsValues,
} from './common.js';
import { extractKey, keyFingerprint, validateItemKeys, validateKey } from './keys.js';

const maxWriteRequests = 25;

type WriteRequest =
  | { kind: 'put'; table: TableMeta; item: Item; key: Item }
  | { kind: 'delete'; table: TableMeta; key: Item };

/**
 * AWS renders the offending map as Java's toString, with opaque object ids; Pangea makes the ids
 * stable hashes of the request so messages are deterministic.
 */
function javaObjectId(value: unknown): string {
  let hash = 0;
  for (const char of JSON.stringify(value) ?? '') hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return (hash >>> 0).toString(16).padStart(8, '0');
}

export function renderRequestMap(requestItems: Record<string, unknown>, className: string): string {
  const tables = Object.entries(requestItems).map(([name, requests]) => {
    const list = Array.isArray(requests) ? requests : [requests];
    return `${name}=[${list.map((request) => `com.amazonaws.dynamodb.v20120810.${className}@${javaObjectId(request)}`).join(', ')}]`;
  });
  return `{${tables.join(', ')}}`;
}

function checkRequestCounts(requestItems: Record<string, unknown>): void {
  const lists = Object.values(requestItems);
  if (lists.some((list) => Array.isArray(list) && (list.length < 1 || list.length > maxWriteRequests))) {
    throw validationError(
      `1 validation error detected: Value '${renderRequestMap(requestItems, 'WriteRequest')}' at 'requestItems' failed to satisfy constraint: ` +
        `Map value must satisfy constraint: [Member must have length less than or equal to ${maxWriteRequests}, Member must have length greater than or equal to 1]`,
    );
  }
  const total = lists.reduce<number>((sum, list) => sum + (Array.isArray(list) ? list.length : 0), 0);
  if (total > maxWriteRequests) throw validationError('Too many items requested for the BatchWriteItem call');
}

function readStage1(input: Record<string, unknown>): {
  requestItems: Record<string, unknown>;
  returnConsumedCapacity: ReturnConsumedCapacity | undefined;
  returnItemCollectionMetrics: string | undefined;
} {
  const requestItems = member(input, 'RequestItems', 'structure');
  const returnConsumedCapacity = member(input, 'ReturnConsumedCapacity', 'string') as ReturnConsumedCapacity;
  const returnItemCollectionMetrics = member(input, 'ReturnItemCollectionMetrics', 'string');
  const constraints = new Constraints();
  if (constraints.required('requestItems', requestItems) && requestItems) {
    constraints.length('requestItems', Object.keys(requestItems), 1);
  }
  constraints.oneOf('returnConsumedCapacity', returnConsumedCapacity, returnConsumedCapacityValues);
  constraints.oneOf(
    'returnItemCollectionMetrics',
    returnItemCollectionMetrics,
    returnItemCollectionMetricsValues,
  );
  constraints.throwIfAny();
  for (const [tableName, list] of Object.entries(requestItems ?? {})) {
    if (!Array.isArray(list))
      throw new DynamoError('SerializationException', 'START_OBJECT cannot be converted to List');
    const names = new Constraints();
    checkItemTableName(names, 'requestItems.key', tableName);
    names.throwIfAny();
  }
  return { requestItems: requestItems ?? {}, returnConsumedCapacity, returnItemCollectionMetrics };
}

/** One WriteRequest: exactly one of PutRequest / DeleteRequest. */
function readWriteRequest(table: TableMeta, raw: unknown): WriteRequest {
  const put = member(raw, 'PutRequest', 'structure');
  const del = member(raw, 'DeleteRequest', 'structure');
  if ((put === undefined) === (del === undefined)) {
    // Unconfirmed wording: AWS's message for an empty or double WriteRequest.
    throw validationError('Supplied WriteRequest must contain exactly one of PutRequest or DeleteRequest');
  }
  if (put) {
    const rawItem = member(put, 'Item', 'structure');
    if (rawItem === undefined) {
      throw validationError(
        "1 validation error detected: Value null at 'requestItems.member.putRequest.item' failed to satisfy constraint: Member must not be null",
      );
    }
    const item = validateItem(rawItem);
    validateItemKeys(table, item);
    checkItemSize(item);
    return { kind: 'put', table, item, key: extractKey(table, item) };
  }
  const key = validateKey(table, member(del, 'Key', 'structure'), 'requestItems.member.deleteRequest.key');
  return { kind: 'delete', table, key };
}

function readWriteRequests(ctx: OperationContext, requestItems: Record<string, unknown>): WriteRequest[] {
  const requests: WriteRequest[] = [];
  const seen = new Set<string>();
  for (const [tableName, list] of Object.entries(requestItems)) {
    const table = requireItemTable(ctx, tableName);
    for (const raw of list as unknown[]) {
      const request = readWriteRequest(table, raw);
      const fingerprint = `${table.TableName}\u0000${keyFingerprint(table, request.key)}`;
      if (seen.has(fingerprint)) throw validationError('Provided list of item keys contains duplicates');
      seen.add(fingerprint);
      requests.push(request);
    }
  }
  return requests;
}

export const batchWriteItem: OperationHandler = async (ctx, input) => {
  const { requestItems, returnConsumedCapacity, returnItemCollectionMetrics } = readStage1(input);
  checkRequestCounts(requestItems);
  const requests = readWriteRequests(ctx, requestItems);

  const before = await ctx.store.transact((tx) =>
    requests.map((request) => {
      const old = tx.getItem(request.table, request.key);
      if (request.kind === 'put') tx.putItem(request.table, request.item);
      else if (old) tx.deleteItem(request.table, request.key);
      return old;
    }),
  );

  const ledger = new CapacityLedger();
  const metrics: Record<string, Record<string, unknown>[]> = {};
  requests.forEach((request, position) => {
    const after = request.kind === 'put' ? request.item : undefined;
    ledger.meter(request.table.TableName).addWrite(request.table, before[position], after);
    if (returnItemCollectionMetrics !== 'SIZE') return;
    const metric = itemCollectionMetrics(ctx, request.table, request.key);
    if (metric) appendMetric(metrics, request.table.TableName, metric);
  });
  return compact({
    UnprocessedItems: {},
    ConsumedCapacity: ledger.build(returnConsumedCapacity),
    ItemCollectionMetrics: returnItemCollectionMetrics === 'SIZE' ? metrics : undefined,
  });
};
