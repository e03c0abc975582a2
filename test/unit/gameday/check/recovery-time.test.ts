import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyseRun } from '../../../../src/gameday/check/index.js';
import type { OpRecord } from '../../../../src/gameday/model.js';
import { failed, op, outage, runRecord, steady } from './builders.js';

/** europe: fine until 2000, failing 2000-5000, then fine again. */
function europeOps(): OpRecord[] {
  return [
    ...steady('europe', 0, 4, 500),
    failed('europe', 2000, 2400),
    failed('europe', 2500, 2900),
    failed('europe', 3000, 3400),
    op('europe', 3500, 3600),
    failed('europe', 4000, 4400),
    ...steady('europe', 5000, 10, 500),
  ];
}

describe('recovery time', () => {
  const fault = outage('eu-west-1', 2000, 4500);

  test('first success and sustained recovery are measured from the fault start', () => {
    const report = analyseRun(
      runRecord({ ops: [...europeOps(), ...steady('america', 0, 20, 500)], faults: [fault] }),
    );
    assert.deepEqual(report.recoveryTimes, [
      {
        fault: 'pangea:region-outage',
        location: 'america',
        affected: false,
        firstSuccessMs: null,
        sustainedMs: null,
      },
      // First success ends at 3600; 3500's window [3500, 6500) holds the 4000 failure, so 5000.
      {
        fault: 'pangea:region-outage',
        location: 'europe',
        affected: true,
        firstSuccessMs: 1600,
        sustainedMs: 3000,
      },
    ]);
  });

  test('the sustain window is configurable', () => {
    const report = analyseRun(runRecord({ ops: europeOps(), faults: [fault] }), { sustainMs: 400 });
    assert.equal(report.recoveryTimes.find((time) => time.location === 'europe')?.sustainedMs, 1500);
  });

  test('a location that never recovers has null times', () => {
    const ops = [...steady('europe', 0, 4, 500), failed('europe', 2000, 2400), failed('europe', 6000, 6400)];
    const report = analyseRun(runRecord({ ops, faults: [fault] }));
    assert.deepEqual(report.recoveryTimes[1], {
      fault: 'pangea:region-outage',
      location: 'europe',
      affected: true,
      firstSuccessMs: null,
      sustainedMs: null,
    });
  });

  test('recovery that the load ended too soon to confirm is not recovery', () => {
    const ops = [failed('europe', 2000, 2400), op('europe', 8000, 8100), op('europe', 9000, 9100)];
    const time = analyseRun(runRecord({ ops, faults: [fault] })).recoveryTimes[1];
    assert.equal(time?.firstSuccessMs, 6100);
    assert.equal(time?.sustainedMs, null);
  });

  test('a window ending exactly at the end of load counts', () => {
    const ops = [failed('europe', 2000, 2400), op('europe', 7000, 7100)];
    const time = analyseRun(runRecord({ ops, faults: [fault] })).recoveryTimes[1];
    assert.equal(time?.sustainedMs, 5000);
  });

  test('failures before the fault or after it ended do not make a location affected', () => {
    const ops = [
      failed('europe', 1000, 1500),
      ...steady('europe', 2000, 6, 500),
      failed('europe', 5000, 5100),
    ];
    const time = analyseRun(runRecord({ ops, faults: [fault] })).recoveryTimes[1];
    assert.equal(time?.affected, false);
  });

  test('a failure starting exactly when the fault ends still counts', () => {
    const ops = [...steady('europe', 2000, 5, 500), failed('europe', 4500, 4600)];
    assert.equal(analyseRun(runRecord({ ops, faults: [fault] })).recoveryTimes[1]?.affected, true);
  });

  test('a fault still active at the end of load lasts until then', () => {
    const ops = [...steady('europe', 2000, 12, 500), failed('europe', 9000, 9500)];
    const time = analyseRun(runRecord({ ops, faults: [outage('eu-west-1', 2000, null)] })).recoveryTimes[1];
    assert.equal(time?.affected, true);
  });

  test('windows open at a success: an op sharing the start of a failure does not open a clean window', () => {
    const ops = [failed('europe', 2000, 2100), op('europe', 2000, 2050), op('europe', 2500, 2550)];
    const time = analyseRun(runRecord({ ops, faults: [fault] }), { sustainMs: 1000 }).recoveryTimes[1];
    assert.equal(time?.firstSuccessMs, 50);
    assert.equal(time?.sustainedMs, 500);
  });

  test('faults that failed to inject are not judged; repeated steps get distinct labels', () => {
    const faults = [
      outage('eu-west-1', 1000, 1500),
      outage('eu-west-1', 2000, 4500),
      outage('us-east-1', 3000, 3500, { faultId: null, error: 'boom' }),
    ];
    const report = analyseRun(runRecord({ ops: europeOps(), faults }));
    assert.deepEqual(
      [...new Set(report.recoveryTimes.map((time) => time.fault))],
      ['pangea:region-outage', 'pangea:region-outage #2'],
    );
    assert.equal(report.faults.length, 3);
  });

  test('no faults, no recovery times', () => {
    assert.deepEqual(analyseRun(runRecord({ ops: europeOps() })).recoveryTimes, []);
  });
});
