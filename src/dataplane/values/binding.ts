/**
 * Stage 1 of reading an AttributeValue: AWS's JSON binder checks every member's JSON type before any
 * validation runs, so a SerializationException anywhere in a value wins over a ValidationException
 * anywhere else. JSON null means absent, as everywhere in the AWS JSON protocol.
 * Messages: ./errors.ts (bindingMessages).
 */
import { checkBase64 } from './binary.js';
import { bindingMessages, serializationError } from './errors.js';

/** DynamoDB's documents may nest 32 levels; the top-level value is level 1. */
export const maxNestingDepth = 32;

type JsonRecord = Record<string, unknown>;

export const isJsonRecord = (value: unknown): value is JsonRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The binder's name for a JSON scalar token: 12 → NUMBER_VALUE, 1.5 → DECIMAL_VALUE. */
function scalarTokenName(value: unknown): string {
  if (value === true) return 'TRUE_VALUE';
  if (value === false) return 'FALSE_VALUE';
  if (typeof value === 'number') return Number.isInteger(value) ? 'NUMBER_VALUE' : 'DECIMAL_VALUE';
  return 'STRING_VALUE';
}

function bindString(value: unknown): void {
  if (typeof value === 'string') return;
  if (Array.isArray(value)) throw serializationError(bindingMessages.listWhereStringExpected);
  if (isJsonRecord(value)) throw serializationError(bindingMessages.structureNotExpected);
  throw serializationError(`${scalarTokenName(value)} cannot be converted to String`);
}

function bindBlob(value: unknown): void {
  if (typeof value === 'string') {
    checkBase64(value);
    return;
  }
  if (Array.isArray(value)) throw serializationError(bindingMessages.listWhereBlobExpected);
  if (isJsonRecord(value)) throw serializationError(bindingMessages.structureNotExpected);
  throw serializationError(bindingMessages.nonStringWhereBlobExpected);
}

function bindBoolean(value: unknown): void {
  if (typeof value === 'boolean') return;
  if (typeof value === 'string') throw serializationError(bindingMessages.stringWhereBooleanExpected);
  if (Array.isArray(value)) throw serializationError(bindingMessages.listWhereBooleanExpected);
  if (isJsonRecord(value)) throw serializationError(bindingMessages.structureNotExpected);
  throw serializationError(`${scalarTokenName(value)} cannot be converted to Boolean`);
}

/** A list member (SS, NS, BS, L) whose elements are checked by `bindElement`. */
function bindList(value: unknown, bindElement: (element: unknown) => void): void {
  if (isJsonRecord(value)) throw serializationError(bindingMessages.structureNotExpected);
  if (!Array.isArray(value)) throw serializationError(bindingMessages.scalarWhereCollectionExpected);
  for (const element of value) {
    // AWS's handling of a null inside a list is unconfirmed; the binder cannot build a member from it.
    if (element === null) throw serializationError(bindingMessages.scalarWhereValueExpected);
    bindElement(element);
  }
}

/** A map of attribute values: M, or an item. */
export function bindValueMap(value: unknown, depth: number): void {
  if (Array.isArray(value)) throw serializationError(bindingMessages.listWhereMapExpected);
  if (!isJsonRecord(value)) throw serializationError(bindingMessages.scalarWhereCollectionExpected);
  for (const name in value) if (Object.hasOwn(value, name)) bindValue(value[name], depth);
}

/** Checkers for each AttributeValue member, by type key; members AWS does not know are ignored. */
const memberBinders: Record<string, (member: unknown, depth: number) => void> = {
  S: bindString,
  N: bindString,
  B: bindBlob,
  BOOL: bindBoolean,
  NULL: bindBoolean,
  SS: (member) => bindList(member, bindString),
  NS: (member) => bindList(member, bindString),
  BS: (member) => bindList(member, bindBlob),
  L: (member, depth) => bindList(member, (element) => bindValue(element, depth + 1)),
  M: (member, depth) => bindValueMap(member, depth + 1),
};

/**
 * Checks the JSON types inside one AttributeValue. Below the nesting limit it stops looking: stage 2
 * rejects such a value anyway, and walking a hostile depth would exhaust the stack.
 */
export function bindValue(value: unknown, depth = 1): void {
  if (value === null || value === undefined || depth > maxNestingDepth + 1) return;
  if (Array.isArray(value)) throw serializationError(bindingMessages.listWhereValueExpected);
  if (!isJsonRecord(value)) throw serializationError(bindingMessages.scalarWhereValueExpected);
  for (const type in value) {
    if (!Object.hasOwn(value, type)) continue;
    const member = value[type];
    if (member !== null && Object.hasOwn(memberBinders, type)) memberBinders[type]!(member, depth);
  }
}
