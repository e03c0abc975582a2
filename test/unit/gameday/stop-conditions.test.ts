import assert from 'node:assert/strict';
import { test } from 'node:test';
import { minOpsToJudge, stopConditionHit } from '../../../src/gameday/engine/stop-conditions.js';
import type { OpRecord } from '../../../src/gameday/model.js';

function op(endMs: number, ok: boolean): OpRecord {
  return {
    client: 'europe-0',
    location: 'europe',
    entry: 'dns',
    kind: 'browse',
    plannedMs: endMs - 10,
    startMs: endMs - 10,
    endMs,
    ok,
    indeterminate: false,
    status: ok ? 200 : null,
    error: ok ? null : 'ECONNREFUSED',
    region: ok ? 'eu-west-1' : null,
  };
}

const condition = { errorRate: 0.5, windowMs: 1000 };

test('the error rate over the trailing window stops the run when above the limit', () => {
  const ops = [
    ...Array.from({ length: 30 }, (_, i) => op(100 + i, true)),
    ...Array.from({ length: 30 }, (_, i) => op(2000 + i * 10, i % 3 !== 0)),
  ];
  assert.equal(stopConditionHit([condition], ops, 2300), null, '1 in 3 failed: below 50%');
  const failing = [...ops, ...Array.from({ length: 40 }, (_, i) => op(2300 + i, false))];
  assert.match(
    stopConditionHit([condition], failing, 2340) ?? '',
    /error rate \d+\.\d% over the last 1 s exceeded 50\.0%/,
  );
});

test('old failures outside the window do not count', () => {
  const ops = [
    ...Array.from({ length: 50 }, (_, i) => op(i, false)),
    ...Array.from({ length: 30 }, (_, i) => op(5000 + i, true)),
  ];
  assert.equal(stopConditionHit([condition], ops, 5030), null);
});

test('too few operations in the window are not judged', () => {
  const ops = Array.from({ length: minOpsToJudge - 1 }, (_, i) => op(1000 + i, false));
  assert.equal(stopConditionHit([condition], ops, 1020), null);
  assert.notEqual(stopConditionHit([condition], [...ops, op(1019, false)], 1020), null);
});
