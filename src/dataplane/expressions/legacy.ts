/**
 * Legacy (pre-expression) parameters converted to the expression AST, so one evaluator and one
 * update applier serve both: Expected, QueryFilter / ScanFilter, ConditionalOperator, KeyConditions,
 * AttributeUpdates and AttributesToGet.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/LegacyConditionalParameters.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/LegacyConditionalParameters.Conditions.html
 */
import { type AttributeType, type AttributeValue, validationError } from '../model.js';
import type { SortKeyCondition } from '../storage/types.js';
import type { ConditionNode, DocumentPath, Operand, UpdateAction, UpdateNode } from './ast.js';
import { type KeyCondition, keyConditionFromLeaves } from './condition.js';
import { invalidParameterValues } from './errors.js';
import { isSetType, typeOf } from './types.js';

type ComparisonOperator =
  | 'EQ'
  | 'NE'
  | 'LE'
  | 'LT'
  | 'GE'
  | 'GT'
  | 'NOT_NULL'
  | 'NULL'
  | 'CONTAINS'
  | 'NOT_CONTAINS'
  | 'BEGINS_WITH'
  | 'IN'
  | 'BETWEEN';

/** How many AttributeValueList entries each operator takes ('many' = one or more). */
const ARITY: Record<ComparisonOperator, number | 'many'> = {
  EQ: 1,
  NE: 1,
  LE: 1,
  LT: 1,
  GE: 1,
  GT: 1,
  NOT_NULL: 0,
  NULL: 0,
  CONTAINS: 1,
  NOT_CONTAINS: 1,
  BEGINS_WITH: 1,
  IN: 'many',
  BETWEEN: 2,
};

/** The argument types each operator accepts, per LegacyConditionalParameters.Conditions. */
const SCALARS: readonly AttributeType[] = ['S', 'N', 'B'];
const ALLOWED_TYPES: Partial<Record<ComparisonOperator, readonly AttributeType[]>> = {
  LE: SCALARS,
  LT: SCALARS,
  GE: SCALARS,
  GT: SCALARS,
  CONTAINS: SCALARS,
  NOT_CONTAINS: SCALARS,
  BEGINS_WITH: ['S', 'B'],
  IN: SCALARS,
  BETWEEN: SCALARS,
};

const OPERATOR_ENUM =
  '[IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const enumError = (value: unknown, location: string, allowed: string) =>
  validationError(
    `1 validation error detected: Value '${String(value)}' at '${location}' failed to satisfy constraint: ` +
      `Member must satisfy enum value set: ${allowed}`,
  );

const topLevel = (name: string): DocumentPath => [{ kind: 'name', name }];

interface LegacyCondition {
  operator: ComparisonOperator;
  values: AttributeValue[];
}

function checkCondition(condition: LegacyCondition, location: string): void {
  const { operator, values } = condition;
  if (!Object.hasOwn(ARITY, operator)) throw enumError(operator, location, OPERATOR_ENUM);
  const arity = ARITY[operator];
  if (arity === 'many' ? values.length === 0 : values.length !== arity) {
    throw invalidParameterValues(`Invalid number of argument(s) for the ${operator} ComparisonOperator`);
  }
  const allowed = ALLOWED_TYPES[operator];
  for (const value of values) {
    const type = typeOf(value);
    if (allowed && (type === undefined || !allowed.includes(type))) {
      throw invalidParameterValues(
        `ComparisonOperator ${operator} is not valid for ${type ?? 'NULL'} AttributeValue type`,
      );
    }
  }
  if (operator === 'BETWEEN' && typeOf(values[0]!) !== typeOf(values[1]!)) {
    throw invalidParameterValues(
      `ComparisonOperator ${operator} is not valid for ${typeOf(values[1]!)} AttributeValue type`,
    );
  }
}

function conditionNode(name: string, { operator, values }: LegacyCondition): ConditionNode {
  const path = topLevel(name);
  const subject: Operand = { kind: 'path', path };
  const value = (index: number): Operand => ({ kind: 'value', value: values[index]! });
  switch (operator) {
    case 'EQ':
      return { kind: 'compare', op: '=', left: subject, right: value(0) };
    case 'NE':
      return { kind: 'compare', op: '<>', left: subject, right: value(0) };
    case 'LE':
      return { kind: 'compare', op: '<=', left: subject, right: value(0) };
    case 'LT':
      return { kind: 'compare', op: '<', left: subject, right: value(0) };
    case 'GE':
      return { kind: 'compare', op: '>=', left: subject, right: value(0) };
    case 'GT':
      return { kind: 'compare', op: '>', left: subject, right: value(0) };
    case 'NOT_NULL':
      return { kind: 'attribute_exists', path };
    case 'NULL':
      return { kind: 'attribute_not_exists', path };
    case 'CONTAINS':
      return { kind: 'contains', operand: subject, needle: value(0) };
    case 'NOT_CONTAINS':
      return { kind: 'not', operand: { kind: 'contains', operand: subject, needle: value(0) } };
    case 'BEGINS_WITH':
      return { kind: 'begins_with', operand: subject, prefix: value(0) };
    case 'IN':
      return { kind: 'in', operand: subject, candidates: values.map((_, index) => value(index)) };
    case 'BETWEEN':
      return { kind: 'between', operand: subject, low: value(0), high: value(1) };
  }
}

/** Joins conditions as a balanced tree, so thousands of them never nest deeply. */
function combine(nodes: ConditionNode[], kind: 'and' | 'or'): ConditionNode {
  if (nodes.length === 1) return nodes[0]!;
  const middle = Math.ceil(nodes.length / 2);
  return { kind, left: combine(nodes.slice(0, middle), kind), right: combine(nodes.slice(middle), kind) };
}

function junction(conditionalOperator: unknown): 'and' | 'or' {
  if (conditionalOperator === undefined || conditionalOperator === null || conditionalOperator === 'AND')
    return 'and';
  if (conditionalOperator === 'OR') return 'or';
  throw enumError(conditionalOperator, 'conditionalOperator', '[OR, AND]');
}

const valueList = (list: unknown): AttributeValue[] =>
  Array.isArray(list) ? (list as AttributeValue[]) : [];

/** One Expected entry: Value / Exists, or ComparisonOperator + AttributeValueList. */
function expectedCondition(name: string, entry: Record<string, unknown>): ConditionNode {
  const { Value, Exists, ComparisonOperator, AttributeValueList } = entry;
  const hasValue = Value !== undefined && Value !== null;
  const hasList = AttributeValueList !== undefined && AttributeValueList !== null;
  if (hasValue && hasList) {
    throw invalidParameterValues(
      `Value and AttributeValueList cannot be used together for Attribute: ${name}`,
    );
  }
  if (ComparisonOperator !== undefined && ComparisonOperator !== null) {
    if (Exists !== undefined && Exists !== null) {
      throw invalidParameterValues(
        `Exists and ComparisonOperator cannot be used together for Attribute: ${name}`,
      );
    }
    const condition = {
      operator: ComparisonOperator as ComparisonOperator,
      values: hasValue ? [Value as AttributeValue] : valueList(AttributeValueList),
    };
    checkCondition(condition, `expected.${name}.member.comparisonOperator`);
    return conditionNode(name, condition);
  }
  if (hasList) {
    throw invalidParameterValues(
      `AttributeValueList can only be used with a ComparisonOperator for Attribute: ${name}`,
    );
  }
  if (Exists === false) {
    if (hasValue)
      throw invalidParameterValues(`Value cannot be used when Exists is false for Attribute: ${name}`);
    return { kind: 'attribute_not_exists', path: topLevel(name) };
  }
  if (!hasValue)
    throw invalidParameterValues(`Value must be provided when Exists is true for Attribute: ${name}`);
  return conditionNode(name, { operator: 'EQ', values: [Value as AttributeValue] });
}

/** Expected + ConditionalOperator → condition; undefined when Expected is absent or empty. */
export function conditionFromExpected(
  expected: unknown,
  conditionalOperator: unknown,
): ConditionNode | undefined {
  if (!isRecord(expected)) return undefined;
  const kind = junction(conditionalOperator);
  const nodes = Object.entries(expected).map(([name, entry]) =>
    expectedCondition(name, isRecord(entry) ? entry : {}),
  );
  return nodes.length === 0 ? undefined : combine(nodes, kind);
}

/** QueryFilter / ScanFilter + ConditionalOperator → condition; undefined when absent or empty. */
export function conditionFromFilter(
  filter: unknown,
  conditionalOperator: unknown,
  parameter: 'QueryFilter' | 'ScanFilter',
): ConditionNode | undefined {
  if (!isRecord(filter)) return undefined;
  const kind = junction(conditionalOperator);
  const location = parameter === 'QueryFilter' ? 'queryFilter' : 'scanFilter';
  const nodes = Object.entries(filter).map(([name, entry]) => {
    const fields = isRecord(entry) ? entry : {};
    const condition = {
      operator: fields.ComparisonOperator as ComparisonOperator,
      values: valueList(fields.AttributeValueList),
    };
    if (condition.operator === undefined || condition.operator === null) {
      throw validationError(
        `1 validation error detected: Value null at '${location}.${name}.member.comparisonOperator' failed to satisfy constraint: Member must not be null`,
      );
    }
    checkCondition(condition, `${location}.${name}.member.comparisonOperator`);
    return conditionNode(name, condition);
  });
  return nodes.length === 0 ? undefined : combine(nodes, kind);
}

const KEY_OPERATORS = new Set<ComparisonOperator>(['EQ', 'LE', 'LT', 'GE', 'GT', 'BEGINS_WITH', 'BETWEEN']);

/** Query's legacy KeyConditions: EQ on the partition key; EQ LE LT GE GT BEGINS_WITH BETWEEN on the sort key. */
export function keyConditionFromKeyConditions(keyConditions: unknown): KeyCondition {
  const entries = isRecord(keyConditions) ? Object.entries(keyConditions) : [];
  if (entries.length === 0 || entries.length > 2)
    throw validationError('Conditions can be of length 1 or 2 only');
  const leaves = entries.map(([name, entry]) => {
    const fields = isRecord(entry) ? entry : {};
    const condition = {
      operator: fields.ComparisonOperator as ComparisonOperator,
      values: valueList(fields.AttributeValueList),
    };
    checkCondition(condition, `keyConditions.${name}.member.comparisonOperator`);
    if (!KEY_OPERATORS.has(condition.operator)) {
      throw validationError('Attempted conditional constraint is not an indexable operation');
    }
    return { name, condition: sortKeyCondition(condition) };
  });
  return keyConditionFromLeaves(leaves);
}

function sortKeyCondition({ operator, values }: LegacyCondition): SortKeyCondition {
  if (operator === 'BETWEEN') return { op: 'BETWEEN', low: values[0]!, high: values[1]! };
  return { op: operator as Exclude<SortKeyCondition['op'], 'BETWEEN'>, value: values[0]! };
}

/** UpdateItem's legacy AttributeUpdates: PUT (default), ADD, DELETE (without Value: remove the attribute). */
export function updateFromAttributeUpdates(attributeUpdates: unknown): UpdateNode {
  const entries = isRecord(attributeUpdates) ? Object.entries(attributeUpdates) : [];
  return { actions: entries.map(([name, entry]) => legacyAction(name, isRecord(entry) ? entry : {})) };
}

function legacyAction(name: string, entry: Record<string, unknown>): UpdateAction {
  const action = entry.Action ?? 'PUT';
  const value = entry.Value === null ? undefined : (entry.Value as AttributeValue | undefined);
  const path = topLevel(name);
  if (action !== 'PUT' && action !== 'ADD' && action !== 'DELETE') {
    throw enumError(action, `attributeUpdates.${name}.member.action`, '[ADD, PUT, DELETE]');
  }
  if (value === undefined) {
    if (action !== 'DELETE') {
      throw invalidParameterValues('Only DELETE action is allowed when no attribute value is specified');
    }
    return { kind: 'REMOVE', path };
  }
  const type = typeOf(value);
  if (action === 'PUT')
    return { kind: 'SET', path, value: { kind: 'operand', operand: { kind: 'value', value } } };
  if (action === 'ADD') {
    if (type !== 'N' && type !== 'L' && !isSetType(type)) {
      throw invalidParameterValues(`ADD action is not supported for the type ${type ?? 'NULL'}`);
    }
    return { kind: 'ADD', path, value };
  }
  if (!isSetType(type)) {
    throw invalidParameterValues(`DELETE action with value is not supported for the type ${type ?? 'NULL'}`);
  }
  return { kind: 'DELETE', path, value };
}

/** AttributesToGet → top-level paths. */
export function pathsFromAttributesToGet(names: unknown): DocumentPath[] {
  if (!Array.isArray(names)) return [];
  const seen = new Set<string>();
  return names.map((name) => {
    const text = String(name);
    if (seen.has(text)) throw invalidParameterValues(`Duplicate value in attribute name: ${text}`);
    seen.add(text);
    return topLevel(text);
  });
}
