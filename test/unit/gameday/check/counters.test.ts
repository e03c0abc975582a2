import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkCounters } from '../../../../src/gameday/check/counters.js';
import { finalRead, increment, runRecord, unreadable } from './builders.js';

const indeterminate = { ok: false, indeterminate: true, error: 'Timeout', region: null };

describe('counters', () => {
  const ops = [
    ...Array.from({ length: 5 }, (_, index) => increment('x', index * 100, index * 100 + 10)),
    increment('x', 600, 2600, indeterminate),
    increment('x', 700, 2700, { ...indeterminate, increment: { counter: 'x', amount: 2 } }),
    increment('x', 800, 810, { ok: false, error: 'HTTP500' }),
    ...Array.from({ length: 4 }, (_, index) => increment('y', index * 100, index * 100 + 10)),
  ];

  test('acknowledged and indeterminate amounts make the range; final values inside it pass', () => {
    const record = runRecord({
      ops,
      finalReads: [
        finalRead('us-east-1', {}, { x: 5, y: 2, z: null }),
        finalRead('eu-west-1', {}, { x: 8, y: 3 }),
      ],
    });
    const [x, y, z] = checkCounters(record);
    assert.deepEqual(x, {
      counter: 'x',
      acknowledged: 5,
      indeterminate: 3,
      range: [5, 8],
      finalValues: { 'us-east-1': 5, 'eu-west-1': 8 },
      inRange: true,
      lostIncrements: 0,
    });
    // Last-writer-wins: two regions each overwrote the other's increments.
    assert.deepEqual(y, {
      counter: 'y',
      acknowledged: 4,
      indeterminate: 0,
      range: [4, 4],
      finalValues: { 'us-east-1': 2, 'eu-west-1': 3 },
      inRange: false,
      lostIncrements: 2,
    });
    // Never incremented and missing: null counts as 0, which is in [0, 0].
    assert.deepEqual(z, {
      counter: 'z',
      acknowledged: 0,
      indeterminate: 0,
      range: [0, 0],
      finalValues: { 'us-east-1': null, 'eu-west-1': null },
      inRange: true,
      lostIncrements: 0,
    });
  });

  test('a value above the range is out of range without lost increments', () => {
    const record = runRecord({ ops, finalReads: [finalRead('us-east-1', {}, { x: 9, y: 4 })] });
    const [x, y] = checkCounters(record);
    assert.equal(x?.inRange, false);
    assert.equal(x?.lostIncrements, 0);
    assert.equal(y?.inRange, true);
  });

  test('a counter missing from a final read counts as 0: every acknowledged increment lost', () => {
    const record = runRecord({ ops, finalReads: [finalRead('us-east-1', {}, { x: 5 })] });
    assert.equal(checkCounters(record)[1]?.lostIncrements, 4);
  });

  test('without a working final read no counter is in range', () => {
    const record = runRecord({ ops, finalReads: [unreadable('us-east-1')] });
    assert.deepEqual(
      checkCounters(record).map((check) => [check.counter, check.inRange, check.finalValues]),
      [
        ['x', false, {}],
        ['y', false, {}],
      ],
    );
  });

  test('no increments, no counters', () => {
    assert.deepEqual(checkCounters(runRecord()), []);
  });
});
