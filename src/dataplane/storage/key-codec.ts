/**
 * Order-preserving binary encoding of DynamoDB key values, so LMDB's byte-wise key order is
 * DynamoDB's key order and a Query is a single cursor range.
 *
 * Why hand-written: lmdb's own `ordered-binary` encodes JS numbers as doubles, which cannot hold
 * DynamoDB's 38-digit decimals, and its string encoding is not DynamoDB's UTF-8 byte order for
 * every input; DynamoDB binary values must also compare as unsigned bytes after base64 decoding.
 * Each component is self-delimiting (no encoding is a proper prefix of another), so a partition
 * key followed by a sort key still orders by partition first, and one partition is a prefix range.
 *
 * - S: UTF-8 bytes, B: decoded bytes; 0x00 is escaped as 0x00 0xFF and the value ends with 0x00 0x00.
 * - N: a sign byte (0x01 negative, 0x02 zero, 0x03 positive); for non-zero numbers the value is
 *   0.d1d2d3… × 10^E with d1 ≠ 0 and no trailing zeros, written as a 2-byte biased exponent and one
 *   byte per digit, ended by a terminator. Negatives invert exponent, digits and terminator so a
 *   larger magnitude sorts first. Non-canonical text ("01.50", "-0", "1e3") encodes by value.
 */
import { createHash } from 'node:crypto';
import type { AttributeValue, ScalarKeyType } from '../model.js';
import { StorageError } from './errors.js';

/** LMDB's largest key with the default 4 KiB page. */
export const maxStoredKeyBytes = 1978;
const keyHashBytes = 32;
/** Longer keys keep this many leading bytes followed by a hash of the whole key. */
export const truncatedKeyBytes = maxStoredKeyBytes - keyHashBytes;

const escapeByte = 0xff;
const signNegative = 0x01;
const signZero = 0x02;
const signPositive = 0x03;
const exponentBias = 0x4000;
const maxAbsExponent = 0x3fff;
const positiveTerminator = 0x00;
const negativeTerminator = 0xff;

/** Escaped body of a byte string, without its terminator (what BEGINS_WITH ranges over). */
export function escapeBytes(bytes: Uint8Array): Buffer {
  let zeros = 0;
  for (const byte of bytes) if (byte === 0) zeros++;
  const out = Buffer.allocUnsafe(bytes.length + zeros);
  let position = 0;
  for (const byte of bytes) {
    out[position++] = byte;
    if (byte === 0) out[position++] = escapeByte;
  }
  return out;
}

const terminatedBytes = (bytes: Uint8Array): Buffer =>
  Buffer.concat([escapeBytes(bytes), Buffer.from([0, 0])]);

export const encodeString = (text: string): Buffer => {
  // A string without U+0000 has no zero byte in its UTF-8 form, so nothing to escape: its bytes
  // go straight into the result (the common case, one allocation instead of four).
  if (text.indexOf('\0') >= 0) return terminatedBytes(Buffer.from(text, 'utf8'));
  const sizeBytes = Buffer.byteLength(text, 'utf8');
  const out = Buffer.allocUnsafe(sizeBytes + 2);
  out.write(text, 0, sizeBytes, 'utf8');
  out[sizeBytes] = 0;
  out[sizeBytes + 1] = 0;
  return out;
};
export const encodeBinary = (base64: string): Buffer => terminatedBytes(Buffer.from(base64, 'base64'));

interface DecimalParts {
  negative: boolean;
  /** Significant digits, first non-zero, no trailing zeros; empty for zero. */
  digits: string;
  /** E in 0.digits × 10^E. */
  exponent: number;
}

const numberPattern = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

export function parseDecimal(text: string): DecimalParts {
  const match = numberPattern.exec(text.trim());
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) {
    throw new StorageError('INVALID_NUMBER', `not a decimal number: ${JSON.stringify(text)}`);
  }
  const integerDigits = match[2] ?? '';
  const fractionDigits = match[3] ?? '';
  const all = integerDigits + fractionDigits;
  const leadingZeros = all.length - all.replace(/^0+/, '').length;
  const digits = all.slice(leadingZeros).replace(/0+$/, '');
  if (digits === '') return { negative: false, digits: '', exponent: 0 };
  const exponent = integerDigits.length - leadingZeros + Number(match[4] ?? '0');
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > maxAbsExponent) {
    throw new StorageError('INVALID_NUMBER', `number out of range: ${JSON.stringify(text)}`);
  }
  return { negative: match[1] === '-', digits, exponent };
}

export function encodeNumber(text: string): Buffer {
  const { negative, digits, exponent } = parseDecimal(text);
  if (digits === '') return Buffer.from([signZero]);
  const out = Buffer.allocUnsafe(3 + digits.length + 1);
  const biased = exponent + exponentBias;
  out[0] = negative ? signNegative : signPositive;
  out.writeUInt16BE(negative ? 0xffff - biased : biased, 1);
  for (let index = 0; index < digits.length; index++) {
    const digit = digits.charCodeAt(index) - 48;
    // Digits map to 1..10 (positive) or 0xFE..0xF5 (negative), never the terminator.
    out[3 + index] = negative ? 0xfe - digit : digit + 1;
  }
  out[out.length - 1] = negative ? negativeTerminator : positiveTerminator;
  return out;
}

export function scalarType(value: AttributeValue): ScalarKeyType | undefined {
  if ('S' in value) return 'S';
  if ('N' in value) return 'N';
  if ('B' in value) return 'B';
  return undefined;
}

export function encodeKeyValue(value: AttributeValue): Buffer {
  if ('S' in value) return encodeString(value.S);
  if ('N' in value) return encodeNumber(value.N);
  if ('B' in value) return encodeBinary(value.B);
  throw new StorageError(
    'INVALID_KEY_TYPE',
    `key values must be S, N or B, got ${Object.keys(value).join()}`,
  );
}

/** Offset just past the component of `type` that starts at `offset` (or the key's end if cut). */
export function componentEnd(key: Uint8Array, offset: number, type: ScalarKeyType): number {
  if (type === 'N') {
    const sign = key[offset];
    if (sign === signZero) return offset + 1;
    const terminator = sign === signNegative ? negativeTerminator : positiveTerminator;
    const end = key.indexOf(terminator, offset + 3);
    return end < 0 ? key.length : end + 1;
  }
  for (let position = offset; position < key.length - 1; position++) {
    if (key[position] !== 0) continue;
    if (key[position + 1] === 0) return position + 2;
    position++; // skip the escaped zero's 0xFF
  }
  return key.length;
}

/** 4-byte big-endian storage prefix of a table, index or TTL index. */
export function storagePrefix(storageNumber: number): Buffer {
  const prefix = Buffer.allocUnsafe(4);
  prefix.writeUInt32BE(storageNumber, 0);
  return prefix;
}

/** The smallest byte string greater than every string starting with `prefix`; undefined if none. */
export function prefixSuccessor(prefix: Uint8Array): Buffer | undefined {
  for (let index = prefix.length - 1; index >= 0; index--) {
    if (prefix[index] !== 0xff) {
      const next = Buffer.from(prefix.subarray(0, index + 1));
      next[index] = (next[index] ?? 0) + 1;
      return next;
    }
  }
  return undefined;
}

/**
 * The key LMDB stores for a logical key. Keys longer than LMDB allows keep their leading bytes
 * and end with a hash of the whole key: still unique and still in order against every key that
 * differs within the leading bytes; keys sharing all leading bytes order by hash.
 */
export function storedKey(logicalKey: Buffer): Buffer {
  if (logicalKey.length <= maxStoredKeyBytes) return logicalKey;
  const hash = createHash('sha256').update(logicalKey).digest();
  return Buffer.concat([logicalKey.subarray(0, truncatedKeyBytes), hash]);
}

/** Whether LMDB stores this logical key cut and hashed (so ranges over it need re-checking). */
export const isTruncated = (logicalKey: Uint8Array): boolean => logicalKey.length > maxStoredKeyBytes;

/** FNV-1a, to spread partitions over parallel-scan segments. */
export function hashBytes(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
