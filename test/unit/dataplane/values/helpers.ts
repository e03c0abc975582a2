import assert from 'node:assert/strict';
import { DynamoError } from '../../../../src/dataplane/model.js';

/** Asserts that `action` throws a DynamoError with exactly this code and message. */
export function assertDynamoError(action: () => unknown, code: string, message: string): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof DynamoError, `expected a DynamoError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.equal(error.message, message);
    return true;
  });
}

export const assertValidation = (action: () => unknown, message: string): void =>
  assertDynamoError(action, 'ValidationException', message);

export const assertSerialization = (action: () => unknown, message: string): void =>
  assertDynamoError(action, 'SerializationException', message);
