import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isValidIdempotencyKey } from '../../../../src/app/orders.js';
import { maxPlannedOperations, planLoad, sessionNameFor } from '../../../../src/gameday/load/index.js';
import { type LoadSpec, type OperationKind, operationKinds } from '../../../../src/gameday/model.js';
import { PangeaError } from '../../../../src/shared/errors.js';

const worldLocations = ['north-america', 'europe', 'south-asia'];

function spec(overrides: Partial<LoadSpec> = {}): LoadSpec {
  return {
    entry: 'dns',
    locations: ['north-america', 'europe'],
    clientsPerLocation: 3,
    ratePerClient: 5,
    mix: { browse: 1, cart: 1, checkout: 1, orders: 1, 'ddb-put': 1, 'ddb-read': 1, 'ddb-increment': 1 },
    requestTimeoutMs: 2000,
    counters: 'shared',
    ...overrides,
  };
}

const options = { locations: worldLocations, durationMs: 60_000, seed: 42, runId: 'run-1' };

describe('planLoad', () => {
  test('the same seed gives the same plan', () => {
    assert.deepEqual(planLoad(spec(), options), planLoad(spec(), options));
  });

  test('another seed gives another plan', () => {
    const first = planLoad(spec(), options);
    const second = planLoad(spec(), { ...options, seed: 43 });
    assert.notDeepEqual(
      first.map((plan) => plan.ops),
      second.map((plan) => plan.ops),
    );
  });

  test('clients are <location>-<i> in each chosen location, in order', () => {
    const plans = planLoad(spec(), options);
    assert.deepEqual(
      plans.map((plan) => [plan.client, plan.location, plan.index]),
      [
        ['north-america-0', 'north-america', 0],
        ['north-america-1', 'north-america', 1],
        ['north-america-2', 'north-america', 2],
        ['europe-0', 'europe', 0],
        ['europe-1', 'europe', 1],
        ['europe-2', 'europe', 2],
      ],
    );
    assert.deepEqual(
      planLoad(spec({ locations: 'all', clientsPerLocation: 1 }), options).map((plan) => plan.client),
      ['north-america-0', 'europe-0', 'south-asia-0'],
    );
  });

  test('adding a location or clients leaves the other clients plans unchanged', () => {
    const before = planLoad(spec(), options);
    const after = planLoad(
      spec({ locations: ['south-asia', 'north-america', 'europe'], clientsPerLocation: 4 }),
      options,
    );
    for (const plan of before) {
      assert.deepEqual(
        after.find((candidate) => candidate.client === plan.client),
        plan,
        plan.client,
      );
    }
  });

  test('changing the mix keeps the arrival times', () => {
    const before = planLoad(spec(), options);
    const after = planLoad(spec({ mix: { browse: 1 } }), options);
    assert.deepEqual(
      after.map((plan) => plan.ops.map((op) => op.atMs)),
      before.map((plan) => plan.ops.map((op) => op.atMs)),
    );
    assert.ok(after.every((plan) => plan.ops.every((op) => op.kind === 'browse')));
  });

  test('mix weights are respected (fixed seed, 1% tolerance of the total)', () => {
    const mix: LoadSpec['mix'] = { browse: 5, cart: 2, checkout: 1, orders: 2, 'ddb-put': 0 };
    const plans = planLoad(spec({ mix, clientsPerLocation: 20, ratePerClient: 10 }), {
      ...options,
      durationMs: 100_000,
    });
    const counts = new Map<OperationKind, number>();
    let total = 0;
    for (const op of plans.flatMap((plan) => plan.ops)) {
      counts.set(op.kind, (counts.get(op.kind) ?? 0) + 1);
      total += 1;
    }
    assert.ok(total > 30_000, `enough samples (${total})`);
    const weightSum = 10;
    for (const kind of operationKinds) {
      const expected = (mix[kind] ?? 0) / weightSum;
      const observed = (counts.get(kind) ?? 0) / total;
      assert.ok(Math.abs(observed - expected) < 0.01, `${kind}: ${observed.toFixed(4)} vs ${expected}`);
    }
    assert.equal(counts.get('ddb-put') ?? 0, 0, 'weight 0 never drawn');
  });

  test('arrivals: the planned rate, inside the duration, increasing, Poisson gaps', () => {
    const plans = planLoad(spec({ clientsPerLocation: 10, ratePerClient: 4 }), options);
    const ops = plans.flatMap((plan) => plan.ops);
    const expected = 20 * 4 * 60;
    assert.ok(Math.abs(ops.length - expected) / expected < 0.05, `${ops.length} ops vs ${expected}`);
    const gaps: number[] = [];
    for (const plan of plans) {
      let previous = 0;
      for (const [seq, op] of plan.ops.entries()) {
        assert.equal(op.seq, seq);
        assert.ok(op.atMs >= previous && op.atMs < options.durationMs);
        gaps.push(op.atMs - previous);
        previous = op.atMs;
      }
    }
    // Exponential gaps: mean 250 ms, and the standard deviation equals the mean.
    const mean = gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((sum, gap) => sum + (gap - mean) ** 2, 0) / gaps.length);
    assert.ok(Math.abs(mean - 250) < 10, `mean gap ${mean}`);
    assert.ok(Math.abs(sd - 250) < 15, `gap sd ${sd}`);
  });

  test('planned elements, keys and products', () => {
    const plans = planLoad(spec(), options);
    const elements = new Set<string>();
    const keys = new Set<string>();
    for (const plan of plans) {
      assert.equal(plan.runId, 'run-1');
      assert.equal(plan.sessionName, `gd-run-1-${plan.client}`);
      assert.equal(plan.entry, 'dns');
      assert.equal(plan.counters, 'shared');
      assert.equal(plan.requestTimeoutMs, 2000);
      for (const op of plan.ops) {
        if (op.kind === 'ddb-put') {
          assert.equal(op.element, `${plan.client}-${op.seq}`);
          elements.add(op.element);
        }
        if (op.kind === 'checkout') {
          assert.ok(isValidIdempotencyKey(op.idempotencyKey), op.idempotencyKey);
          keys.add(`${plan.client}/${op.idempotencyKey}`);
        }
        if (op.kind === 'cart' || op.kind === 'checkout') {
          assert.ok(Number.isInteger(op.productIndex) && op.productIndex >= 0);
        }
      }
    }
    const puts = plans.flatMap((plan) => plan.ops).filter((op) => op.kind === 'ddb-put').length;
    const checkouts = plans.flatMap((plan) => plan.ops).filter((op) => op.kind === 'checkout').length;
    assert.equal(elements.size, puts, 'ddb elements are unique');
    assert.equal(keys.size, checkouts, 'idempotency keys are unique per client');
  });

  test('more than the bound is refused with LoadTooLarge', () => {
    const big = spec({ locations: 'all', clientsPerLocation: 100, ratePerClient: 10 });
    assert.throws(
      () => planLoad(big, { ...options, durationMs: 60_000 }),
      (error: unknown) =>
        error instanceof PangeaError && error.code === 'LoadTooLarge' && /100000/.test(error.message),
    );
    // Just under the bound is fine.
    const atBound = spec({ locations: ['europe'], clientsPerLocation: 10, ratePerClient: 10 });
    const ops = planLoad(atBound, { ...options, durationMs: (maxPlannedOperations / 100) * 1000 }).flatMap(
      (plan) => plan.ops,
    );
    assert.ok(ops.length > maxPlannedOperations * 0.97);
  });

  test('bad specs are refused with clear codes', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return error instanceof PangeaError ? error.code : String(error);
      }
      return 'no error';
    };
    assert.equal(
      code(() => planLoad(spec({ locations: ['mars'] }), options)),
      'UnknownLocation',
    );
    assert.equal(
      code(() => planLoad(spec({ mix: {} }), options)),
      'InvalidLoadSpec',
    );
    assert.equal(
      code(() => planLoad(spec({ mix: { browse: -1 } }), options)),
      'InvalidLoadSpec',
    );
    assert.equal(
      code(() => planLoad(spec({ clientsPerLocation: 1.5 }), options)),
      'InvalidLoadSpec',
    );
    assert.equal(
      code(() => planLoad(spec({ ratePerClient: Number.NaN }), options)),
      'InvalidLoadSpec',
    );
    assert.equal(
      code(() => planLoad(spec({ locations: ['europe', 'europe'] }), options)),
      'InvalidLoadSpec',
    );
  });

  test('session names stay valid app names for long or unusual run ids', () => {
    const namePattern = /^[\p{L}\p{N}][\p{L}\p{N} ._'-]{0,39}$/u;
    const long = sessionNameFor('2024-05-01T10:00:00Z-region-outage-1234567890', 'north-america-west-12');
    assert.match(long, namePattern);
    assert.notEqual(
      long,
      sessionNameFor('2024-05-01T10:00:00Z-region-outage-1234567891', 'north-america-west-12'),
    );
    assert.notEqual(
      long,
      sessionNameFor('2024-05-01T10:00:00Z-region-outage-1234567890', 'north-america-west-13'),
    );
    assert.match(sessionNameFor('r'.repeat(90), 'l'.repeat(40) + '-1'), namePattern);
  });
});
