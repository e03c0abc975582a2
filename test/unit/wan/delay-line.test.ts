import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../../src/shared/clock.js';
import { seededRandom } from '../../../src/shared/random.js';
import { DelayLine, minRetransmitTimeoutMs } from '../../../src/wan/delay-line.js';
import type { LinkParams } from '../../../src/wan/model.js';

function harness(params: Partial<LinkParams>, seed = 1, openAtMs = 0, earlyReleaseMs = 0) {
  const clock = new ManualClock();
  const link: LinkParams = {
    latencyMs: 50,
    jitterMs: 0,
    lossPct: 0,
    bandwidthMbps: null,
    partitioned: false,
    ...params,
  };
  const delivered: Array<{ atMs: number; data: string | null }> = [];
  const pressure: boolean[] = [];
  let gaveUp = false;
  const line = new DelayLine({
    clock,
    random: seededRandom(seed),
    link: () => link,
    openAtMs,
    earlyReleaseMs,
    highWaterBytes: 10,
    deliver: (chunk) => delivered.push({ atMs: clock.nowMs(), data: chunk ? chunk.toString() : null }),
    onPressure: (paused) => pressure.push(paused),
    onGiveUp: () => {
      gaveUp = true;
    },
  });
  return { clock, link, line, delivered, pressure, gaveUp: () => gaveUp };
}

test('a chunk leaves after exactly the one-way delay', () => {
  const { clock, line, delivered } = harness({ latencyMs: 35 });
  line.push(Buffer.from('a'));
  clock.advance(34.9);
  assert.equal(delivered.length, 0);
  clock.advance(0.1);
  assert.deepEqual(delivered, [{ atMs: 35, data: 'a' }]);
});

test('with the default early-release margin a chunk leaves at most half a millisecond early', () => {
  const { clock, line, delivered } = harness({ latencyMs: 35 }, 1, 0, 0.5);
  line.push(Buffer.from('a'));
  clock.advance(34.4);
  assert.equal(delivered.length, 0);
  clock.advance(0.1);
  assert.deepEqual(delivered, [{ atMs: 34.5, data: 'a' }]);
});

test('the first bytes of a new connection wait for the modelled handshake', () => {
  const { clock, line, delivered } = harness({ latencyMs: 10 }, 1, 20);
  line.push(Buffer.from('hello'));
  clock.advance(100);
  assert.equal(delivered[0]?.atMs, 30);
});

test('jitter never reorders a stream and stays within +/- jitter of the delay', () => {
  for (const seed of [1, 2, 3, 42, 1234]) {
    const { clock, line, delivered } = harness({ latencyMs: 40, jitterMs: 15 }, seed);
    for (let i = 0; i < 200; i++) {
      line.push(Buffer.from(String(i)));
      clock.advance(1);
    }
    clock.advance(1000);
    assert.deepEqual(
      delivered.map((entry) => entry.data),
      Array.from({ length: 200 }, (_, i) => String(i)),
      `seed ${seed}`,
    );
    delivered.forEach((entry, index) => {
      const delayMs = entry.atMs - index;
      assert.ok(delayMs >= 25 - 1e-9 && delayMs <= 55 + 200, `seed ${seed}: delay ${delayMs}`);
    });
  }
});

test('bandwidth adds serialisation time', () => {
  const { clock, line, delivered } = harness({ latencyMs: 0, bandwidthMbps: 8 });
  line.push(Buffer.alloc(1000));
  line.push(Buffer.alloc(1000));
  clock.advance(10);
  assert.deepEqual(
    delivered.map((entry) => entry.atMs),
    [1, 2],
  );
});

test('a lost chunk costs a retransmission timeout, never the data', () => {
  const { clock, line, delivered } = harness({ latencyMs: 10, lossPct: 50 }, 7);
  for (let i = 0; i < 50; i++) line.push(Buffer.from('x'));
  clock.advance(60_000);
  assert.equal(delivered.length, 50);
  const last = delivered.at(-1)?.atMs ?? 0;
  assert.ok(last >= 10 + minRetransmitTimeoutMs, `some chunk was retransmitted (last at ${last} ms)`);
});

test('100% loss gives the connection up instead of retrying forever', () => {
  const { line, gaveUp } = harness({ lossPct: 100 });
  line.push(Buffer.from('x'));
  assert.equal(gaveUp(), true);
});

test('a partition holds data, pushes back on the sender, and a heal releases it in order', () => {
  const { clock, link, line, delivered, pressure } = harness({ latencyMs: 20 });
  link.partitioned = true;
  for (const word of ['one', 'two', 'three', 'four']) line.push(Buffer.from(word));
  clock.advance(10_000);
  assert.equal(delivered.length, 0);
  assert.deepEqual(pressure, [true]);
  link.partitioned = false;
  line.rescheduleAfterHeal();
  clock.advance(19);
  assert.equal(delivered.length, 0);
  clock.advance(1);
  assert.deepEqual(
    delivered.map((entry) => entry.data),
    ['one', 'two', 'three', 'four'],
  );
  assert.deepEqual(pressure, [true, false]);
});

test('end of stream is delivered after the data before it', () => {
  const { clock, line, delivered } = harness({ latencyMs: 5 });
  line.push(Buffer.from('last words'));
  line.push(null);
  clock.advance(5);
  assert.deepEqual(
    delivered.map((entry) => entry.data),
    ['last words', null],
  );
});
