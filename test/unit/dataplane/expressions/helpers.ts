import assert from 'node:assert/strict';
import { DynamoError } from '../../../../src/dataplane/model.js';

/** Asserts that `run` throws a ValidationException whose message is exactly `message`. */
export function assertValidation(run: () => unknown, message: string | RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof DynamoError, `expected DynamoError, got ${String(error)}`);
    assert.equal(error.code, 'ValidationException');
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  });
}
