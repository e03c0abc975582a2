/**
 * Evaluates a condition against an item with DynamoDB's semantics: a missing attribute makes every
 * comparison false except `<>`, values of different types are unequal and unordered, ordering exists
 * only within N, S and B. Evaluation never throws for type mismatches; it yields false.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html
 */
import { Buffer } from 'node:buffer';
import type { AttributeValue, Item } from '../model.js';
import { compareScalars, valuesEqual } from '../values/index.js';
import type { Comparator, ConditionNode, Operand } from './ast.js';
import { valueAt } from './paths.js';
import { isScalarKeyType, typeOf } from './types.js';

const bytesOf = (base64: string): Buffer => Buffer.from(base64, 'base64');

/**
 * size(): string length (counted in UTF-8 bytes, DynamoDB's unit for string sizes), binary length
 * in bytes, element count for sets, lists and maps; no value for N, BOOL and NULL.
 */
export function sizeOf(value: AttributeValue | undefined): number | undefined {
  if (value === undefined) return undefined;
  if ('S' in value) return Buffer.byteLength(value.S, 'utf8');
  if ('B' in value) return bytesOf(value.B).length;
  if ('SS' in value) return value.SS.length;
  if ('NS' in value) return value.NS.length;
  if ('BS' in value) return value.BS.length;
  if ('L' in value) return value.L.length;
  if ('M' in value) return Object.keys(value.M).length;
  return undefined;
}

export function operandValue(operand: Operand, item: Item | undefined): AttributeValue | undefined {
  if (operand.kind === 'value') return operand.value;
  if (operand.kind === 'path') return valueAt(item, operand.path);
  const size = sizeOf(valueAt(item, operand.path));
  return size === undefined ? undefined : { N: String(size) };
}

/** Same scalar type (N, S or B): their order; otherwise undefined (incomparable). */
function order(a: AttributeValue, b: AttributeValue): number | undefined {
  const type = typeOf(a);
  if (!isScalarKeyType(type) || type !== typeOf(b)) return undefined;
  return compareScalars(a, b);
}

function compare(
  op: Comparator,
  left: AttributeValue | undefined,
  right: AttributeValue | undefined,
): boolean {
  if (left === undefined || right === undefined) return op === '<>';
  if (op === '=') return valuesEqual(left, right);
  if (op === '<>') return !valuesEqual(left, right);
  const sign = order(left, right);
  if (sign === undefined) return false;
  if (op === '<') return sign < 0;
  if (op === '<=') return sign <= 0;
  if (op === '>') return sign > 0;
  return sign >= 0;
}

function between(value?: AttributeValue, low?: AttributeValue, high?: AttributeValue): boolean {
  if (value === undefined || low === undefined || high === undefined) return false;
  const fromLow = order(value, low);
  const toHigh = order(value, high);
  return fromLow !== undefined && toHigh !== undefined && fromLow >= 0 && toHigh <= 0;
}

export function beginsWith(value: AttributeValue | undefined, prefix: AttributeValue | undefined): boolean {
  if (value === undefined || prefix === undefined) return false;
  if ('S' in value && 'S' in prefix) return value.S.startsWith(prefix.S);
  if ('B' in value && 'B' in prefix) {
    const bytes = bytesOf(value.B);
    const start = bytesOf(prefix.B);
    return start.length <= bytes.length && bytes.subarray(0, start.length).equals(start);
  }
  return false;
}

/** Substring for S, byte subsequence for B, membership for sets (same element type) and lists. */
export function contains(value: AttributeValue | undefined, needle: AttributeValue | undefined): boolean {
  if (value === undefined || needle === undefined) return false;
  if ('S' in value) return 'S' in needle && value.S.includes(needle.S);
  if ('B' in value) return 'B' in needle && bytesOf(value.B).includes(bytesOf(needle.B));
  if ('SS' in value) return 'S' in needle && value.SS.includes(needle.S);
  if ('NS' in value) return 'N' in needle && value.NS.some((member) => valuesEqual({ N: member }, needle));
  if ('BS' in value) {
    return 'B' in needle && value.BS.some((member) => bytesOf(member).equals(bytesOf(needle.B)));
  }
  if ('L' in value) return value.L.some((element) => valuesEqual(element, needle));
  return false;
}

function attributeTypeMatches(value: AttributeValue | undefined, type: AttributeValue | undefined): boolean {
  if (value === undefined || type === undefined || !('S' in type)) return false;
  return typeOf(value) === type.S;
}

/** True when `item` (undefined = no item) satisfies the condition. */
export function evaluateCondition(condition: ConditionNode, item: Item | undefined): boolean {
  const value = (operand: Operand) => operandValue(operand, item);
  switch (condition.kind) {
    case 'and':
      return evaluateCondition(condition.left, item) && evaluateCondition(condition.right, item);
    case 'or':
      return evaluateCondition(condition.left, item) || evaluateCondition(condition.right, item);
    case 'not':
      return !evaluateCondition(condition.operand, item);
    case 'compare':
      return compare(condition.op, value(condition.left), value(condition.right));
    case 'between':
      return between(value(condition.operand), value(condition.low), value(condition.high));
    case 'in': {
      const subject = value(condition.operand);
      return condition.candidates.some((candidate) => compare('=', subject, value(candidate)));
    }
    case 'attribute_exists':
      return valueAt(item, condition.path) !== undefined;
    case 'attribute_not_exists':
      return valueAt(item, condition.path) === undefined;
    case 'attribute_type':
      return attributeTypeMatches(valueAt(item, condition.path), value(condition.type));
    case 'begins_with':
      return beginsWith(value(condition.operand), value(condition.prefix));
    case 'contains':
      return contains(value(condition.operand), value(condition.needle));
  }
}
