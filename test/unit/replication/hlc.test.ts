import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  compareHlc,
  decodeHlc,
  encodeHlc,
  type HlcTimestamp,
  HybridLogicalClock,
  maxLogical,
} from '../../../src/replication/core/hlc.js';
import { SkewedClock } from '../../../src/replication/core/skewed-clock.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { seededRandom } from '../../../src/shared/random.js';

function regionClock(region: string, offsetMs = 1_000) {
  const world = new ManualClock();
  const clock = new SkewedClock(world, { offsetMs });
  return { world, clock, hlc: new HybridLogicalClock({ region, clock, maxDriftMs: 500 }) };
}

const ts = (wallMs: number, logical: number, region: string): HlcTimestamp => ({ wallMs, logical, region });

test('now() is strictly increasing while physical time stands still', () => {
  const { hlc } = regionClock('us-east-1');
  const first = hlc.now();
  const second = hlc.now();
  assert.deepEqual(first, ts(1_000, 0, 'us-east-1'));
  assert.deepEqual(second, ts(1_000, 1, 'us-east-1'));
});

test('now() follows physical time forward and resets the logical counter', () => {
  const { world, hlc } = regionClock('us-east-1');
  hlc.now();
  hlc.now();
  world.advance(5.7);
  assert.deepEqual(hlc.now(), ts(1_005, 0, 'us-east-1'));
});

test('a backwards clock jump never makes versions go backwards', () => {
  const { world, clock, hlc } = regionClock('eu-west-1', 10_000);
  const before = hlc.now();
  clock.jump(-5_000);
  world.advance(100);
  const after = [hlc.now(), hlc.now()];
  assert.ok(compareHlc(after[0]!, before) > 0);
  assert.ok(compareHlc(after[1]!, after[0]!) > 0);
  assert.equal(after[0]!.wallMs, before.wallMs, 'wall time holds until physical time catches up');
  world.advance(5_000);
  assert.equal(hlc.now().wallMs, 10_000 - 5_000 + 5_100, 'then follows the (jumped) physical clock again');
});

test('drift is expressible through the injected clock and accumulates', () => {
  const world = new ManualClock();
  const clock = new SkewedClock(world, { offsetMs: 0, driftPpm: 1_000 });
  world.advance(10_000);
  assert.equal(clock.nowMs(), 10_010);
  clock.setDriftPpm(-1_000);
  world.advance(10_000);
  assert.equal(clock.nowMs(), 20_000);
  assert.deepEqual(clock.skew(), { offsetMs: 0, driftPpm: -1_000 });
});

test('observe() moves past a remote version so the next local write sorts after it', () => {
  const { hlc } = regionClock('us-east-1');
  const remote = ts(1_200, 7, 'eu-west-1');
  const result = hlc.observe(remote);
  assert.equal(result.driftExceeded, false);
  assert.equal(result.remoteAheadMs, 200);
  assert.ok(compareHlc(result.timestamp, remote) > 0);
  assert.ok(compareHlc(hlc.now(), remote) > 0);
});

test('observe() with equal wall times takes the larger logical counter plus one', () => {
  const { hlc } = regionClock('us-east-1');
  hlc.now();
  hlc.now();
  assert.deepEqual(hlc.observe(ts(1_000, 5, 'eu-west-1')).timestamp, ts(1_000, 6, 'us-east-1'));
  assert.deepEqual(hlc.observe(ts(1_000, 2, 'eu-west-1')).timestamp, ts(1_000, 7, 'us-east-1'));
});

test('a remote version beyond maxDriftMs is accepted and reported', () => {
  const { hlc } = regionClock('us-east-1');
  const remote = ts(1_000 + 60_000, 0, 'ap-south-1');
  const result = hlc.observe(remote);
  assert.equal(result.driftExceeded, true);
  assert.equal(result.remoteAheadMs, 60_000);
  assert.ok(compareHlc(hlc.now(), remote) > 0, 'LWW must still be able to overwrite it');
});

test('a logical counter overflow carries into the next millisecond', () => {
  const { hlc } = regionClock('us-east-1');
  hlc.observe(ts(1_000, maxLogical - 1, 'eu-west-1'));
  const carried = hlc.now();
  assert.deepEqual(carried, ts(1_001, 0, 'us-east-1'));
});

test('ties on wall time and counter are broken by region name', () => {
  assert.ok(compareHlc(ts(5, 1, 'eu-west-1'), ts(5, 1, 'us-east-1')) < 0);
  assert.ok(compareHlc(ts(5, 1, 'us-east-1'), ts(5, 1, 'eu-west-1')) > 0);
  assert.equal(compareHlc(ts(5, 1, 'us-east-1'), ts(5, 1, 'us-east-1')), 0);
  assert.ok(compareHlc(ts(5, 2, 'ap-south-1'), ts(5, 1, 'us-east-1')) > 0);
  assert.ok(compareHlc(ts(6, 0, 'ap-south-1'), ts(5, 9, 'us-east-1')) > 0);
});

test('encoding round-trips and sorts as strings and bytes exactly like compareHlc', () => {
  const random = seededRandom(42);
  const regions = ['us-east-1', 'eu-west-1', 'ap-south-1', 'us', 'us-east-10'];
  const pick = (max: number) => Math.floor(random.next() * max);
  const samples = Array.from({ length: 500 }, () =>
    ts(
      pick(3) * 2 ** pick(47),
      pick(3) === 0 ? maxLogical - pick(2) : pick(20),
      regions[pick(regions.length)]!,
    ),
  );
  for (const sample of samples) assert.deepEqual(decodeHlc(encodeHlc(sample)), sample);
  const byOrder = [...samples].sort(compareHlc).map(encodeHlc);
  const byString = samples.map(encodeHlc).sort();
  const byBytes = samples.map(encodeHlc).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  assert.deepEqual(byString, byOrder);
  assert.deepEqual(byBytes, byOrder);
});

test('malformed versions are refused', () => {
  assert.throws(() => decodeHlc('nope'), RangeError);
  assert.throws(() => encodeHlc(ts(-1, 0, 'us-east-1')), RangeError);
  assert.throws(() => encodeHlc(ts(1.5, 0, 'us-east-1')), RangeError);
  assert.throws(() => encodeHlc(ts(1, 0, 'US East')), RangeError);
  const { hlc } = regionClock('us-east-1');
  assert.throws(() => hlc.observe(ts(1, maxLogical + 1, 'eu-west-1')), RangeError);
});

test('versions from random interleavings of local events and receipts stay causal', () => {
  for (let seed = 1; seed <= 50; seed++) {
    const random = seededRandom(seed);
    const world = new ManualClock();
    const names = ['a-1', 'b-1', 'c-1'];
    const clocks = names.map(
      (_, index) => new SkewedClock(world, { offsetMs: 1_000 * index, driftPpm: 500 * index }),
    );
    const hlcs = names.map((region, index) => new HybridLogicalClock({ region, clock: clocks[index]! }));
    const issued: HlcTimestamp[][] = names.map(() => []);
    for (let step = 0; step < 300; step++) {
      world.advance(random.next() * 3);
      const index = Math.floor(random.next() * names.length);
      if (random.next() < 0.05) clocks[index]!.jump(-2_000 * random.next());
      const sender = Math.floor(random.next() * names.length);
      const sent = issued[sender]!.at(-1);
      if (sent && sender !== index && random.next() < 0.5) {
        const received = hlcs[index]!.observe(sent).timestamp;
        assert.ok(compareHlc(received, sent) > 0, `seed ${seed}: receipt must sort after the send`);
      }
      const next = hlcs[index]!.now();
      const previous = issued[index]!.at(-1);
      assert.ok(!previous || compareHlc(next, previous) > 0, `seed ${seed}: ${names[index]} went backwards`);
      issued[index]!.push(next);
    }
  }
});
