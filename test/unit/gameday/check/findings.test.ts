import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyseRun } from '../../../../src/gameday/check/index.js';
import {
  ddbSet,
  failed,
  finalRead,
  increment,
  op,
  outage,
  put,
  read,
  runRecord,
  steady,
  unreadable,
} from './builders.js';
import { regionOutageRun, unreplicatedRun } from './scenarios.js';

describe('findings', () => {
  test('a region outage reads as a review would tell it', () => {
    assert.deepEqual(analyseRun(regionOutageRun()).findings, [
      'Clients in europe could not use the app for 1.0 s after pangea:region-outage of eu-west-1 (first success after 1.1 s).',
      '1 acknowledged write made in eu-west-1 was not in any other region when pangea:region-outage of eu-west-1 began (recovery point 200 ms); it arrived after the fault ended.',
      '2 of 42 operations failed (4.8%): Timeout 2.',
      'Last-writer-wins discarded 42 writes (Stock: 40, PangeaGameday: 2).',
      'During pangea:region-outage of eu-west-1, clients in europe were served mostly by us-east-1 (100%) instead of eu-west-1; they went back to eu-west-1 after it ended.',
      'Replicas converged 1.5 s after the load and the last fault ended.',
      '2 writes were never read by a client after completing; only the final reads checked them.',
    ]);
  });

  test('an unreplicated setup leads with lost writes, divergence and lost increments', () => {
    assert.deepEqual(analyseRun(unreplicatedRun()).findings, [
      '2 acknowledged writes were lost, missing at the end from us-east-1 (1) and eu-west-1 (1): ddb:run-1/a, ddb:run-1/b.',
      'Replicas did not converge: eu-west-1 differs.',
      'Counter y: 4 increments acknowledged, final value 2: 2 lost to last-writer-wins.',
      '2 reads were stale: began after a write was acknowledged and did not return it.',
      '2 writes were never read by a client after completing; only the final reads checked them.',
    ]);
  });

  test('stopping early and faults that failed to inject come first', () => {
    const record = runRecord({
      ops: steady('america', 0, 4, 500),
      faults: [outage('us-east-1', 1000, 2000, { faultId: null, error: 'supervisor unavailable' })],
      finalReads: [finalRead('us-east-1', {}), finalRead('eu-west-1', {})],
      stoppedEarly: 'error rate above 50% for 5 s.',
    });
    assert.deepEqual(analyseRun(record).findings.slice(0, 2), [
      'The run stopped early: error rate above 50% for 5 s.',
      'pangea:region-outage of us-east-1 could not be injected (supervisor unavailable), so recovery from it was not measured.',
    ]);
  });

  test('no operations, unreadable regions', () => {
    const record = runRecord({ finalReads: [unreadable('eu-west-1', 'ECONNREFUSED')] });
    assert.deepEqual(analyseRun(record).findings, [
      'The load made no operations, so availability and data were not exercised.',
      'Replicas did not converge: us-east-1 was not read; eu-west-1 could not be read (ECONNREFUSED).',
    ]);
  });

  test('never recovering, in both shapes', () => {
    const record = runRecord({
      ops: [
        failed('europe', 2000, 2500),
        failed('america', 2000, 2500),
        op('america', 3000, 3200),
        failed('america', 4000, 4500),
      ],
      faults: [outage('us-east-1', 2000, 5000)],
    });
    const availability = analyseRun(record).findings.filter((finding) => finding.startsWith('Clients'));
    assert.deepEqual(availability, [
      'Clients in america did not recover after pangea:region-outage of us-east-1: the first success came after 1.2 s, but no 3.0 s without failures followed before the load ended.',
      'Clients in europe did not recover after pangea:region-outage of us-east-1: no operation succeeded after the first failure.',
    ]);
  });

  test('unaffected locations, DynamoDB-only load and recovered, stale and slow-to-show writes', () => {
    const record = runRecord({
      ops: [
        put('a', 'us-east-1', 0, 100),
        put('x', 'us-east-1', 0, 3000, { ok: false, indeterminate: true, error: 'Timeout', region: null }),
        read([], 200, 300),
        read(['a', 'x'], 3500, 3600),
      ],
      faults: [outage('eu-west-1', 1000, 2000)],
      finalReads: [
        finalRead('us-east-1', { [ddbSet]: ['a', 'x'] }),
        finalRead('eu-west-1', { [ddbSet]: ['a', 'x'] }),
      ],
      convergedAtMs: 10_300,
    });
    assert.deepEqual(analyseRun(record).findings, [
      'No client location saw failures during the faults.',
      '1 of 4 operations failed (25%, 1 with unknown outcome): Timeout 1.',
      '1 write that was not acknowledged showed up in reads: it took effect anyway.',
      '1 read was stale: began after a write was acknowledged and did not return it; acknowledged writes took up to 3.4 s to show in every later read.',
      'Replicas converged 300 ms after the load and the last fault ended.',
    ]);
  });

  test('counters above their range, and a DynamoDB-only outage', () => {
    const record = runRecord({
      ops: [
        increment('n', 0, 10),
        increment('n', 20, 30, { ok: false, indeterminate: true, region: null }),
        failed('america', 1000, 1100),
        increment('n', 2000, 2010),
        ...steady('america', 2100, 10, 500),
      ].map((operation) => ({ ...operation, entry: 'dynamodb' as const })),
      faults: [outage('us-east-1', 1000, 1500)],
      finalReads: [finalRead('us-east-1', {}, { n: 4 }), finalRead('eu-west-1', {}, { n: 4 })],
    });
    const texts = analyseRun(record).findings;
    assert.equal(
      texts[0],
      'Counter n: 2 increments acknowledged (1 more unknown), final value 4: more than the increments made.',
    );
    assert.equal(
      texts[1],
      'Clients in america could not use DynamoDB for 1.0 s after pangea:region-outage of us-east-1 (first success after 1.0 s).',
    );
  });

  test('the same record always gives the same findings', () => {
    assert.deepEqual(analyseRun(regionOutageRun()), analyseRun(regionOutageRun()));
  });
});
