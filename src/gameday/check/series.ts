/**
 * The time series behind the report's charts: fixed buckets over the load, [0, loadEndMs), with
 * per-location outcomes, the regions that served, and replication lag.
 *
 * An operation counts in the bucket where it ended (that is when its client learned the outcome).
 * Operations that ended after the load stopped go into the last bucket, so the buckets add up to
 * the totals; samples outside the load are left out (the settle phase is not part of the chart).
 */
import type { OpRecord, RunRecord, SeriesBucket, WorldSample } from '../model.js';
import { percentile, sortNumbers } from './stats.js';

interface BucketTally {
  locations: Map<string, { ok: number; failed: number; latenciesMs: number[] }>;
  regionShare: Map<string, number>;
  replicationLagMs: Map<string, number | null>;
}

function emptyTally(locations: readonly string[], regions: readonly string[]): BucketTally {
  return {
    locations: new Map(locations.map((location) => [location, { ok: 0, failed: 0, latenciesMs: [] }])),
    regionShare: new Map(regions.map((region) => [region, 0])),
    replicationLagMs: new Map(regions.map((region) => [region, null])),
  };
}

function countOp(tally: BucketTally, op: OpRecord): void {
  let location = tally.locations.get(op.location);
  if (!location) {
    location = { ok: 0, failed: 0, latenciesMs: [] };
    tally.locations.set(op.location, location);
  }
  if (!op.ok) {
    location.failed++;
    return;
  }
  location.ok++;
  location.latenciesMs.push(op.endMs - op.startMs);
  if (op.region !== null) tally.regionShare.set(op.region, (tally.regionShare.get(op.region) ?? 0) + 1);
}

function worstLag(tally: BucketTally, sample: WorldSample): void {
  for (const [region, status] of Object.entries(sample.regions)) {
    const lagMs = status.replicationLagMs;
    if (lagMs === null) {
      if (!tally.replicationLagMs.has(region)) tally.replicationLagMs.set(region, null);
      continue;
    }
    const worstMs = tally.replicationLagMs.get(region) ?? null;
    tally.replicationLagMs.set(region, worstMs === null ? lagMs : Math.max(worstMs, lagMs));
  }
}

function toBucket(tMs: number, tally: BucketTally): SeriesBucket {
  const locations: SeriesBucket['locations'] = {};
  for (const [location, { ok, failed, latenciesMs }] of tally.locations) {
    const sorted = sortNumbers(latenciesMs);
    locations[location] = { ok, failed, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
  }
  return {
    tMs,
    locations,
    regionShare: Object.fromEntries(tally.regionShare),
    replicationLagMs: Object.fromEntries(tally.replicationLagMs),
  };
}

export function buildSeries(
  record: RunRecord,
  locations: readonly string[],
  regions: readonly string[],
  bucketMs: number,
): { bucketMs: number; buckets: SeriesBucket[] } {
  const count = Math.max(0, Math.ceil(record.loadEndMs / bucketMs));
  const tallies = Array.from({ length: count }, () => emptyTally(locations, regions));
  const bucketOf = (tMs: number): BucketTally | undefined =>
    tallies[Math.min(count - 1, Math.max(0, Math.floor(tMs / bucketMs)))];
  for (const op of record.ops) {
    const tally = bucketOf(op.endMs);
    if (tally) countOp(tally, op);
  }
  for (const sample of record.samples) {
    if (sample.tMs < 0 || sample.tMs >= count * bucketMs) continue;
    const tally = bucketOf(sample.tMs);
    if (tally) worstLag(tally, sample);
  }
  return { bucketMs, buckets: tallies.map((tally, index) => toBucket(index * bucketMs, tally)) };
}
