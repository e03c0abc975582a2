/**
 * Query and scan ranges as half-open byte ranges [low, high) over logical keys, and their
 * translation into lmdb cursor options over stored keys (see storedKey in key-codec.ts).
 */
import type { AttributeValue } from '../model.js';
import { StorageError } from './errors.js';
import { encodeKeyValue, escapeBytes, isTruncated, prefixSuccessor, truncatedKeyBytes } from './key-codec.js';
import type { SortKeyCondition } from './types.js';

export interface KeyRange {
  /** Inclusive lower bound. */
  low: Buffer;
  /** Exclusive upper bound; undefined means to the end of the database. */
  high: Buffer | undefined;
}

export interface CursorOptions {
  start?: Buffer;
  end?: Buffer;
  reverse: boolean;
  exclusiveStart?: boolean;
  inclusiveEnd?: boolean;
}

export const prefixRange = (prefix: Buffer): KeyRange => ({ low: prefix, high: prefixSuccessor(prefix) });

const join = (...parts: Buffer[]): Buffer => Buffer.concat(parts);
const after = (key: Buffer): Buffer | undefined => prefixSuccessor(key);

function beginsWithBody(value: AttributeValue): Buffer {
  if ('S' in value) return escapeBytes(Buffer.from(value.S, 'utf8'));
  if ('B' in value) return escapeBytes(Buffer.from(value.B, 'base64'));
  throw new StorageError('INVALID_KEY_TYPE', 'BEGINS_WITH applies to S and B sort keys only');
}

/** The range of keys under `partition` (a prefix) whose sort component satisfies `condition`. */
export function sortKeyRange(partition: Buffer, condition: SortKeyCondition | undefined): KeyRange {
  if (!condition) return prefixRange(partition);
  const withSort = (value: AttributeValue): Buffer => join(partition, encodeKeyValue(value));
  switch (condition.op) {
    case 'EQ':
      return prefixRange(withSort(condition.value));
    case 'LT':
      return { low: partition, high: withSort(condition.value) };
    case 'LE':
      return { low: partition, high: after(withSort(condition.value)) };
    case 'GT':
      return { low: after(withSort(condition.value)) ?? partition, high: after(partition) };
    case 'GE':
      return { low: withSort(condition.value), high: after(partition) };
    case 'BETWEEN':
      return { low: withSort(condition.low), high: after(withSort(condition.high)) };
    case 'BEGINS_WITH':
      return prefixRange(join(partition, beginsWithBody(condition.value)));
  }
}

/** Whether a logical key lies in the range (used to re-check keys near cut-and-hashed bounds). */
export const inRange = (range: KeyRange, logicalKey: Buffer): boolean =>
  Buffer.compare(logicalKey, range.low) >= 0 && (!range.high || Buffer.compare(logicalKey, range.high) < 0);

export const isEmptyRange = (range: KeyRange): boolean =>
  range.high !== undefined && Buffer.compare(range.low, range.high) >= 0;

/** Whether stored keys in the range must be re-checked against it (a bound is longer than LMDB keys). */
export const needsRecheck = (range: KeyRange): boolean =>
  isTruncated(range.low) || (range.high !== undefined && isTruncated(range.high));

/** Stored-key bounds that contain every stored key of the range (a superset when bounds were cut). */
function storedBounds(range: KeyRange): { low: Buffer; high: Buffer | undefined } {
  const low = isTruncated(range.low) ? range.low.subarray(0, truncatedKeyBytes) : range.low;
  const high =
    range.high && isTruncated(range.high)
      ? prefixSuccessor(range.high.subarray(0, truncatedKeyBytes))
      : range.high;
  return { low, high };
}

/**
 * Cursor options for the range in the given direction, resuming strictly after the stored key
 * `startAfter` (the exclusive start key) if given.
 */
export function cursorOptions(range: KeyRange, forward: boolean, startAfter?: Buffer): CursorOptions {
  const { low, high } = storedBounds(range);
  if (forward) {
    const resume = startAfter && Buffer.compare(startAfter, low) >= 0;
    return {
      reverse: false,
      start: resume ? startAfter : low,
      exclusiveStart: Boolean(resume),
      ...(high ? { end: high } : {}),
    };
  }
  const resume = startAfter && (!high || Buffer.compare(startAfter, high) < 0);
  const start = resume ? startAfter : high;
  return { reverse: true, ...(start ? { start, exclusiveStart: true } : {}), end: low, inclusiveEnd: true };
}
