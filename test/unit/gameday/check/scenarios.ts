/** Whole hand-built runs shared by the verdict and findings tests. */
import type { Objectives, OpRecord, RunRecord } from '../../../../src/gameday/model.js';
import {
  ddbSet,
  failed,
  finalRead,
  increment,
  op,
  outage,
  put,
  runRecord,
  scenario,
  steady,
} from './builders.js';

export const allObjectives: Objectives = {
  rtoMs: 5000,
  rpoMs: 1000,
  errorRate: 0.1,
  lostWrites: 0,
  convergenceMs: 5000,
  countersInRange: true,
  latencyP99Ms: 500,
};

/**
 * eu-west-1 is out from 2000 to 5000. Europe's clients fail twice, fail over to us-east-1 at 3000
 * and go back home after the fault; one write made in eu-west-1 had not replicated at failover.
 */
export function regionOutageRun(objectives: Objectives = allObjectives): RunRecord {
  const servedByEast = (startMs: number): OpRecord =>
    op('europe', startMs, startMs + 10, { region: 'us-east-1' });
  return runRecord({
    scenario: scenario({ objectives }),
    ops: [
      ...steady('america', 0, 20, 500),
      ...steady('europe', 0, 4, 500),
      put('a', 'us-east-1', 400, 500),
      put('b', 'eu-west-1', 1700, 1800),
      failed('europe', 2000, 2400),
      failed('europe', 2500, 2900),
      op('europe', 3000, 3100, { region: 'us-east-1' }),
      ...[3500, 4000, 4500, 5000].map(servedByEast),
      ...steady('europe', 5500, 9, 500),
    ],
    faults: [outage('eu-west-1', 2000, 5000, { survivorSets: { tMs: 2000, sets: { [ddbSet]: ['a'] } } })],
    finalReads: [
      finalRead('us-east-1', { [ddbSet]: ['a', 'b'] }),
      finalRead('eu-west-1', { [ddbSet]: ['b', 'a'] }),
    ],
    convergedAtMs: 11_500,
    conflicts: { total: 42, byTable: { PangeaGameday: 2, Stock: 40 }, samples: [] },
  });
}

/** Each region has its own table: writes stay home, counters are overwritten, nothing converges. */
export function unreplicatedRun(): RunRecord {
  return runRecord({
    scenario: scenario({ objectives: allObjectives, data: { replicated: false } }),
    ops: [
      put('a', 'us-east-1', 0, 100),
      put('b', 'eu-west-1', 0, 100),
      ...Array.from({ length: 4 }, (_, index) => increment('y', index * 100, index * 100 + 10)),
    ],
    finalReads: [
      finalRead('us-east-1', { [ddbSet]: ['a'] }, { y: 2 }),
      finalRead('eu-west-1', { [ddbSet]: ['b'] }, { y: 2 }),
    ],
    convergedAtMs: null,
  });
}
