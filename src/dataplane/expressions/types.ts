/** AttributeValue type helpers shared by the checks, the evaluator and the update applier. */
import type { AttributeType, AttributeValue } from '../model.js';

export const ATTRIBUTE_TYPES: readonly AttributeType[] = [
  'S',
  'N',
  'B',
  'SS',
  'NS',
  'BS',
  'M',
  'L',
  'BOOL',
  'NULL',
];

/** The type tag of a wire AttributeValue (its single key); undefined for malformed values. */
export function typeOf(value: AttributeValue): AttributeType | undefined {
  for (const key in value) {
    if ((ATTRIBUTE_TYPES as readonly string[]).includes(key)) return key as AttributeType;
  }
  return undefined;
}

export const isScalarKeyType = (type: AttributeType | undefined): type is 'S' | 'N' | 'B' =>
  type === 'S' || type === 'N' || type === 'B';

export const isSetType = (type: AttributeType | undefined): type is 'SS' | 'NS' | 'BS' =>
  type === 'SS' || type === 'NS' || type === 'BS';

/** The long type names AWS uses in update-expression operand messages (e.g. "operand type: STRING"). */
export const LONG_TYPE_NAMES: Record<AttributeType, string> = {
  S: 'STRING',
  N: 'NUMBER',
  B: 'BINARY',
  SS: 'STRING_SET',
  NS: 'NUMBER_SET',
  BS: 'BINARY_SET',
  M: 'MAP',
  L: 'LIST',
  BOOL: 'BOOLEAN',
  NULL: 'NULL',
};

/** Compact rendering used in BETWEEN bound messages, e.g. `AttributeValue: {N:5}`. */
export function describeValue(value: AttributeValue): string {
  const type = typeOf(value);
  if (type === undefined) return 'AttributeValue: {}';
  const inner = (value as Record<string, unknown>)[type];
  const shown = Array.isArray(inner) ? `[${inner.join(', ')}]` : String(inner);
  return `AttributeValue: {${type}:${shown}}`;
}
