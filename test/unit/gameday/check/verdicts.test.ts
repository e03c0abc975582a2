import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyseRun } from '../../../../src/gameday/check/index.js';
import { ddbSet, failed, finalRead, outage, put, runRecord, scenario, steady } from './builders.js';
import { allObjectives, regionOutageRun, unreplicatedRun } from './scenarios.js';

describe('verdicts', () => {
  test('a region outage the app rode out passes every objective', () => {
    const report = analyseRun(regionOutageRun());
    assert.deepEqual(report.verdicts, [
      {
        objective: 'rtoMs',
        expected: 'rto <= 5 s',
        measured: '1.0 s (europe, after pangea:region-outage of eu-west-1)',
        passed: true,
      },
      {
        objective: 'rpoMs',
        expected: 'rpo <= 1 s',
        measured: '200 ms (1 acknowledged write missing, after pangea:region-outage of eu-west-1)',
        passed: true,
      },
      {
        objective: 'errorRate',
        expected: 'error rate <= 10%',
        measured: '4.8% (2 of 42 operations failed)',
        passed: true,
      },
      { objective: 'lostWrites', expected: 'lost writes <= 0', measured: 'none lost', passed: true },
      {
        objective: 'convergenceMs',
        expected: 'converged <= 5 s after the load and the last fault ended',
        measured: '1.5 s after the load and the last fault ended',
        passed: true,
      },
      {
        objective: 'countersInRange',
        expected: 'every counter in range',
        measured: 'no counters',
        passed: true,
      },
      {
        objective: 'latencyP99Ms',
        expected: 'p99 latency <= 500 ms',
        measured: '100 ms over 40 successful operations',
        passed: true,
      },
    ]);
    assert.equal(report.passed, true);
  });

  test('tighter objectives fail on the same run', () => {
    const report = analyseRun(
      regionOutageRun({ rtoMs: 999, rpoMs: 199, errorRate: 0.04, convergenceMs: 1499, latencyP99Ms: 99 }),
    );
    assert.deepEqual(
      report.verdicts.map((verdict) => [verdict.objective, verdict.passed]),
      [
        ['rtoMs', false],
        ['rpoMs', false],
        ['errorRate', false],
        ['convergenceMs', false],
        ['latencyP99Ms', false],
      ],
    );
    assert.equal(report.passed, false);
  });

  test('only objectives that are set get a verdict', () => {
    const report = analyseRun(regionOutageRun({ lostWrites: 0 }));
    assert.deepEqual(
      report.verdicts.map((verdict) => verdict.objective),
      ['lostWrites'],
    );
    assert.equal(analyseRun(regionOutageRun({})).verdicts.length, 0);
  });

  test('unreplicated setup: lost writes, no convergence, counters out of range', () => {
    const report = analyseRun(unreplicatedRun());
    const byObjective = Object.fromEntries(report.verdicts.map((verdict) => [verdict.objective, verdict]));
    assert.deepEqual(byObjective.lostWrites, {
      objective: 'lostWrites',
      expected: 'lost writes <= 0',
      measured: '2 acknowledged writes lost (missing from us-east-1 (1) and eu-west-1 (1))',
      passed: false,
    });
    assert.deepEqual(byObjective.convergenceMs?.measured, 'not converged (eu-west-1 differs)');
    assert.equal(byObjective.convergenceMs?.passed, false);
    assert.deepEqual(byObjective.countersInRange, {
      objective: 'countersInRange',
      expected: 'every counter in range',
      measured: 'y: 2 not in [4, 4]',
      passed: false,
    });
    assert.equal(byObjective.rtoMs?.measured, '0 ms (no faults)');
    assert.equal(byObjective.rtoMs?.passed, true);
    assert.equal(report.passed, false);
  });

  test('a location that never recovers fails the rto objective', () => {
    const record = runRecord({
      scenario: scenario({ objectives: { rtoMs: 60_000 } }),
      ops: [...steady('europe', 0, 4, 500), failed('europe', 2000, 4000), failed('europe', 4000, 6000)],
      faults: [outage('eu-west-1', 2000, 5000)],
    });
    assert.deepEqual(analyseRun(record).verdicts, [
      {
        objective: 'rtoMs',
        expected: 'rto <= 60 s',
        measured: 'never recovered (europe, after pangea:region-outage of eu-west-1)',
        passed: false,
      },
    ]);
  });

  test('faults that affected nobody: rto 0', () => {
    const record = runRecord({
      scenario: scenario({ objectives: { rtoMs: 0, rpoMs: 0 } }),
      ops: steady('europe', 0, 20, 500),
      faults: [outage('us-east-1', 2000, 5000)],
    });
    assert.deepEqual(
      analyseRun(record).verdicts.map((verdict) => [verdict.measured, verdict.passed]),
      [
        ['0 ms (no location affected)', true],
        ['0 ms (no fault isolated a region)', true],
      ],
    );
  });

  test('no operations and no final reads', () => {
    const report = analyseRun(runRecord({ scenario: scenario({ objectives: allObjectives }) }));
    assert.deepEqual(
      report.verdicts.map((verdict) => [verdict.objective, verdict.measured, verdict.passed]),
      [
        ['rtoMs', '0 ms (no faults)', true],
        ['rpoMs', '0 ms (no fault isolated a region)', true],
        ['errorRate', '0% (0 of 0 operations failed)', true],
        ['lostWrites', 'none lost', true],
        ['convergenceMs', 'not converged (us-east-1 and eu-west-1 differ)', false],
        ['countersInRange', 'no counters', true],
        ['latencyP99Ms', 'no successful operations', false],
      ],
    );
    assert.equal(report.passed, false);
  });

  test('stopping early fails the run even when every objective holds', () => {
    const record = regionOutageRun();
    record.stoppedEarly = 'error rate 62% over the last 5 s exceeded 50%';
    const report = analyseRun(record);
    assert.ok(report.verdicts.every((verdict) => verdict.passed));
    assert.equal(report.passed, false);
    assert.equal(report.stoppedEarly, record.stoppedEarly);
  });

  test('the report lists at most 1000 lost elements; the verdict counts all of them', () => {
    const puts = Array.from({ length: 1001 }, (_, index) =>
      put(`e${String(index).padStart(4, '0')}`, 'us-east-1', index, index + 1),
    );
    const record = runRecord({
      scenario: scenario({ objectives: { lostWrites: 1000 } }),
      ops: puts,
      finalReads: [
        finalRead('us-east-1', { [ddbSet]: puts.map((p) => p.write?.element ?? '') }),
        finalRead('eu-west-1', {}),
      ],
    });
    const report = analyseRun(record);
    assert.equal(report.sets.lost.length, 1000);
    assert.equal(report.sets.lost[0], `${ddbSet}/e0000`);
    assert.deepEqual(report.verdicts[0], {
      objective: 'lostWrites',
      expected: 'lost writes <= 1,000',
      measured: '1,001 acknowledged writes lost (missing from eu-west-1 (1,001))',
      passed: false,
    });
  });

  test('a counters objective of false is not judged', () => {
    const record = unreplicatedRun();
    record.scenario.objectives = { countersInRange: false };
    assert.deepEqual(analyseRun(record).verdicts, [
      {
        objective: 'countersInRange',
        expected: 'counters not judged',
        measured: 'y: 2 not in [4, 4]',
        passed: true,
      },
    ]);
  });
});
