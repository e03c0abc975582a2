import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelayMs, unjitteredBackoffMs } from '../../../src/replication/core/backoff.js';
import { type ChangeRecord, estimateChangeBytes } from '../../../src/replication/core/change.js';
import type { HlcTimestamp } from '../../../src/replication/core/hlc.js';
import { LagWindow, ReplicationLagStats } from '../../../src/replication/core/lag.js';
import { OutboundLog, type OutboundOptions, planBatchSize } from '../../../src/replication/core/outbound.js';
import { seededRandom } from '../../../src/shared/random.js';

const clock: HlcTimestamp = { wallMs: 1, logical: 0, region: 'us-east-1' };
const snapshot = { originClock: clock, originAppliedFrontier: null };

function change(sequence: number, padding = 0): ChangeRecord {
  const version = { wallMs: sequence, logical: 0, region: 'us-east-1' };
  return {
    table: 't',
    key: { pk: { S: `k${sequence}` } },
    kind: 'put',
    newImage: { pk: { S: `k${sequence}` }, pad: { S: 'x'.repeat(padding) } },
    version,
    originRegion: 'us-east-1',
    originSequence: sequence,
    replacedVersion: null,
    context: { 'us-east-1': version },
    committedAtMs: sequence,
  };
}

function log(options: Partial<OutboundOptions> = {}, records = 0): OutboundLog {
  const outbound = new OutboundLog({
    region: 'us-east-1',
    peers: ['eu-west-1', 'ap-south-1'],
    random: seededRandom(7),
    ackTimeoutMs: 100,
    heartbeatIntervalMs: 1_000,
    maxInFlightBatches: 2,
    limits: { maxRecords: 3, maxBytes: 100_000 },
    backoff: { baseMs: 50, capMs: 400, jitterRatio: 0.5 },
    ...options,
  });
  for (let sequence = 1; sequence <= records; sequence++) outbound.append(change(sequence));
  return outbound;
}

test('batches respect both the record and the byte limit, but always carry one record', () => {
  const records = Array.from({ length: 10 }, (_, index) => change(index + 1, 100));
  const size = estimateChangeBytes(records[0]!);
  assert.equal(planBatchSize(records, { maxRecords: 4, maxBytes: 1_000_000 }), 4);
  assert.equal(planBatchSize(records, { maxRecords: 100, maxBytes: size * 3 + 1 }), 3);
  assert.equal(
    planBatchSize(records, { maxRecords: 100, maxBytes: 1 }),
    1,
    'an oversized record travels alone',
  );
  assert.equal(planBatchSize([], { maxRecords: 100, maxBytes: 1 }), 0);
});

test('batch limits outside their bounds are refused', () => {
  assert.throws(() => log({ limits: { maxRecords: 0, maxBytes: 10 } }), RangeError);
  assert.throws(() => log({ limits: { maxRecords: 10_001, maxBytes: 10 } }), RangeError);
  assert.throws(() => log({ limits: { maxRecords: 10, maxBytes: 17 * 1024 * 1024 } }), RangeError);
  assert.throws(() => log({ maxInFlightBatches: 0 }), RangeError);
  assert.throws(() => log({ backoff: { baseMs: 10, capMs: 5, jitterRatio: 0 } }), RangeError);
});

test('sequences are assigned without gaps and pending counts per peer follow acks', () => {
  const outbound = log({}, 5);
  assert.equal(outbound.upcomingSequence(), 6);
  assert.throws(() => outbound.append(change(9)), RangeError);
  assert.equal(outbound.pendingCount('eu-west-1'), 5);
  outbound.acknowledge('eu-west-1', 3);
  outbound.acknowledge('eu-west-1', 2);
  assert.equal(outbound.pendingCount('eu-west-1'), 2, 'a stale ack does not move the watermark back');
  assert.equal(outbound.pendingCount('ap-south-1'), 5);
  assert.equal(outbound.retainedCount(), 5, 'kept until every peer acknowledged');
  outbound.acknowledge('ap-south-1', 99);
  assert.equal(outbound.pendingCount('ap-south-1'), 0, 'acks beyond the log are clamped');
  assert.equal(outbound.retainedCount(), 2);
});

test('in-flight batches are bounded and a silent peer gets a go-back resend after backoff', () => {
  const outbound = log({}, 10);
  const first = outbound.batchesToSend('eu-west-1', 0, snapshot);
  assert.deepEqual(
    first.map((batch) => batch.records.map((record) => record.originSequence)),
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
  );
  assert.deepEqual(outbound.batchesToSend('eu-west-1', 50, snapshot), [], 'window full, not timed out');
  assert.deepEqual(outbound.batchesToSend('eu-west-1', 100, snapshot), [], 'timed out: backing off first');
  const resent = outbound.batchesToSend('eu-west-1', 100 + 50, snapshot);
  assert.equal(resent[0]?.firstSequence, 1, 'resends from the acknowledged watermark');
  outbound.acknowledge('eu-west-1', 6);
  const next = outbound.batchesToSend('eu-west-1', 160, snapshot);
  assert.deepEqual(
    next.map((batch) => batch.firstSequence),
    [7, 10],
  );
});

test('an idle peer gets an empty heartbeat carrying the origin clock and high sequence', () => {
  const outbound = log({}, 2);
  outbound.acknowledge('eu-west-1', 2);
  const [heartbeat] = outbound.batchesToSend('eu-west-1', 0, snapshot);
  assert.equal(heartbeat?.records.length, 0);
  assert.equal(heartbeat?.firstSequence, 3);
  assert.equal(heartbeat?.originHighSequence, 2);
  assert.deepEqual(heartbeat?.originClock, clock);
  assert.deepEqual(outbound.batchesToSend('eu-west-1', 999, snapshot), []);
  assert.equal(outbound.batchesToSend('eu-west-1', 1_000, snapshot).length, 1);
});

test('backoff grows exponentially to the cap and jitter stays within bounds', () => {
  const policy = { baseMs: 100, capMs: 3_000, jitterRatio: 0.5 };
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 100].map((attempt) => unjitteredBackoffMs(policy, attempt)),
    [100, 200, 400, 800, 1_600, 3_000, 3_000],
  );
  const random = seededRandom(3);
  for (let attempt = 1; attempt <= 40; attempt++) {
    for (let draw = 0; draw < 50; draw++) {
      const delayMs = backoffDelayMs(policy, attempt, random);
      const ceilingMs = unjitteredBackoffMs(policy, attempt);
      assert.ok(
        delayMs >= ceilingMs * 0.5 && delayMs <= ceilingMs && delayMs <= policy.capMs,
        `${attempt}: ${delayMs}`,
      );
    }
  }
  const replay = [seededRandom(9), seededRandom(9)].map((r) => backoffDelayMs(policy, 3, r));
  assert.equal(replay[0], replay[1], 'the same seed gives the same schedule');
});

test('lag window: average and max over recent samples, bounded in count and age', () => {
  const window = new LagWindow({ windowMs: 1_000, maxSamples: 3 });
  assert.deepEqual(window.stats(0), { sampleCount: 0, lagMsAverage: null, lagMsMax: null });
  window.record(0, 100);
  window.record(100, 400);
  assert.deepEqual(window.stats(500), { sampleCount: 2, lagMsAverage: 200, lagMsMax: 300 });
  window.record(450, 500);
  window.record(500, 600);
  assert.deepEqual(
    window.stats(600),
    { sampleCount: 3, lagMsAverage: 150, lagMsMax: 300 },
    'oldest sample evicted',
  );
  assert.deepEqual(
    window.stats(1_450),
    { sampleCount: 2, lagMsAverage: 75, lagMsMax: 100 },
    'old samples age out',
  );
  window.record(900, 800);
  assert.deepEqual(
    window.stats(800),
    { sampleCount: 3, lagMsAverage: 50, lagMsMax: 100 },
    'a destination clock behind the source counts as zero lag, not negative',
  );
  assert.throws(() => new LagWindow({ windowMs: 0, maxSamples: 3 }), RangeError);
  assert.throws(() => new LagWindow({ windowMs: 10, maxSamples: 0 }), RangeError);
});

test('lag stats are kept per source and destination pair', () => {
  const stats = new ReplicationLagStats({ windowMs: 10_000, maxSamples: 10 });
  stats.record('us-east-1', 'eu-west-1', 0, 80);
  stats.record('eu-west-1', 'us-east-1', 0, 30);
  assert.equal(stats.stats('us-east-1', 'eu-west-1', 100).lagMsAverage, 80);
  assert.equal(stats.stats('eu-west-1', 'us-east-1', 100).lagMsMax, 30);
  assert.equal(stats.stats('us-east-1', 'ap-south-1', 100).sampleCount, 0);
});
