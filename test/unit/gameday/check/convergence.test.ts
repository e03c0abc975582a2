import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyseRun } from '../../../../src/gameday/check/index.js';
import { ddbSet, finalRead, outage, runRecord, unreadable } from './builders.js';

const threeRegions = { name: 'test', profile: 'fast', regions: ['a-1', 'b-1', 'c-1'], locations: ['here'] };

describe('convergence', () => {
  test('equal final reads converge; sets compare as sets; time from the end of load and faults', () => {
    const record = runRecord({
      faults: [outage('us-east-1', 1000, 4000), outage('eu-west-1', 2000, 6000)],
      finalReads: [
        finalRead('us-east-1', { [ddbSet]: ['a', 'b'] }, { n: 3 }),
        finalRead('eu-west-1', { [ddbSet]: ['b', 'a', 'a'] }, { n: 3 }),
      ],
      convergedAtMs: 11_250,
    });
    assert.deepEqual(analyseRun(record).convergence, {
      converged: true,
      afterLastFaultMs: 1250,
      regionsDiffering: [],
    });
  });

  test('a fault never undone counts to the end of load; no faults measure from the end of load', () => {
    const reads = [finalRead('us-east-1', {}), finalRead('eu-west-1', {})];
    const active = runRecord({
      faults: [outage('us-east-1', 1000, null)],
      finalReads: reads,
      convergedAtMs: 10_400,
    });
    assert.equal(analyseRun(active).convergence.afterLastFaultMs, 400);
    const none = runRecord({ finalReads: reads, convergedAtMs: 11_000 });
    assert.equal(analyseRun(none).convergence.afterLastFaultMs, 1000);
  });

  test('a missing set equals an empty one; counters compare by value', () => {
    const record = runRecord({
      finalReads: [finalRead('us-east-1', { [ddbSet]: [] }, { n: 1 }), finalRead('eu-west-1', {}, { n: 2 })],
      convergedAtMs: 11_000,
    });
    assert.deepEqual(analyseRun(record).convergence, {
      converged: false,
      afterLastFaultMs: null,
      regionsDiffering: ['eu-west-1'],
    });
  });

  test('the most common state is the reference; unreadable and missing regions differ', () => {
    const record = runRecord({
      world: threeRegions,
      finalReads: [
        finalRead('a-1', { s: ['x'] }),
        finalRead('b-1', { s: ['x', 'y'] }),
        finalRead('c-1', { s: ['y', 'x'] }),
        unreadable('d-1'),
      ],
      convergedAtMs: null,
    });
    assert.deepEqual(analyseRun(record).convergence.regionsDiffering, ['a-1', 'd-1']);
    const missing = runRecord({
      world: threeRegions,
      finalReads: [finalRead('a-1', {}), finalRead('b-1', {})],
    });
    assert.deepEqual(analyseRun(missing).convergence.regionsDiffering, ['c-1']);
  });

  test('equal reads but no recorded convergence time: converged, time unknown', () => {
    const record = runRecord({ finalReads: [finalRead('us-east-1', {}), finalRead('eu-west-1', {})] });
    assert.deepEqual(analyseRun(record).convergence, {
      converged: true,
      afterLastFaultMs: null,
      regionsDiffering: [],
    });
  });
});
