/**
 * Ordering and equality of attribute values as DynamoDB defines them: numbers numerically, strings
 * and binaries by unsigned bytes (UTF-8 for strings), sets as sets.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html#Expressions.OperatorsAndFunctions.Comparators
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.CoreComponents.html#HowItWorks.CoreComponents.PrimaryKey
 */
import type { AttributeValue, Item } from '../model.js';
import { compareBinary } from './binary.js';
import { compareNumbers, normalizeNumber } from './numbers.js';
import { compareUtf8 } from './strings.js';

/** The type key of a well-formed value. */
export function typeOfValue(value: AttributeValue): string {
  for (const key in value) return key;
  throw new Error('values: an AttributeValue without a type');
}

const memberOf = (value: AttributeValue, type: string): unknown => (value as Record<string, unknown>)[type];
const textOf = (value: AttributeValue, type: string): string => memberOf(value, type) as string;
const textsOf = (value: AttributeValue, type: string): string[] => memberOf(value, type) as string[];

/** Orders two scalar values of the same type as DynamoDB does (N numeric, S and B by unsigned bytes). */
export function compareScalars(a: AttributeValue, b: AttributeValue): number {
  const type = typeOfValue(a);
  if (type !== typeOfValue(b)) {
    throw new Error(`values: cannot order ${type} against ${typeOfValue(b)}`);
  }
  switch (type) {
    case 'S':
      return compareUtf8(textOf(a, 'S'), textOf(b, 'S'));
    case 'N':
      return compareNumbers(textOf(a, 'N'), textOf(b, 'N'));
    case 'B':
      return compareBinary(textOf(a, 'B'), textOf(b, 'B'));
    default:
      throw new Error(`values: ${type} is not an ordered scalar type`);
  }
}

/** Set members after normalisation, so that equal members have equal text. */
function setKeys(members: readonly string[], type: 'SS' | 'NS' | 'BS'): Set<string> {
  if (type === 'NS') return new Set(members.map(normalizeNumber));
  if (type === 'BS') return new Set(members.map((member) => Buffer.from(member, 'base64').toString('hex')));
  return new Set(members);
}

function setsEqual(a: readonly string[], b: readonly string[], type: 'SS' | 'NS' | 'BS'): boolean {
  const left = setKeys(a, type);
  const right = setKeys(b, type);
  if (left.size !== right.size) return false;
  for (const key of left) if (!right.has(key)) return false;
  return true;
}

function listsEqual(a: readonly AttributeValue[], b: readonly AttributeValue[]): boolean {
  return a.length === b.length && a.every((element, index) => valuesEqual(element, b[index]!));
}

function mapsEqual(a: Record<string, AttributeValue>, b: Record<string, AttributeValue>): boolean {
  const names = Object.keys(a);
  if (names.length !== Object.keys(b).length) return false;
  return names.every((name) => Object.hasOwn(b, name) && valuesEqual(a[name]!, b[name]!));
}

/** Deep equality (sets compare as sets, numbers numerically, binaries by bytes). */
export function valuesEqual(a: AttributeValue, b: AttributeValue): boolean {
  const type = typeOfValue(a);
  if (type !== typeOfValue(b)) return false;
  switch (type) {
    case 'N':
    case 'B':
      return compareScalars(a, b) === 0;
    case 'SS':
    case 'NS':
    case 'BS':
      return setsEqual(textsOf(a, type), textsOf(b, type), type);
    case 'L':
      return listsEqual(memberOf(a, 'L') as AttributeValue[], memberOf(b, 'L') as AttributeValue[]);
    case 'M':
      return mapsEqual(memberOf(a, 'M') as Item, memberOf(b, 'M') as Item);
    default:
      return memberOf(a, type) === memberOf(b, type);
  }
}
