import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyseRun } from '../../../../src/gameday/check/index.js';
import { failed, op, runRecord, scenario } from './builders.js';

describe('totals and locations', () => {
  const record = runRecord({
    ops: [
      op('america', 0, 100),
      op('america', 100, 300, { region: 'eu-west-1' }),
      failed('america', 200, 2200),
      op('europe', 0, 50),
      failed('europe', 100, 150, 'HTTP503'),
      op('europe', 200, 1200, { ok: false, indeterminate: true, error: 'Timeout', region: null }),
    ],
  });
  const report = analyseRun(record);

  test('totals count outcomes and successful latency', () => {
    assert.deepEqual(report.totals, {
      ops: 6,
      ok: 3,
      failed: 3,
      indeterminate: 1,
      errorRate: 0.5,
      latency: { count: 3, p50Ms: 100, p90Ms: 200, p99Ms: 200, maxMs: 200 },
    });
  });

  test('per location: counts, success rate, region share and errors by code', () => {
    const [america, europe] = report.locations;
    assert.equal(america?.location, 'america');
    assert.equal(america?.ops, 3);
    assert.equal(america?.successRate, 2 / 3);
    assert.deepEqual(america?.regionShare, { 'us-east-1': 1, 'eu-west-1': 1 });
    assert.deepEqual(america?.errors, { Timeout: 1 });
    assert.deepEqual(america?.latency, { count: 2, p50Ms: 100, p90Ms: 200, p99Ms: 200, maxMs: 200 });
    assert.equal(europe?.indeterminate, 1);
    assert.deepEqual(europe?.errors, { HTTP503: 1, Timeout: 1 });
    assert.deepEqual(europe?.regionShare, { 'us-east-1': 0, 'eu-west-1': 1 });
  });

  test('a failure without an error code counts as unknown', () => {
    const report = analyseRun(runRecord({ ops: [op('america', 0, 10, { ok: false, error: null })] }));
    assert.deepEqual(report.locations[0]?.errors, { unknown: 1 });
  });

  test('no operations: zero counts, error rate 0, success rate 1, every location listed', () => {
    const empty = analyseRun(runRecord());
    assert.deepEqual(empty.totals, {
      ops: 0,
      ok: 0,
      failed: 0,
      indeterminate: 0,
      errorRate: 0,
      latency: { count: 0, p50Ms: null, p90Ms: null, p99Ms: null, maxMs: null },
    });
    assert.deepEqual(
      empty.locations.map((location) => [location.location, location.ops, location.successRate]),
      [
        ['america', 0, 1],
        ['europe', 0, 1],
      ],
    );
  });

  test('locations follow the load, plus any location operations came from', () => {
    const limited = scenario();
    limited.load.locations = ['europe'];
    const report = analyseRun(runRecord({ scenario: limited, ops: [op('asia', 0, 10)] }));
    assert.deepEqual(
      report.locations.map((location) => location.location),
      ['europe', 'asia'],
    );
  });
});
