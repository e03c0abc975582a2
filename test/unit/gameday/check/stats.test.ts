import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  describeFault,
  formatCount,
  formatDuration,
  formatLimit,
  formatPercent,
  listWords,
} from '../../../../src/gameday/check/format.js';
import { latencySummary, lowerBound, percentile, upperBound } from '../../../../src/gameday/check/stats.js';
import { outage } from './builders.js';

describe('percentile (nearest rank)', () => {
  test('is null without values', () => {
    assert.equal(percentile([], 50), null);
  });

  test('returns measured values at the nearest rank', () => {
    const hundred = Array.from({ length: 100 }, (_, index) => index + 1);
    assert.equal(percentile(hundred, 50), 50);
    assert.equal(percentile(hundred, 99), 99);
    assert.equal(percentile(hundred, 100), 100);
    assert.equal(percentile(hundred, 0), 1);
    assert.equal(percentile([10, 20, 30, 40], 50), 20);
    assert.equal(percentile([10, 20, 30, 40], 51), 30);
    assert.equal(percentile([7], 99), 7);
  });

  test('latencySummary sorts and summarises', () => {
    assert.deepEqual(latencySummary([30, 10, 20]), { count: 3, p50Ms: 20, p90Ms: 30, p99Ms: 30, maxMs: 30 });
    assert.deepEqual(latencySummary([]), { count: 0, p50Ms: null, p90Ms: null, p99Ms: null, maxMs: null });
  });

  test('bounds find strict and non-strict positions', () => {
    const values = [1, 2, 2, 3];
    assert.equal(
      lowerBound(values, 2, (v) => v),
      1,
    );
    assert.equal(
      upperBound(values, 2, (v) => v),
      3,
    );
    assert.equal(
      lowerBound(values, 9, (v) => v),
      4,
    );
  });
});

describe('formatting', () => {
  test('durations: ms under a second, one decimal second above', () => {
    assert.equal(formatDuration(180), '180 ms');
    assert.equal(formatDuration(999.4), '999 ms');
    assert.equal(formatDuration(999.6), '1.0 s');
    assert.equal(formatDuration(4_200), '4.2 s');
    assert.equal(formatDuration(61_250), '61.3 s');
    assert.equal(formatLimit(10_000), '10 s');
    assert.equal(formatLimit(2_500), '2.5 s');
  });

  test('counts, percentages and lists', () => {
    assert.equal(formatCount(1_234_567), '1,234,567');
    assert.equal(formatCount(999), '999');
    assert.equal(formatPercent(0.0012), '0.12%');
    assert.equal(formatPercent(0.001), '0.1%');
    assert.equal(formatPercent(0.25), '25%');
    assert.equal(formatPercent(0.123), '12.3%');
    assert.equal(formatPercent(0), '0%');
    assert.equal(listWords(['a', 'b', 'c']), 'a, b and c');
    assert.equal(listWords(['a']), 'a');
  });

  test('faults are described by action and regions, with their own step name', () => {
    assert.equal(describeFault(outage('us-east-1', 0, 1)), 'pangea:region-outage of us-east-1');
    assert.equal(
      describeFault(outage('us-east-1', 0, 1, { step: 'kill east' })),
      'kill east (pangea:region-outage of us-east-1)',
    );
  });
});
