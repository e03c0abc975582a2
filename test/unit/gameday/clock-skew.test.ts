/** The skewed region clock of pangea:clock-skew: offset and drift arithmetic, and the HLC across an undo. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RegionWallClock, skewedNowMs } from '../../../src/region/control-clock.js';
import { compareHlc, HybridLogicalClock } from '../../../src/replication/core/hlc.js';

const startMs = 1_700_000_000_000;

test('no skew reads real time', () => {
  assert.equal(skewedNowMs(startMs + 123, null), startMs + 123);
});

test('an offset is a jump, either way', () => {
  const ahead = { offsetMs: 600_000, driftPpm: 0, sinceEpochMs: startMs };
  assert.equal(skewedNowMs(startMs, ahead), startMs + 600_000);
  assert.equal(skewedNowMs(startMs + 5_000, ahead), startMs + 605_000);
  const behind = { offsetMs: -3_600_000, driftPpm: 0, sinceEpochMs: startMs };
  assert.equal(skewedNowMs(startMs + 1, behind), startMs + 1 - 3_600_000);
});

test('drift accumulates from the fault start at ppm of elapsed real time', () => {
  const fast = { offsetMs: 0, driftPpm: 1_000, sinceEpochMs: startMs };
  assert.equal(skewedNowMs(startMs, fast), startMs, 'nothing accumulated yet');
  // 1000 ppm = 1 ms per second.
  assert.equal(skewedNowMs(startMs + 10_000, fast), startMs + 10_010);
  const slow = { offsetMs: 0, driftPpm: -100_000, sinceEpochMs: startMs };
  assert.equal(skewedNowMs(startMs + 60_000, slow), startMs + 54_000);
  // Before the start (another clock's idea of it) no drift accumulates.
  assert.equal(skewedNowMs(startMs - 1_000, fast), startMs - 1_000);
});

test('offset and drift add up; readings are whole milliseconds', () => {
  const both = { offsetMs: -250, driftPpm: 333, sinceEpochMs: startMs };
  // 3,000 ms elapsed * 333 ppm = 0.999 ms, floored with the rest.
  assert.equal(skewedNowMs(startMs + 3_000, both), startMs + 3_000 - 250);
  assert.equal(skewedNowMs(startMs + 4_000, both), startMs + 4_000 - 250 + 1);
  assert.ok(Number.isInteger(skewedNowMs(startMs + 7, { offsetMs: 0, driftPpm: 1, sinceEpochMs: startMs })));
});

test('RegionWallClock follows an injected base clock and its skew changes', () => {
  let realMs = startMs;
  const clock = new RegionWallClock(() => realMs);
  assert.equal(clock.nowMs(), startMs);
  clock.setSkew({ offsetMs: 2_000, driftPpm: 500_000 / 5, sinceEpochMs: startMs });
  realMs += 10_000;
  // 10 s at +100,000 ppm = +1 s, plus the 2 s jump.
  assert.equal(clock.nowMs(), startMs + 13_000);
  assert.deepEqual(clock.currentSkew(), { offsetMs: 2_000, driftPpm: 100_000, sinceEpochMs: startMs });
  clock.setSkew(null);
  assert.equal(clock.nowMs(), realMs);
  assert.equal(clock.currentSkew(), null);
});

test('the HLC on a skewed clock never goes backwards when the skew is undone', () => {
  let realMs = startMs;
  const wall = new RegionWallClock(() => realMs);
  const hlc = new HybridLogicalClock({
    region: 'us-east-1',
    clock: { nowMs: () => wall.nowMs(), setTimer: () => ({ id: 0 }), clearTimer: () => undefined },
  });
  const before = hlc.now();
  assert.equal(before.wallMs, startMs);
  wall.setSkew({ offsetMs: 600_000, driftPpm: 0, sinceEpochMs: startMs });
  realMs += 10;
  const skewed = hlc.now();
  assert.equal(skewed.wallMs, startMs + 600_010, 'versions follow the skewed clock');
  wall.setSkew(null);
  realMs += 10;
  const afterUndo = [hlc.now(), hlc.now()];
  for (const timestamp of afterUndo) assert.ok(compareHlc(timestamp, skewed) > 0, 'still increasing');
  // Until real time catches up the wall part stays at the high-water mark and the counter goes up.
  assert.deepEqual(
    afterUndo.map((timestamp) => [timestamp.wallMs, timestamp.logical]),
    [
      [startMs + 600_010, 1],
      [startMs + 600_010, 2],
    ],
  );
  realMs = startMs + 700_000;
  assert.equal(hlc.now().wallMs, startMs + 700_000, 'real time has passed the skewed high-water mark');
});
