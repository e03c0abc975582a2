import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ItemState } from '../../../src/replication/core/change.js';
import type { HlcTimestamp } from '../../../src/replication/core/hlc.js';
import { type BatchHeader, InboundTracker } from '../../../src/replication/core/inbound.js';
import {
  collectableTombstoneKeys,
  isTombstoneCollectable,
} from '../../../src/replication/core/tombstones.js';

const v = (wallMs: number, region: string): HlcTimestamp => ({ wallMs, logical: 0, region });
const tombstone = (version: HlcTimestamp): ItemState => ({ kind: 'tombstone', version, context: {} });

function header(origin: string, partial: Partial<BatchHeader>): BatchHeader {
  return {
    origin,
    destination: 'us-east-1',
    firstSequence: 1,
    originHighSequence: 0,
    originClock: v(0, origin),
    originAppliedFrontier: null,
    ...partial,
  };
}

test('a tombstone is kept while the stable frontier is unknown or below it', () => {
  const stone = tombstone(v(100, 'eu-west-1'));
  assert.equal(isTombstoneCollectable(stone, null), false);
  assert.equal(isTombstoneCollectable(stone, v(99, 'us-east-1')), false);
  assert.equal(isTombstoneCollectable(stone, v(100, 'eu-west-1')), true);
  assert.equal(isTombstoneCollectable(stone, v(101, 'ap-south-1')), true);
});

test('live items are never collected, only tombstones at or below the frontier', () => {
  const states: Array<[string, ItemState]> = [
    ['a', tombstone(v(10, 'eu-west-1'))],
    ['b', { kind: 'live', image: {}, version: v(5, 'eu-west-1'), context: {} }],
    ['c', tombstone(v(30, 'eu-west-1'))],
  ];
  assert.deepEqual(collectableTombstoneKeys(states, v(20, 'us-east-1')), ['a']);
  assert.deepEqual(collectableTombstoneKeys(states, null), []);
});

test('the stable frontier needs every peer: its writes applied here and its own applied claim', () => {
  const inbound = new InboundTracker('us-east-1', ['eu-west-1', 'ap-south-1']);
  assert.equal(inbound.stableFrontier(), null);
  inbound.completeBatch(
    header('eu-west-1', { originClock: v(100, 'eu-west-1'), originAppliedFrontier: v(90, 'eu-west-1') }),
  );
  assert.equal(inbound.appliedFrontier(), null, 'ap-south-1 has not vouched yet');
  inbound.completeBatch(
    header('ap-south-1', { originClock: v(120, 'ap-south-1'), originAppliedFrontier: v(80, 'ap-south-1') }),
  );
  assert.deepEqual(inbound.appliedFrontier(), v(100, 'eu-west-1'));
  assert.deepEqual(inbound.stableFrontier(), v(80, 'ap-south-1'));
});

test('a header is believed only once all sequences it covers have been applied', () => {
  const inbound = new InboundTracker('us-east-1', ['eu-west-1']);
  const claim = header('eu-west-1', {
    originHighSequence: 2,
    originClock: v(100, 'eu-west-1'),
    originAppliedFrontier: v(100, 'eu-west-1'),
  });
  inbound.markApplied('eu-west-1', 1);
  inbound.completeBatch(claim);
  assert.equal(inbound.stableFrontier(), null, 'sequence 2 may be a write made before the claim');
  inbound.markApplied('eu-west-1', 2);
  inbound.completeBatch(claim);
  assert.deepEqual(inbound.stableFrontier(), v(100, 'eu-west-1'));
  inbound.completeBatch({
    ...claim,
    originClock: v(50, 'eu-west-1'),
    originAppliedFrontier: v(50, 'eu-west-1'),
  });
  assert.deepEqual(inbound.stableFrontier(), v(100, 'eu-west-1'), 'a stale header never moves it back');
});

test('inbound admits batches without gaps and applies sequences in order only', () => {
  const inbound = new InboundTracker('us-east-1', ['eu-west-1']);
  assert.equal(inbound.admits(header('eu-west-1', { firstSequence: 2 })), false);
  assert.equal(inbound.admits(header('eu-west-1', { firstSequence: 1 })), true);
  inbound.markApplied('eu-west-1', 1);
  assert.equal(inbound.isNew('eu-west-1', 1), false);
  assert.equal(inbound.admits(header('eu-west-1', { firstSequence: 2 })), true);
  assert.throws(() => inbound.markApplied('eu-west-1', 3), RangeError);
  assert.throws(() => inbound.contiguousSequence('sa-east-1'), RangeError);
});
