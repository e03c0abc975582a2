import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyseRun } from '../../../../src/gameday/check/index.js';
import { ddbSet, finalRead, outage, put, runRecord, unreadable } from './builders.js';

describe('recovery point', () => {
  const writes = [
    put('a', 'us-east-1', 900, 1000),
    put('c', 'us-east-1', 4700, 4820),
    put('c', 'us-east-1', 4600, 4700),
    put('d', 'us-east-1', 4800, 4900),
    put('k', 'us-east-1', 4900, 5000),
    put('e', 'us-east-1', 4950, 5100),
    put('f', 'eu-west-1', 2900, 3000),
    put('g', 'us-east-1', 4000, 4100, { ok: false, error: 'HTTP500' }),
    put('h', 'us-east-1', 4000, 4100, { write: { set: 'orders:u1', element: 'h' } }),
  ];
  const isolating = outage('us-east-1', 5000, 8000, {
    survivorSets: { tMs: 5000, sets: { [ddbSet]: ['a', 'f'] } },
  });

  // c is written twice (counted once, from its earlier ack); k is acknowledged exactly at the fault's start.
  test('counts acknowledged writes of the failed region the survivors lacked, once each', () => {
    const record = runRecord({
      ops: writes,
      faults: [isolating],
      finalReads: [
        finalRead('us-east-1', { [ddbSet]: ['a', 'c', 'd', 'e', 'f', 'k'] }),
        finalRead('eu-west-1', { [ddbSet]: ['a', 'c', 'e', 'f', 'k'] }),
      ],
    });
    assert.deepEqual(analyseRun(record).recoveryPoints, [
      { fault: 'pangea:region-outage', missingAtFailover: 3, windowMs: 300, missingAfterHeal: 1 },
    ]);
  });

  test('all arrived after heal: nothing missing after heal; unreadable regions are not judged', () => {
    const record = runRecord({
      ops: writes,
      faults: [isolating],
      finalReads: [
        finalRead('us-east-1', { [ddbSet]: ['a', 'c', 'd', 'k'] }),
        finalRead('eu-west-1', { [ddbSet]: ['a', 'c', 'd', 'k'] }),
        unreadable('ap-south-1'),
      ],
    });
    assert.equal(analyseRun(record).recoveryPoints[0]?.missingAfterHeal, 0);
  });

  test('nothing missing at failover: window 0', () => {
    const fault = outage('us-east-1', 5000, 8000, {
      survivorSets: { tMs: 5000, sets: { [ddbSet]: ['a', 'c', 'd', 'f', 'k'] } },
    });
    assert.deepEqual(analyseRun(runRecord({ ops: writes, faults: [fault] })).recoveryPoints, [
      { fault: 'pangea:region-outage', missingAtFailover: 0, windowMs: 0, missingAfterHeal: 0 },
    ]);
  });

  test('faults that isolate no region have no recovery point', () => {
    assert.deepEqual(
      analyseRun(runRecord({ ops: writes, faults: [outage('us-east-1', 5000, 8000)] })).recoveryPoints,
      [],
    );
  });
});
