/**
 * Reading a Query or Scan request and AWS's request-level checks that come before the table is
 * looked up: stage-1 constraints, the expression / legacy parameter rules and the placeholder maps.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Scan.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/LegacyConditionalParameters.html
 */
import { DynamoError, type Item, validationError } from '../../model.js';
import { validateValue } from '../../values/index.js';
import { type Constraints, integerMember, invalidParameters, member, strings } from '../tables/validation.js';
import type { OperationInput } from '../types.js';
import { checkItemTableName } from './common.js';

export type ReadOperation = 'Query' | 'Scan';

export const selectValues = [
  'SPECIFIC_ATTRIBUTES',
  'COUNT',
  'ALL_ATTRIBUTES',
  'ALL_PROJECTED_ATTRIBUTES',
] as const;
export type Select = (typeof selectValues)[number];
const returnConsumedCapacityValues = ['INDEXES', 'TOTAL', 'NONE'] as const;
const conditionalOperators = ['AND', 'OR'] as const;
const comparisonOperators = [
  'IN',
  'NULL',
  'BETWEEN',
  'LT',
  'NOT_CONTAINS',
  'EQ',
  'GT',
  'NOT_NULL',
  'NE',
  'LE',
  'BEGINS_WITH',
  'GE',
  'CONTAINS',
] as const;

/** The members Query and Scan share, read with their JSON types checked. */
export interface ReadRequest {
  operation: ReadOperation;
  tableName: string;
  indexName: string | undefined;
  select: Select | undefined;
  limit: number | undefined;
  consistentRead: boolean;
  returnConsumedCapacity: 'INDEXES' | 'TOTAL' | 'NONE' | undefined;
  attributesToGet: string[] | undefined;
  projectionExpression: string | undefined;
  filterExpression: string | undefined;
  /** QueryFilter or ScanFilter. */
  legacyFilter: Record<string, unknown> | undefined;
  conditionalOperator: string | undefined;
  exclusiveStartKey: Record<string, unknown> | undefined;
  attributeNames: Record<string, unknown> | undefined;
  attributeValues: Record<string, unknown> | undefined;
}

export const legacyFilterName = (operation: ReadOperation): 'QueryFilter' | 'ScanFilter' =>
  operation === 'Query' ? 'QueryFilter' : 'ScanFilter';

export function readRequest(operation: ReadOperation, input: OperationInput): ReadRequest {
  return {
    operation,
    tableName: member(input, 'TableName', 'string') ?? '',
    indexName: member(input, 'IndexName', 'string'),
    select: member(input, 'Select', 'string') as Select | undefined,
    limit: integerMember(input, 'Limit'),
    consistentRead: member(input, 'ConsistentRead', 'boolean') ?? false,
    returnConsumedCapacity: member(
      input,
      'ReturnConsumedCapacity',
      'string',
    ) as ReadRequest['returnConsumedCapacity'],
    attributesToGet: strings(input, 'AttributesToGet'),
    projectionExpression: member(input, 'ProjectionExpression', 'string'),
    filterExpression: member(input, 'FilterExpression', 'string'),
    legacyFilter: member(input, legacyFilterName(operation), 'structure'),
    conditionalOperator: member(input, 'ConditionalOperator', 'string'),
    exclusiveStartKey: member(input, 'ExclusiveStartKey', 'structure'),
    attributeNames: member(input, 'ExpressionAttributeNames', 'structure'),
    attributeValues: member(input, 'ExpressionAttributeValues', 'structure'),
  };
}

/** Stage-1 checks of the legacy condition maps: every entry needs a known ComparisonOperator. */
export function checkLegacyConditions(
  constraints: Constraints,
  path: string,
  conditions: Record<string, unknown> | undefined,
): void {
  for (const [attributeName, condition] of Object.entries(conditions ?? {})) {
    const operator = member(condition, 'ComparisonOperator', 'string');
    const operatorPath = `${path}.${attributeName}.member.comparisonOperator`;
    if (constraints.required(operatorPath, operator))
      constraints.oneOf(operatorPath, operator, comparisonOperators);
  }
}

/** Stage-1 constraints of the members both operations have, in the order AWS lists them. */
export function checkSharedConstraints(constraints: Constraints, request: ReadRequest): void {
  constraints.oneOf('select', request.select, selectValues);
  if (request.indexName !== undefined) constraints.name('indexName', request.indexName);
}

export function checkReturnConsumedCapacity(constraints: Constraints, request: ReadRequest): void {
  constraints.oneOf('returnConsumedCapacity', request.returnConsumedCapacity, returnConsumedCapacityValues);
}

export function checkTableName(constraints: Constraints, input: OperationInput): void {
  checkItemTableName(constraints, 'tableName', member(input, 'TableName', 'string'));
}

export function checkConditionalOperator(constraints: Constraints, request: ReadRequest): void {
  constraints.oneOf('conditionalOperator', request.conditionalOperator, conditionalOperators);
}

export function checkAttributesToGet(constraints: Constraints, request: ReadRequest): void {
  constraints.length('attributesToGet', request.attributesToGet, 1, 255);
}

export function checkLimit(constraints: Constraints, request: ReadRequest): void {
  constraints.range('limit', request.limit, 1);
}

/**
 * "Can not use both expression and non-expression parameters", then the placeholder maps given
 * without any expression. A legacy KeyConditions alone may accompany the other expressions.
 */
export function checkExpressionParameters(
  input: OperationInput,
  expressionNames: readonly string[],
  legacyNames: readonly string[],
): void {
  const present = (name: string): boolean => input[name] !== undefined && input[name] !== null;
  const expressions = expressionNames.filter(present);
  const keyConditionsAlone = present('KeyConditions') && !present('KeyConditionExpression');
  const legacy = legacyNames.filter(
    (name) => present(name) && !(name === 'KeyConditions' && keyConditionsAlone),
  );
  if (expressions.length > 0 && legacy.length > 0) {
    throw validationError(
      'Can not use both expression and non-expression parameters in the same request: ' +
        `Non-expression parameters: {${legacy.join(', ')}} Expression parameters: {${expressions.join(', ')}}`,
    );
  }
  if (present('ExpressionAttributeNames') && expressions.length === 0) {
    throw validationError('ExpressionAttributeNames can only be specified when using expressions');
  }
  const valueExpressions = expressionNames.filter((name) => name !== 'ProjectionExpression');
  if (present('ExpressionAttributeValues') && !valueExpressions.some(present)) {
    const verb = valueExpressions.length > 1 ? 'are' : 'is';
    throw validationError(
      `ExpressionAttributeValues can only be specified when using expressions: ${valueExpressions.join(' and ')} ${verb} null`,
    );
  }
}

/** "Duplicate value in attribute name" for a repeated AttributesToGet entry. */
export function checkAttributesToGetDuplicates(attributesToGet: string[] | undefined): void {
  const seen = new Set<string>();
  for (const name of attributesToGet ?? []) {
    if (seen.has(name))
      throw validationError(`${invalidParameters}Duplicate value in attribute name: ${name}`);
    seen.add(name);
  }
}

/**
 * The ExclusiveStartKey's values must be well-formed. AWS prefixes most value errors with "The
 * provided starting key is invalid: ", but not the set-duplicate and number errors.
 */
export function validateStartKeyValues(startKey: Record<string, unknown> | undefined): Item | undefined {
  if (startKey === undefined) return undefined;
  const validated: Item = {};
  for (const [name, value] of Object.entries(startKey)) {
    try {
      validated[name] = validateValue(value);
    } catch (error) {
      if (!(error instanceof DynamoError)) throw error;
      if (
        /contains duplicates|number set|numeric value|significant digits|number with magnitude/.test(
          error.message,
        )
      ) {
        throw error;
      }
      throw new DynamoError(error.code, `The provided starting key is invalid: ${error.message}`);
    }
  }
  return validated;
}
