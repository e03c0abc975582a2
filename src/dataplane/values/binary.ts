/**
 * Binary values travel as standard base64 (RFC 4648 section 4, padded). AWS's binder rejects text
 * whose length is not a multiple of 4, misplaced padding, and a last character carrying bits that
 * padding should have zeroed ("+/+=" is refused); all are SerializationExceptions.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html#HowItWorks.DataTypes.Binary
 */
import { base64LengthMessage, bindingMessages, serializationError } from './errors.js';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const base64Shape = /^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Bits of the last data character that padding leaves unused: 4 before "==", 2 before "=". */
function unusedBitsAreZero(text: string): boolean {
  const padding = paddingLength(text);
  if (padding === 0) return true;
  const lastDataCharacter = text.charAt(text.length - padding - 1);
  const unusedBitsMask = padding === 2 ? 0b1111 : 0b11;
  return (alphabet.indexOf(lastDataCharacter) & unusedBitsMask) === 0;
}

const paddingLength = (text: string): number => (text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0);

/** Throws AWS's SerializationException unless the text is canonical padded base64. */
export function checkBase64(text: string): void {
  if (text.length % 4 !== 0) throw serializationError(base64LengthMessage(text.length));
  // Foreign characters share the padding message here; AWS's text for them is unconfirmed.
  if (!base64Shape.test(text) || !unusedBitsAreZero(text))
    throw serializationError(bindingMessages.badBase64);
}

export const decodeBase64 = (text: string): Buffer => Buffer.from(text, 'base64');

/** Raw byte length of valid base64 text, without decoding it. */
export const decodedLengthBytes = (text: string): number => (text.length / 4) * 3 - paddingLength(text);

/** Unsigned byte order of two binary values (what DynamoDB sorts binary keys by). */
export function compareBinary(a: string, b: string): number {
  return Math.sign(Buffer.compare(decodeBase64(a), decodeBase64(b)));
}
