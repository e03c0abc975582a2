import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkSets } from '../../../../src/gameday/check/set-full.js';
import { ddbSet, finalRead, put, read, runRecord, unreadable } from './builders.js';

const id = (element: string): string => `${ddbSet}/${element}`;

describe('set-full', () => {
  test('a replicated run: every acknowledged element stable, latency from ack to last miss', () => {
    const record = runRecord({
      endMs: 20_000,
      ops: [
        put('a', 'us-east-1', 0, 100),
        put('b', 'us-east-1', 1000, 1100),
        read(['a'], 200, 250),
        read([], 300, 350, 'eu-west-1'),
        read(['a'], 1200, 1250),
        read(['a', 'b'], 1500, 1550),
        read(['a'], 1600, 1650, 'eu-west-1'),
        read(['a', 'b'], 2000, 2050, 'eu-west-1'),
      ],
      finalReads: [
        finalRead('us-east-1', { [ddbSet]: ['a', 'b'] }),
        finalRead('eu-west-1', { [ddbSet]: ['b', 'a'] }),
      ],
    });
    const { check, lostAcknowledged } = checkSets(record);
    assert.equal(check.attempted, 2);
    assert.equal(check.acknowledged, 2);
    assert.equal(check.stable, 2);
    assert.deepEqual(check.lost, []);
    assert.deepEqual(lostAcknowledged, []);
    // a: missed by the read at 300, next read starts 1200 -> 1100. b: missed at 1200 and 1600, next 2000 -> 900.
    assert.deepEqual(check.stableLatency, { count: 2, p50Ms: 900, p90Ms: 1100, p99Ms: 1100, maxMs: 1100 });
    // Stale: 300 (a), 1200 (b), 1600 (b): three reads.
    assert.equal(check.staleReads, 3);
    assert.equal(check.neverRead, 0);
    assert.equal(check.recovered, 0);
  });

  test('a read stale for several elements counts once; a read that starts at the ack is not after it', () => {
    const record = runRecord({
      ops: [
        put('a', 'us-east-1', 0, 100),
        put('b', 'us-east-1', 0, 100),
        read([], 100, 150),
        read([], 200, 250),
        read(['a', 'b'], 300, 350),
      ],
      finalReads: [finalRead('us-east-1', { [ddbSet]: ['a', 'b'] })],
    });
    const { check } = checkSets(record);
    assert.equal(check.staleReads, 1);
    assert.deepEqual(check.stableLatency.maxMs, 200);
  });

  test('unreplicated: elements only in their own region are lost, final reads are stale', () => {
    const record = runRecord({
      ops: [put('a', 'us-east-1', 0, 100), put('b', 'eu-west-1', 0, 100), put('c', 'eu-west-1', 0, 100)],
      finalReads: [
        finalRead('us-east-1', { [ddbSet]: ['a'] }),
        finalRead('eu-west-1', { [ddbSet]: ['b', 'c'] }),
      ],
    });
    const { check, lostAcknowledged, lostAcknowledgedByRegion } = checkSets(record);
    assert.deepEqual(check.lost, [id('a'), id('b'), id('c')]);
    assert.deepEqual(lostAcknowledged, [id('a'), id('b'), id('c')]);
    assert.deepEqual(lostAcknowledgedByRegion, { 'eu-west-1': 1, 'us-east-1': 2 });
    assert.equal(check.stable, 0);
    assert.equal(check.staleReads, 2);
    assert.equal(check.neverRead, 3);
  });

  test('a set a region does not list at all reads as empty there', () => {
    const record = runRecord({
      ops: [put('a', 'us-east-1', 0, 100)],
      finalReads: [finalRead('us-east-1', { [ddbSet]: ['a'] }), finalRead('eu-west-1', {})],
    });
    assert.deepEqual(checkSets(record).lostAcknowledgedByRegion, { 'eu-west-1': 1 });
  });

  test('indeterminate adds: recovered when they appear, unknown (neither stable nor lost) when not', () => {
    const indeterminate = { ok: false, indeterminate: true, error: 'Timeout', region: null };
    const record = runRecord({
      ops: [
        put('x', 'us-east-1', 0, 2000, indeterminate),
        put('y', 'us-east-1', 0, 2000, indeterminate),
        put('z', 'us-east-1', 0, 50, { ok: false, indeterminate: false, error: 'ValidationException' }),
        read(['x'], 2500, 2600),
      ],
      finalReads: [finalRead('us-east-1', { [ddbSet]: ['x'] }), finalRead('eu-west-1', { [ddbSet]: ['x'] })],
    });
    const { check } = checkSets(record);
    assert.equal(check.attempted, 3);
    assert.equal(check.acknowledged, 0);
    assert.equal(check.recovered, 1);
    assert.equal(check.stable, 1);
    assert.deepEqual(check.lost, []);
    // Stable latency is over acknowledged elements only.
    assert.equal(check.stableLatency.count, 0);
    assert.equal(check.neverRead, 0);
  });

  test('a recovered element that later disappears is lost but not an acknowledged loss', () => {
    const record = runRecord({
      ops: [
        put('x', 'us-east-1', 0, 2000, { ok: false, indeterminate: true, region: null }),
        read(['x'], 2500, 2600),
      ],
      finalReads: [finalRead('us-east-1', { [ddbSet]: [] })],
    });
    const result = checkSets(record);
    assert.deepEqual(result.check.lost, [id('x')]);
    assert.deepEqual(result.lostAcknowledged, []);
    assert.equal(result.check.recovered, 1);
  });

  test('never read: no client read began after the add completed (definite failures excluded)', () => {
    const record = runRecord({
      ops: [
        put('a', 'us-east-1', 0, 100),
        put('late', 'us-east-1', 900, 1000),
        put('unknown', 'us-east-1', 0, 3000, { ok: false, indeterminate: true, region: null }),
        put('refused', 'us-east-1', 1900, 2000, { ok: false, error: 'HTTP400' }),
        read(['a'], 500, 600),
        read(['a'], 1000, 1100),
      ],
      finalReads: [finalRead('us-east-1', { [ddbSet]: ['a', 'late'] })],
    });
    assert.equal(checkSets(record).check.neverRead, 2);
  });

  test('without a working final read nothing is stable or lost', () => {
    const record = runRecord({
      ops: [put('a', 'us-east-1', 0, 100), read(['a'], 200, 300)],
      finalReads: [unreadable('us-east-1')],
    });
    const { check } = checkSets(record);
    assert.equal(check.stable, 0);
    assert.deepEqual(check.lost, []);
  });

  test('elements are per set: the same element string in two sets is two elements', () => {
    const record = runRecord({
      ops: [
        put('o1', 'us-east-1', 0, 100, { write: { set: 'orders:u1', element: 'o1' } }),
        put('o1', 'us-east-1', 0, 100, { write: { set: 'orders:u2', element: 'o1' } }),
      ],
      finalReads: [finalRead('us-east-1', { 'orders:u1': ['o1'] })],
    });
    const { check } = checkSets(record);
    assert.equal(check.attempted, 2);
    assert.deepEqual(check.lost, ['orders:u2/o1']);
  });

  test('no operations: all zero', () => {
    const { check } = checkSets(runRecord());
    assert.deepEqual(check, {
      attempted: 0,
      acknowledged: 0,
      stable: 0,
      lost: [],
      neverRead: 0,
      staleReads: 0,
      recovered: 0,
      stableLatency: { count: 0, p50Ms: null, p90Ms: null, p99Ms: null, maxMs: null },
    });
  });
});
