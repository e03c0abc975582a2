/**
 * Query's key condition checked against the key schema of the table or index it reads, turned
 * into the store's QueryRange; and the ExclusiveStartKey's fit within that condition.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.KeyConditionExpressions.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html#DDB-Query-request-KeyConditionExpression
 */
import type { KeyCondition } from '../../expressions/index.js';
import {
  type AttributeValue,
  type Item,
  type KeySchemaElement,
  type TableMeta,
  validationError,
} from '../../model.js';
import type { SortKeyCondition } from '../../storage/types.js';
import { compareScalars } from '../../values/index.js';
import { invalidParameters } from '../tables/validation.js';
import { keyAttributeType, typeOf } from './keys.js';

/** The checked condition: equality on the partition key, optionally a range on the sort key. */
export interface KeyRange {
  partitionName: string;
  partitionValue: AttributeValue;
  sortName: string | undefined;
  sortCondition: SortKeyCondition | undefined;
}

/** Which parameter the condition came from; AWS words a few errors differently for each. */
export type KeyConditionSource = 'KeyConditionExpression' | 'KeyConditions';

const notSupported = (): Error => validationError('Query key condition not supported');

const conditionValues = (condition: SortKeyCondition): AttributeValue[] =>
  condition.op === 'BETWEEN' ? [condition.low, condition.high] : [condition.value];

/** The parsed condition as one entry per attribute, whichever slot the parser put it in. */
function conditionsByName(keyCondition: KeyCondition): Map<string, SortKeyCondition> {
  const conditions = new Map<string, SortKeyCondition>();
  conditions.set(keyCondition.partition.name, { op: 'EQ', value: keyCondition.partition.value });
  const sort = keyCondition.sort;
  if (sort) {
    if (conditions.has(sort.name)) {
      throw validationError('KeyConditionExpressions must only contain one condition per key');
    }
    conditions.set(sort.name, sort.condition);
  }
  return conditions;
}

/**
 * Matches the condition to the key schema, in AWS's order: the schema's elements hash first,
 * each checked for presence, value type and (for the hash key) equality.
 */
export function checkKeyCondition(
  table: TableMeta,
  keySchema: KeySchemaElement[],
  keyCondition: KeyCondition,
  source: KeyConditionSource,
): KeyRange {
  const conditions = conditionsByName(keyCondition);
  const [hash, range] = keySchema;
  if (!hash) throw notSupported();
  if (!range && conditions.size > 1) throw notSupported();
  for (const element of keySchema) checkElement(table, element, conditions, source);
  // A condition on anything but the schema's keys (e.g. a non-key attribute) cannot be served.
  for (const name of conditions.keys()) {
    if (name !== hash.AttributeName && name !== range?.AttributeName) throw notSupported();
  }
  const sortCondition = range ? conditions.get(range.AttributeName) : undefined;
  const partition = conditions.get(hash.AttributeName) as SortKeyCondition & { value: AttributeValue };
  return {
    partitionName: hash.AttributeName,
    partitionValue: partition.value,
    sortName: sortCondition ? range?.AttributeName : undefined,
    sortCondition,
  };
}

function checkElement(
  table: TableMeta,
  element: KeySchemaElement,
  conditions: Map<string, SortKeyCondition>,
  source: KeyConditionSource,
): void {
  const isHash = element.KeyType === 'HASH';
  const condition = conditions.get(element.AttributeName);
  if (!condition) {
    if (isHash || conditions.size > 1) {
      throw validationError(`Query condition missed key schema element: ${element.AttributeName}`);
    }
    return;
  }
  const schemaType = keyAttributeType(table, element.AttributeName);
  if (conditionValues(condition).some((value) => typeOf(value) !== schemaType)) {
    throw validationError(`${invalidParameters}Condition parameter type does not match schema type`);
  }
  if (isHash && condition.op !== 'EQ') throw notSupported();
  if (condition.op === 'BEGINS_WITH' && schemaType === 'N') throw beginsWithOnNumber(source);
}

function beginsWithOnNumber(source: KeyConditionSource): Error {
  return validationError(
    source === 'KeyConditions'
      ? `${invalidParameters}ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type`
      : 'Invalid KeyConditionExpression: Incorrect operand type for operator or function; ' +
          'operator or function: begins_with, operand type: N',
  );
}

const bytesOf = (value: AttributeValue): Buffer =>
  'S' in value ? Buffer.from(value.S, 'utf8') : Buffer.from('B' in value ? value.B : '', 'base64');

/** True when a sort-key value satisfies the condition (values are of the key's declared type). */
export function satisfiesSortCondition(value: AttributeValue, condition: SortKeyCondition): boolean {
  switch (condition.op) {
    case 'BETWEEN':
      return compareScalars(value, condition.low) >= 0 && compareScalars(value, condition.high) <= 0;
    case 'BEGINS_WITH': {
      const prefix = bytesOf(condition.value);
      const bytes = bytesOf(value);
      return bytes.length >= prefix.length && bytes.subarray(0, prefix.length).equals(prefix);
    }
    default: {
      const order = compareScalars(value, condition.value);
      const outcome = { EQ: order === 0, LT: order < 0, LE: order <= 0, GT: order > 0, GE: order >= 0 };
      return outcome[condition.op];
    }
  }
}

/**
 * A start key must lie within the queried partition and the sort-key condition (its shape was
 * already checked). Messages as DynamoDB returns them.
 */
export function checkStartKeyWithinRange(startKey: Item, range: KeyRange): void {
  const partition = startKey[range.partitionName];
  const samePartition = partition !== undefined && compareScalars(partition, range.partitionValue) === 0;
  if (!range.sortName || !range.sortCondition) {
    if (!samePartition) {
      throw validationError(
        'The provided starting key is outside query boundaries based on provided conditions',
      );
    }
    return;
  }
  const sort = startKey[range.sortName];
  if (sort === undefined || !satisfiesSortCondition(sort, range.sortCondition)) {
    throw validationError('The provided starting key does not match the range key predicate');
  }
  if (!samePartition) throw validationError('The query can return at most one row and cannot be restarted');
}
