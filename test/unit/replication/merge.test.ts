import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Item } from '../../../src/dataplane/model.js';
import {
  type CausalContext,
  type ChangeRecord,
  commitLocalWrite,
  type ItemState,
  itemKeyId,
} from '../../../src/replication/core/change.js';
import { type HlcTimestamp, HybridLogicalClock } from '../../../src/replication/core/hlc.js';
import { decideMerge } from '../../../src/replication/core/merge.js';
import { ManualClock } from '../../../src/shared/clock.js';

const key: Item = { pk: { S: 'order-1' } };
const at = { region: 'us-east-1', nowMs: 123 };
const v = (wallMs: number, region: string, logical = 0): HlcTimestamp => ({ wallMs, logical, region });

function put(
  version: HlcTimestamp,
  context: CausalContext = {},
  value = `${version.region}@${version.wallMs}`,
): ChangeRecord {
  return {
    table: 't',
    key,
    kind: 'put',
    newImage: { ...key, value: { S: value } },
    version,
    originRegion: version.region,
    originSequence: 1,
    replacedVersion: null,
    context: { ...context, [version.region]: version },
    committedAtMs: version.wallMs,
  };
}

function del(version: HlcTimestamp, context: CausalContext = {}): ChangeRecord {
  return { ...put(version, context), kind: 'delete' } as ChangeRecord;
}

const live = (change: ChangeRecord): ItemState =>
  change.kind === 'put'
    ? { kind: 'live', image: change.newImage, version: change.version, context: change.context }
    : { kind: 'tombstone', version: change.version, context: change.context };

test('nothing local: the incoming change is applied', () => {
  const incoming = put(v(10, 'eu-west-1'));
  const decision = decideMerge(undefined, incoming, at);
  assert.equal(decision.outcome, 'applied');
  assert.deepEqual(decision.state, live(incoming));
  assert.equal(decision.conflict, undefined);
});

test('the same change twice is a duplicate and changes nothing', () => {
  const incoming = put(v(10, 'eu-west-1'));
  const state = decideMerge(undefined, incoming, at).state;
  const again = decideMerge(state, incoming, at);
  assert.equal(again.outcome, 'duplicate');
  assert.equal(again.changed, false);
  assert.equal(again.state, state);
});

test('an older write of the same origin arriving late is superseded, not applied', () => {
  const first = put(v(10, 'eu-west-1'));
  const second = put(v(20, 'eu-west-1'), first.context);
  const decision = decideMerge(live(second), first, at);
  assert.equal(decision.outcome, 'superseded');
  assert.equal(decision.changed, false);
});

test('a newer write that saw the local version replaces it without a conflict', () => {
  const local = put(v(10, 'us-east-1'));
  const incoming = put(v(20, 'eu-west-1'), local.context);
  const decision = decideMerge(live(local), incoming, at);
  assert.equal(decision.outcome, 'applied');
  assert.equal(decision.conflict, undefined);
  assert.deepEqual(decision.state.context, {
    'us-east-1': v(10, 'us-east-1'),
    'eu-west-1': v(20, 'eu-west-1'),
  });
});

test('concurrent writes: the newer wins and a conflict names winner and loser', () => {
  const local = put(v(10, 'us-east-1'));
  const incoming = put(v(20, 'eu-west-1'));
  const decision = decideMerge(live(local), incoming, at);
  assert.equal(decision.outcome, 'applied');
  assert.deepEqual(decision.conflict, {
    table: 't',
    key,
    winner: {
      version: incoming.version,
      region: 'eu-west-1',
      image: { ...key, value: { S: 'eu-west-1@20' } },
    },
    loser: { version: local.version, region: 'us-east-1', image: { ...key, value: { S: 'us-east-1@10' } } },
    detectedAtRegion: 'us-east-1',
    detectedAtMs: 123,
  });
});

test('concurrent writes: an older incoming loses, is recorded, and its context is kept', () => {
  const local = put(v(20, 'us-east-1'));
  const incoming = put(v(10, 'eu-west-1'));
  const decision = decideMerge(live(local), incoming, at);
  assert.equal(decision.outcome, 'lost-conflict');
  assert.equal(decision.state.kind, 'live');
  assert.deepEqual(decision.state.version, local.version);
  assert.deepEqual(decision.conflict?.loser.version, incoming.version);
  assert.ok(decision.state.context['eu-west-1'], 'the loser is now part of the history');
  assert.equal(decideMerge(decision.state, incoming, at).outcome, 'duplicate');
});

test('equal wall time and counter: the region name decides, the same way on both sides', () => {
  const east = put(v(10, 'us-east-1'));
  const west = put(v(10, 'eu-west-1'));
  const atEast = decideMerge(live(east), west, at).state;
  const atWest = decideMerge(live(west), east, { region: 'eu-west-1', nowMs: 0 }).state;
  assert.deepEqual(atEast, atWest);
  assert.deepEqual(atEast.version, east.version, 'us-east-1 sorts after eu-west-1');
});

test('a newer tombstone beats a put; an older put arriving late does not resurrect', () => {
  const created = put(v(10, 'us-east-1'));
  const deleted = del(v(20, 'eu-west-1'), created.context);
  const afterDelete = decideMerge(live(created), deleted, at);
  assert.equal(afterDelete.outcome, 'applied');
  assert.equal(afterDelete.state.kind, 'tombstone');
  const stalePut = put(v(15, 'ap-south-1'));
  const late = decideMerge(afterDelete.state, stalePut, at);
  assert.equal(late.outcome, 'lost-conflict');
  assert.equal(late.state.kind, 'tombstone');
  assert.equal(late.conflict?.winner.image, null);
});

test('a put newer than a tombstone brings the item back (it is a new write, not a resurrection)', () => {
  const deleted = del(v(20, 'eu-west-1'));
  const recreated = put(v(30, 'us-east-1'), deleted.context);
  const decision = decideMerge(live(deleted), recreated, at);
  assert.equal(decision.outcome, 'applied');
  assert.equal(decision.state.kind, 'live');
  assert.equal(decision.conflict, undefined);
});

test('a concurrent put newer than a tombstone wins and the lost delete is recorded', () => {
  const deleted = del(v(20, 'eu-west-1'));
  const concurrentPut = put(v(25, 'us-east-1'));
  const decision = decideMerge(live(deleted), concurrentPut, at);
  assert.equal(decision.state.kind, 'live');
  assert.equal(decision.conflict?.loser.image, null);
});

test('every delivery order of the same changes ends in the same state', () => {
  const a = put(v(10, 'us-east-1'));
  const b = put(v(12, 'eu-west-1'));
  const c = del(v(15, 'ap-south-1'), b.context);
  const d = put(v(11, 'eu-west-1', 3));
  const changes = [a, b, c, d];
  const states = permutations(changes).map((order) =>
    order.reduce<ItemState | undefined>((state, change) => decideMerge(state, change, at).state, undefined),
  );
  for (const state of states) assert.deepEqual(state, states[0]);
  assert.equal(states[0]!.kind, 'tombstone');
});

test('commitLocalWrite versions above the replaced state and carries its context', () => {
  const clock = new ManualClock();
  const hlc = new HybridLogicalClock({ region: 'us-east-1', clock });
  const current: ItemState = {
    kind: 'live',
    image: key,
    version: v(500, 'eu-west-1'),
    context: { 'eu-west-1': v(500, 'eu-west-1') },
  };
  const change = commitLocalWrite(
    { kind: 'delete', table: 't', key },
    { hlc, current, originSequence: 7, committedAtMs: 3 },
  );
  assert.equal(change.kind, 'delete');
  assert.deepEqual(change.replacedVersion, current.version);
  assert.ok(change.version.wallMs >= 500);
  assert.deepEqual(change.context, { 'eu-west-1': current.version, 'us-east-1': change.version });
  assert.equal(change.originSequence, 7);
});

test('item identity ignores attribute order', () => {
  assert.equal(
    itemKeyId('t', { pk: { S: 'a' }, sk: { N: '1' } }),
    itemKeyId('t', { sk: { N: '1' }, pk: { S: 'a' } }),
  );
  assert.notEqual(itemKeyId('t', { pk: { S: 'a' } }), itemKeyId('u', { pk: { S: 'a' } }));
});

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, index) =>
    permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]),
  );
}
