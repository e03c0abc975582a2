/**
 * Request pieces every item operation shares: the table, expression attribute maps, the
 * expression/legacy parameter rules, conditions, and the item size limit.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ExpressionAttributeNames.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ExpressionAttributeValues.html
 * Legacy parameters: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/LegacyConditionalParameters.html
 */
import {
  type ConditionNode,
  conditionFromExpected,
  ExpressionScope,
  evaluateCondition,
  parseCondition,
} from '../../expressions/index.js';
import {
  type AttributeValue,
  DynamoError,
  type Item,
  resourceNotFound,
  type TableMeta,
  validationError,
} from '../../model.js';
import { itemSizeBytes, validateValue } from '../../values/index.js';
import { resolveTableName } from '../tables/names.js';
import { type Constraints, member } from '../tables/validation.js';
import type { OperationContext } from '../types.js';

export const maxItemSizeBytes = 400 * 1024;

export const returnValuesOnConditionCheckFailureValues = ['ALL_OLD', 'NONE'] as const;
export const returnItemCollectionMetricsValues = ['SIZE', 'NONE'] as const;
export const conditionalOperatorValues = ['AND', 'OR'] as const;

/**
 * Stage-1 checks of an item operation's TableName, which may be a table ARN (1–1024 characters)
 * or a plain name (3–255, [a-zA-Z0-9_.-]+).
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html#DDB-PutItem-request-TableName
 */
export function checkItemTableName(constraints: Constraints, path: string, value: string | undefined): void {
  if (!constraints.required(path, value) || value === undefined) return;
  if (value.startsWith('arn:')) constraints.length(path, value, 1, 1024);
  else constraints.name(path, value);
}

/**
 * The table an item operation addresses. Item operations answer a missing table, or one still
 * CREATING or already DELETING, with a bare ResourceNotFoundException; UPDATING tables serve.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html#API_PutItem_Errors
 */
export function requireItemTable(ctx: OperationContext, tableNameOrArn: string): TableMeta {
  const table = ctx.store.getTableMeta(resolveTableName(ctx, tableNameOrArn));
  if (!table || table.TableStatus === 'CREATING' || table.TableStatus === 'DELETING') {
    throw resourceNotFound();
  }
  return table;
}

/** The raw ExpressionAttributeNames / ExpressionAttributeValues members of one request. */
export interface ExpressionMaps {
  names: Record<string, unknown> | undefined;
  values: Record<string, unknown> | undefined;
}

export const readExpressionMaps = (input: unknown): ExpressionMaps => ({
  names: member(input, 'ExpressionAttributeNames', 'structure'),
  values: member(input, 'ExpressionAttributeValues', 'structure'),
});

/** Which of a request's condition/update/projection parameters are present, by family. */
export interface ParameterUse {
  /** Present expression parameters, in AWS's listing order (e.g. UpdateExpression, ConditionExpression). */
  expressions: string[];
  /** Present legacy parameters (e.g. AttributeUpdates, Expected). */
  legacy: string[];
}

/** The names of the members in `candidates` that the request carries. */
export const presentMembers = (input: Record<string, unknown>, candidates: string[]): string[] =>
  candidates.filter((name) => input[name] !== undefined && input[name] !== null);

/** Whether the request carries any of `names` (JSON null counts as absent); allocates nothing. */
export function anyMemberPresent(input: Record<string, unknown>, names: readonly string[]): boolean {
  for (const name of names) if (input[name] !== undefined && input[name] !== null) return true;
  return false;
}

/**
 * AWS's rules for combining expression and legacy parameters and the attribute maps, checked in
 * its order; returns the scope the expressions are parsed in.
 */
export function expressionScope(use: ParameterUse, maps: ExpressionMaps): ExpressionScope {
  if (use.expressions.length > 0 && use.legacy.length > 0) {
    throw validationError(
      'Can not use both expression and non-expression parameters in the same request: ' +
        `Non-expression parameters: {${use.legacy.join(', ')}} Expression parameters: {${use.expressions.join(', ')}}`,
    );
  }
  if (use.expressions.length === 0) {
    if (maps.names !== undefined) {
      throw validationError('ExpressionAttributeNames can only be specified when using expressions');
    }
    if (maps.values !== undefined) {
      throw validationError('ExpressionAttributeValues can only be specified when using expressions');
    }
  }
  if (maps.names !== undefined && Object.keys(maps.names).length === 0) {
    throw validationError('ExpressionAttributeNames must not be empty');
  }
  if (maps.values !== undefined && Object.keys(maps.values).length === 0) {
    throw validationError('ExpressionAttributeValues must not be empty');
  }
  return new ExpressionScope(readNames(maps.names), readValues(maps.values));
}

function readNames(names: Record<string, unknown> | undefined): Record<string, string> | undefined {
  if (names === undefined) return undefined;
  for (const value of Object.values(names)) {
    if (typeof value !== 'string') {
      throw new DynamoError('SerializationException', 'Unexpected value type in payload');
    }
  }
  return names as Record<string, string>;
}

function readValues(values: Record<string, unknown> | undefined): Record<string, AttributeValue> | undefined {
  if (values === undefined) return undefined;
  const validated: Record<string, AttributeValue> = {};
  for (const [placeholder, value] of Object.entries(values)) {
    try {
      validated[placeholder] = validateValue(value);
    } catch (error) {
      if (!(error instanceof DynamoError) || error.code !== 'ValidationException') throw error;
      throw validationError(
        `ExpressionAttributeValues contains invalid value: ${error.message} for key ${placeholder}`,
      );
    }
  }
  return validated;
}

/** The write condition from ConditionExpression or legacy Expected (+ ConditionalOperator). */
export function readCondition(
  input: Record<string, unknown>,
  scope: ExpressionScope,
): ConditionNode | undefined {
  const text = member(input, 'ConditionExpression', 'string');
  if (text !== undefined) return parseCondition(text, scope, 'ConditionExpression');
  if (input.Expected === undefined || input.Expected === null) return undefined;
  return conditionFromExpected(input.Expected, input.ConditionalOperator ?? undefined);
}

/** AWS's ConditionalCheckFailedException, carrying the old item when asked for (ALL_OLD). */
export function conditionFailed(old: Item | undefined, returnOnFailure: string | undefined): DynamoError {
  const extra = returnOnFailure === 'ALL_OLD' && old ? { Item: old } : {};
  return new DynamoError('ConditionalCheckFailedException', 'The conditional request failed', 400, extra);
}

/** Throws ConditionalCheckFailedException unless the item satisfies the condition. */
export function checkCondition(
  condition: ConditionNode | undefined,
  old: Item | undefined,
  returnOnFailure: string | undefined,
): void {
  if (condition && !evaluateCondition(condition, old)) throw conditionFailed(old, returnOnFailure);
}

/** The 400 KB item limit: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-items */
export function checkItemSize(item: Item, message = 'Item size has exceeded the maximum allowed size'): void {
  if (itemSizeBytes(item) > maxItemSizeBytes) throw validationError(message);
}

/** ItemCollectionMetrics for tables with local secondary indexes (the only ones that have item collections). */
export function itemCollectionMetrics(
  ctx: OperationContext,
  table: TableMeta,
  key: Item,
): Record<string, unknown> | undefined {
  if (table.LocalSecondaryIndexes.length === 0) return undefined;
  const hashName = table.KeySchema[0]?.AttributeName ?? '';
  const partitionValue = key[hashName];
  if (partitionValue === undefined) return undefined;
  let sizeBytes = 0;
  for (const item of ctx.store.query(table, { partitionValue, forward: true }))
    sizeBytes += itemSizeBytes(item);
  // AWS reports a one-gigabyte-wide estimate range around the collection's size.
  const lowerGB = Math.floor(sizeBytes / 2 ** 30);
  return { ItemCollectionKey: { [hashName]: partitionValue }, SizeEstimateRangeGB: [lowerGB, lowerGB + 1] };
}

/** Drops undefined members so responses carry only what AWS would send. */
export function compact(response: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(response).filter(([, value]) => value !== undefined));
}

/** AWS's unused-placeholder errors; nothing to check when the request sent no attribute maps. */
export function assertScopeUsed(scope: ExpressionScope): void {
  if (scope.names !== undefined || scope.values !== undefined) scope.assertAllUsed();
}

/** Adds one item collection's metrics to a per-table map (batch and transaction responses). */
export function appendMetric(
  metrics: Record<string, Record<string, unknown>[]>,
  tableName: string,
  metric: Record<string, unknown>,
): void {
  const list = metrics[tableName] ?? [];
  list.push(metric);
  metrics[tableName] = list;
}
