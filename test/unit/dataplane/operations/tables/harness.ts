/**
 * Test harness for the table operations: an OperationContext over a region store in a fresh
 * temp directory, a controllable clock, and helpers to call handlers and match AWS errors.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoError } from '../../../../../src/dataplane/model.js';
import { transitionsSettled } from '../../../../../src/dataplane/operations/tables/lifecycle.js';
import type {
  OperationContext,
  OperationHandler,
  OperationInput,
} from '../../../../../src/dataplane/operations/types.js';
import { openTestStore } from './test-store.js';

export interface Harness {
  ctx: OperationContext;
  /** Current fake time, epoch milliseconds. */
  clock: { nowMs: number };
  call(handler: OperationHandler, input: OperationInput): Promise<Record<string, unknown>>;
  /** Waits for every scheduled status transition (CREATING → ACTIVE and so on). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function openHarness(overrides: Partial<OperationContext> = {}): Promise<Harness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pangea-tables-'));
  const store = await openTestStore(dataDir);
  const clock = { nowMs: Date.UTC(2025, 0, 2, 3, 4, 5, 678) };
  const ctx: OperationContext = {
    region: 'eu-west-1',
    accountId: '123456789012',
    store,
    nowMs: () => clock.nowMs,
    ...overrides,
  };
  return {
    ctx,
    clock,
    call: (handler, input) => handler(ctx, input),
    settle: () => transitionsSettled(store),
    async close() {
      await transitionsSettled(store);
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Asserts the call fails with AWS's error code and exact message. */
export async function rejectsWith(
  promise: Promise<unknown>,
  code: string,
  message: string | RegExp,
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof DynamoError, `expected a DynamoError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  });
}

/** A valid on-demand table with a string hash key `pk`, to build variations on. */
export function simpleTable(tableName = 'Orders', extra: OperationInput = {}): OperationInput {
  return {
    TableName: tableName,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    ...extra,
  };
}
