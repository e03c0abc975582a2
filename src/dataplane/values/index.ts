/**
 * DynamoDB values: wire validation, exact numbers, ordering, equality and item size.
 * CONTRACT (fixed; the values engineer fills in the bodies).
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
 */
import type { AttributeValue, Item } from '../model.js';

const notYet = (): never => {
  throw new Error('values: not implemented yet');
};

/**
 * Checks one AttributeValue from a request and returns it normalised (numbers in canonical form,
 * e.g. "1.50" → "1.5", "-0" → "0"). Throws ValidationException / SerializationException with
 * AWS's messages: empty value ("Supplied AttributeValue is empty, must contain exactly one of the
 * supported datatypes"), more than one type, empty sets, duplicate set members ("Input collection
 * [a, a] contains duplicates."), bad or out-of-range numbers, nesting deeper than 32 levels.
 */
export function validateValue(_value: unknown): AttributeValue {
  return notYet();
}

/** validateValue over every attribute of an item (attribute names must be non-empty). */
export function validateItem(_item: unknown): Item {
  return notYet();
}

/** Canonical decimal text of a DynamoDB number (38 significant digits, magnitude 1e-130..1e126). */
export function normalizeNumber(_text: string): string {
  return notYet();
}

export function addNumbers(_a: string, _b: string): string {
  return notYet();
}

export function subtractNumbers(_a: string, _b: string): string {
  return notYet();
}

/** Orders two scalar values of the same type as DynamoDB does (N numeric, S and B by unsigned bytes). */
export function compareScalars(_a: AttributeValue, _b: AttributeValue): number {
  return notYet();
}

/** Deep equality (sets compare as sets, numbers numerically). */
export function valuesEqual(_a: AttributeValue, _b: AttributeValue): boolean {
  return notYet();
}

/** AWS's item size in bytes (names + values, per the developer guide's rules). */
export function itemSizeBytes(_item: Item): number {
  return notYet();
}

export function valueSizeBytes(_value: AttributeValue): number {
  return notYet();
}
