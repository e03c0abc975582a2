/**
 * BatchGetItem: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html
 * Up to 100 keys over one or more tables, each table with its own projection and consistency.
 * The response stops growing at 16 MB; the keys not read yet come back as UnprocessedKeys, in
 * the request's own form, so the caller can resend them.
 */
import type { DocumentPath } from '../../expressions/index.js';
import { type Item, type TableMeta, validationError } from '../../model.js';
import { itemSizeBytes } from '../../values/index.js';
import { Constraints, member, strings } from '../tables/validation.js';
import type { OperationContext, OperationHandler } from '../types.js';
import {
  CapacityLedger,
  type ReturnConsumedCapacity,
  readUnits,
  returnConsumedCapacityValues,
} from './capacity.js';
import {
  assertScopeUsed,
  checkItemTableName,
  compact,
  expressionScope,
  presentMembers,
  requireItemTable,
} from './common.js';
import { keyFingerprint, validateKey } from './keys.js';
import { applyProjection, readProjection } from './projection.js';

const maxKeys = 100;
export const maxBatchGetResponseBytes = 16 * 1024 * 1024;

interface TableRequest {
  table: TableMeta;
  raw: Record<string, unknown>;
  keys: Item[];
  projection: DocumentPath[] | undefined;
  consistentRead: boolean;
}

function checkStage1(input: Record<string, unknown>): Record<string, unknown> {
  const requestItems = member(input, 'RequestItems', 'structure');
  const constraints = new Constraints();
  if (constraints.required('requestItems', requestItems) && requestItems) {
    constraints.length('requestItems', Object.keys(requestItems), 1, 100);
  }
  constraints.oneOf(
    'returnConsumedCapacity',
    member(input, 'ReturnConsumedCapacity', 'string'),
    returnConsumedCapacityValues,
  );
  for (const [tableName, raw] of Object.entries(requestItems ?? {})) {
    checkItemTableName(constraints, 'requestItems.key', tableName);
    const keys = member(raw, 'Keys', 'list');
    const path = `requestItems.${tableName}.member`;
    if (constraints.required(`${path}.keys`, keys)) constraints.length(`${path}.keys`, keys, 1, maxKeys);
    constraints.length(`${path}.attributesToGet`, strings(raw, 'AttributesToGet'), 1);
    member(raw, 'ConsistentRead', 'boolean');
  }
  constraints.throwIfAny();
  return requestItems ?? {};
}

function readTableRequest(
  ctx: OperationContext,
  tableName: string,
  raw: Record<string, unknown>,
): TableRequest {
  const scope = expressionScope(
    {
      expressions: presentMembers(raw, ['ProjectionExpression']),
      legacy: presentMembers(raw, ['AttributesToGet']),
    },
    { names: member(raw, 'ExpressionAttributeNames', 'structure'), values: undefined },
  );
  const projection = readProjection(raw, scope);
  assertScopeUsed(scope);
  const table = requireItemTable(ctx, tableName);
  const seen = new Set<string>();
  const keys = (member(raw, 'Keys', 'list') ?? []).map((rawKey) => {
    const key = validateKey(table, rawKey, `requestItems.${tableName}.member.keys.member`);
    const fingerprint = keyFingerprint(table, key);
    if (seen.has(fingerprint)) throw validationError('Provided list of item keys contains duplicates');
    seen.add(fingerprint);
    return key;
  });
  return { table, raw, keys, projection, consistentRead: member(raw, 'ConsistentRead', 'boolean') ?? false };
}

/** The request's own form of one table's keys, for UnprocessedKeys. */
const unprocessedEntry = (request: TableRequest, keys: Item[]): Record<string, unknown> => ({
  ...request.raw,
  Keys: keys,
});

export const batchGetItem: OperationHandler = async (ctx, input) => {
  const requestItems = checkStage1(input);
  const total = Object.values(requestItems).reduce<number>(
    (sum, raw) => sum + (member(raw, 'Keys', 'list')?.length ?? 0),
    0,
  );
  if (total > maxKeys) throw validationError('Too many items requested for the BatchGetItem call');
  const requests = Object.entries(requestItems).map(([name, raw]) =>
    readTableRequest(ctx, name, raw as Record<string, unknown>),
  );

  const ledger = new CapacityLedger();
  const responses: Record<string, Item[]> = {};
  const unprocessed: Record<string, Record<string, unknown>> = {};
  let responseBytes = 0;
  let full = false;
  for (const request of requests) {
    const tableName = request.table.TableName;
    const found: Item[] = [];
    responses[tableName] = found;
    for (const [position, key] of request.keys.entries()) {
      if (full) {
        unprocessed[tableName] = unprocessedEntry(request, request.keys.slice(position));
        break;
      }
      const item = ctx.store.getItem(request.table, key);
      const projected = item ? applyProjection(item, request.projection) : undefined;
      const sizeBytes = projected ? itemSizeBytes(projected) : 0;
      if (responseBytes + sizeBytes > maxBatchGetResponseBytes) {
        unprocessed[tableName] = unprocessedEntry(request, request.keys.slice(position));
        full = true;
        break;
      }
      responseBytes += sizeBytes;
      ledger
        .meter(tableName)
        .addTable(readUnits(item ? itemSizeBytes(item) : 0, request.consistentRead ? 'strong' : 'eventual'));
      if (projected) found.push(projected);
    }
  }
  const mode = member(input, 'ReturnConsumedCapacity', 'string') as ReturnConsumedCapacity;
  return compact({
    Responses: responses,
    UnprocessedKeys: unprocessed,
    ConsumedCapacity: ledger.build(mode),
  });
};
