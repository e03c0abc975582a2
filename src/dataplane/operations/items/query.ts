/**
 * Query: the items of one partition (of the table or of an index), in sort-key order, one page
 * at a time. https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html
 * Legacy KeyConditions / QueryFilter:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/LegacyConditionalParameters.KeyConditions.html
 */
import {
  type ExpressionScope,
  type KeyCondition,
  keyConditionFromKeyConditions,
  parseKeyCondition,
} from '../../expressions/index.js';
import { validationError } from '../../model.js';
import { Constraints, member } from '../tables/validation.js';
import type { OperationHandler, OperationInput } from '../types.js';
import { requireItemTable } from './common.js';
import { readProjection } from './projection.js';
import {
  checkKeyCondition,
  checkStartKeyWithinRange,
  type KeyConditionSource,
} from './query-scan-key-condition.js';
import {
  checkFilterAvoidsKeys,
  checkPlaceholdersUsed,
  checkRequestShape,
  openScope,
  readFilter,
  respond,
} from './query-scan-read.js';
import {
  checkAttributesToGet,
  checkConditionalOperator,
  checkLegacyConditions,
  checkLimit,
  checkReturnConsumedCapacity,
  checkSharedConstraints,
  checkTableName,
  type ReadRequest,
  readRequest,
} from './query-scan-request.js';
import { resolveSelection } from './query-scan-select.js';
import { checkConsistentRead, requireIndex, validateStartKeyShape } from './query-scan-target.js';

const expressionParameters = ['ProjectionExpression', 'FilterExpression', 'KeyConditionExpression'] as const;
const legacyParameters = ['AttributesToGet', 'QueryFilter', 'ConditionalOperator', 'KeyConditions'] as const;

/** Stage 1, in the order AWS lists Query's violations. */
function checkConstraints(input: OperationInput, request: ReadRequest, keyConditions: unknown): void {
  const constraints = new Constraints();
  checkSharedConstraints(constraints, request);
  checkReturnConsumedCapacity(constraints, request);
  checkLegacyConditions(constraints, 'queryFilter', request.legacyFilter);
  checkTableName(constraints, input);
  checkConditionalOperator(constraints, request);
  checkAttributesToGet(constraints, request);
  checkLimit(constraints, request);
  checkLegacyConditions(constraints, 'keyConditions', keyConditions as Record<string, unknown> | undefined);
  constraints.throwIfAny();
}

interface ParsedKeyCondition {
  condition: KeyCondition;
  source: KeyConditionSource;
}

function readKeyCondition(
  expression: string | undefined,
  keyConditions: Record<string, unknown> | undefined,
  scope: ExpressionScope,
): ParsedKeyCondition {
  if (expression !== undefined) {
    return { condition: parseKeyCondition(expression, scope), source: 'KeyConditionExpression' };
  }
  return { condition: keyConditionFromKeyConditions(keyConditions), source: 'KeyConditions' };
}

export const query: OperationHandler = async (ctx, input) => {
  const request = readRequest('Query', input);
  const keyConditionExpression = member(input, 'KeyConditionExpression', 'string');
  const keyConditions = member(input, 'KeyConditions', 'structure');
  const scanIndexForward = member(input, 'ScanIndexForward', 'boolean') ?? true;
  checkConstraints(input, request, keyConditions);

  const startKey = checkRequestShape(input, request, expressionParameters, legacyParameters);
  if (keyConditionExpression === undefined && keyConditions === undefined) {
    throw validationError(
      'Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.',
    );
  }
  const scope = openScope(input, expressionParameters);
  const keyCondition = readKeyCondition(keyConditionExpression, keyConditions, scope);
  const filter = readFilter(request, scope);
  const paths = readProjection(input, scope);
  checkPlaceholdersUsed(input, scope);

  const table = requireItemTable(ctx, request.tableName);
  const index = request.indexName === undefined ? undefined : requireIndex(table, request.indexName);
  checkConsistentRead(index, request.consistentRead);
  if (startKey) validateStartKeyShape('Query', table, index, startKey);
  const keySchema = index?.KeySchema ?? table.KeySchema;
  const range = checkKeyCondition(table, keySchema, keyCondition.condition, keyCondition.source);
  if (startKey) checkStartKeyWithinRange(startKey, range);
  checkFilterAvoidsKeys(filter, keySchema, request);
  const selection = resolveSelection(table, index, request.select, paths);

  const source = ctx.store.query(table, {
    ...(index ? { indexName: index.IndexName } : {}),
    partitionValue: range.partitionValue,
    ...(range.sortCondition ? { sortCondition: range.sortCondition } : {}),
    forward: scanIndexForward,
    ...(startKey ? { exclusiveStartKey: startKey } : {}),
  });
  return respond(ctx, request, { table, index, filter, selection }, source);
};
