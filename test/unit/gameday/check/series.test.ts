import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyseRun } from '../../../../src/gameday/check/index.js';
import type { WorldSample } from '../../../../src/gameday/model.js';
import { failed, op, runRecord } from './builders.js';

function sample(tMs: number, lags: Record<string, number | null>): WorldSample {
  return {
    tMs,
    regions: Object.fromEntries(
      Object.entries(lags).map(([region, lag]) => [
        region,
        { running: true, healthy: true, replicationLagMs: lag, pendingReplication: 0 },
      ]),
    ),
  };
}

describe('series', () => {
  const record = runRecord({
    loadEndMs: 3000,
    ops: [
      op('america', 0, 100),
      op('america', 200, 500),
      failed('america', 300, 900),
      op('europe', 900, 1100),
      op('europe', 2500, 3400),
    ],
    samples: [
      sample(100, { 'us-east-1': 50, 'eu-west-1': null }),
      sample(600, { 'us-east-1': 80, 'eu-west-1': null }),
      sample(1500, { 'us-east-1': null, 'eu-west-1': 300 }),
      sample(5000, { 'us-east-1': 999, 'eu-west-1': 999 }),
    ],
  });
  const { series } = analyseRun(record, { bucketMs: 1000 });

  test('buckets cover the load', () => {
    assert.equal(series.bucketMs, 1000);
    assert.deepEqual(
      series.buckets.map((bucket) => bucket.tMs),
      [0, 1000, 2000],
    );
  });

  test('operations count where they ended, with latency percentiles of successes', () => {
    assert.deepEqual(series.buckets[0]?.locations.america, { ok: 2, failed: 1, p50Ms: 100, p99Ms: 300 });
    assert.deepEqual(series.buckets[0]?.locations.europe, { ok: 0, failed: 0, p50Ms: null, p99Ms: null });
    assert.deepEqual(series.buckets[1]?.locations.europe, { ok: 1, failed: 0, p50Ms: 200, p99Ms: 200 });
  });

  test('operations ending after the load go into the last bucket', () => {
    assert.deepEqual(series.buckets[2]?.locations.europe, { ok: 1, failed: 0, p50Ms: 900, p99Ms: 900 });
  });

  test('region share counts successes per serving region', () => {
    assert.deepEqual(series.buckets[0]?.regionShare, { 'us-east-1': 2, 'eu-west-1': 0 });
    assert.deepEqual(series.buckets[1]?.regionShare, { 'us-east-1': 0, 'eu-west-1': 1 });
  });

  test('replication lag is the worst sample in the bucket; samples after the load are left out', () => {
    assert.deepEqual(series.buckets[0]?.replicationLagMs, { 'us-east-1': 80, 'eu-west-1': null });
    assert.deepEqual(series.buckets[1]?.replicationLagMs, { 'us-east-1': null, 'eu-west-1': 300 });
    assert.deepEqual(series.buckets[2]?.replicationLagMs, { 'us-east-1': null, 'eu-west-1': null });
  });

  test('a partial last bucket still exists and no load means no buckets', () => {
    assert.equal(analyseRun(runRecord({ loadEndMs: 2500 })).series.buckets.length, 3);
    assert.equal(analyseRun(runRecord({ loadEndMs: 0 })).series.buckets.length, 0);
  });

  test('bucket width must be positive', () => {
    assert.throws(() => analyseRun(runRecord(), { bucketMs: 0 }), RangeError);
  });
});
