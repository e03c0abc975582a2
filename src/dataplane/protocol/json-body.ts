/**
 * Request body parsing. Malformed JSON, and a top level that is not an object, are the
 * SerializationException AWS sends without a message
 * (`{"__type":"com.amazon.coral.service#SerializationException"}`).
 */
import type { OperationInput } from '../operations/types.js';
import { protocolErrors } from './errors.js';

/**
 * JSON nesting deeper than this is refused before any operation sees it, so that recursive
 * validation code cannot overflow the stack. DynamoDB documents nest at most 32 levels
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html), about
 * 70 JSON levels with the request's own wrappers; deeper requests are rejected by validation
 * anyway, this is only the backstop.
 */
export const maxJsonDepth = 1000;

/** The maximum bracket depth of a JSON text, ignoring brackets inside strings. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

export function parseJsonBody(text: string): OperationInput {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw protocolErrors.serialization();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw protocolErrors.serialization();
  // Two bytes per level at least: short bodies cannot be deep, so the common case skips the scan.
  if (text.length > maxJsonDepth * 2 && jsonDepth(text) > maxJsonDepth) throw protocolErrors.serialization();
  return value as OperationInput;
}
