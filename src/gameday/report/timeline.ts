/**
 * What the timeline charts show, derived from a report: the time axis, fault spans, failovers and
 * one series per location or region. Kept apart from the SVG so it can be tested on numbers.
 */
import type { GamedayReport, SeriesBucket } from '../model.js';
import { faultName, formatOffsetMs, formatPercent, isDisruptive } from './format.js';
import type { LinePoint, StackColumn, TimeMarker, TimeSpan } from './svg.js';

/**
 * End of the shared time axis: the last bucket or fault edge. The run's own duration also covers
 * final reads and settling, which have no timeline data and would only squeeze the charts.
 */
export function timelineEndMs(report: GamedayReport): number {
  const { bucketMs, buckets } = report.series;
  const lastBucket = buckets[buckets.length - 1];
  const edges = report.faults
    .filter(isDisruptive)
    .flatMap((fault) => [fault.startMs, fault.endMs ?? fault.startMs])
    .filter(Number.isFinite);
  const end = Math.max(lastBucket ? lastBucket.tMs + bucketMs : 0, ...edges);
  if (end > 0) return end;
  const planned = Math.max(report.durationMs, report.scenario.durationMs);
  return Number.isFinite(planned) && planned > 0 ? planned : 1000;
}

/** Faults that were carried out, as shaded spans; one still active at the end runs to the axis end. */
export function faultSpans(report: GamedayReport): TimeSpan[] {
  const endMs = timelineEndMs(report);
  return report.faults
    .filter((fault) => isDisruptive(fault) && fault.faultId !== null)
    .map((fault) => {
      const stillActive = fault.endMs === null;
      const spanEndMs = fault.endMs ?? endMs;
      const regions = fault.regions.length > 0 ? ` on ${fault.regions.join(', ')}` : '';
      return {
        startMs: fault.startMs,
        endMs: spanEndMs,
        label: faultName(fault),
        detail:
          `${faultName(fault)}: ${fault.action}${regions}, ${formatOffsetMs(fault.startMs)} to ` +
          (stillActive ? 'the end (still active)' : formatOffsetMs(spanEndMs)),
      };
    });
}

export interface Failover {
  atMs: number;
  region: string;
  /** The region stopped serving, or served again. */
  change: 'stopped' | 'resumed';
  /** The region with the largest share of successful operations in the bucket of the change. */
  largestRegion: string | null;
}

/** A region counts as serving from this share of a bucket's successful operations... */
const servingShare = 0.05;
/** ...and stops counting below this one; the gap keeps a region hovering near one line from flapping. */
const stoppedShare = 0.01;

function sharesOf(bucket: SeriesBucket): Map<string, number> | null {
  const entries = Object.entries(bucket.regionShare).filter(
    ([, count]) => Number.isFinite(count) && count > 0,
  );
  const total = entries.reduce((sum, [, count]) => sum + count, 0);
  if (total <= 0) return null;
  return new Map(entries.map(([region, count]) => [region, count / total]));
}

function largestOf(shares: ReadonlyMap<string, number>): string | null {
  let largest: string | null = null;
  let largestShare = -1;
  for (const [region, share] of shares) {
    if (share > largestShare) [largest, largestShare] = [region, share];
  }
  return largest;
}

/**
 * Failovers: moments when a region stops serving (its share of successful operations falls to
 * nearly nothing and others take its traffic) or serves again. The series has region shares per
 * bucket for all locations together, so a move of one location between two regions that both keep
 * serving others does not show here; the per-location table has each location's shares.
 * Buckets with no successful operations tell nothing and are skipped.
 */
export function deriveFailovers(buckets: readonly SeriesBucket[]): Failover[] {
  const failovers: Failover[] = [];
  let serving: Set<string> | null = null;
  for (const bucket of buckets) {
    const shares = sharesOf(bucket);
    if (!shares) continue;
    if (!serving) {
      serving = new Set([...shares].filter(([, share]) => share >= servingShare).map(([region]) => region));
      continue;
    }
    const largestRegion = largestOf(shares);
    for (const region of [...new Set([...serving, ...shares.keys()])].sort()) {
      const share = shares.get(region) ?? 0;
      if (serving.has(region) && share < stoppedShare) {
        serving.delete(region);
        failovers.push({ atMs: bucket.tMs, region, change: 'stopped', largestRegion });
      } else if (!serving.has(region) && share >= servingShare) {
        serving.add(region);
        failovers.push({ atMs: bucket.tMs, region, change: 'resumed', largestRegion });
      }
    }
  }
  return failovers;
}

export function failoverMarkers(report: GamedayReport): TimeMarker[] {
  return deriveFailovers(report.series.buckets).map((failover) => {
    const largest = failover.largestRegion ? `; largest share now ${failover.largestRegion}` : '';
    const what =
      failover.change === 'stopped'
        ? `${failover.region} stopped serving (under ${formatPercent(stoppedShare)} of successful operations)`
        : `${failover.region} serving again`;
    return {
      atMs: failover.atMs,
      label: failover.change === 'stopped' ? `${failover.region} out` : `${failover.region} back`,
      detail: `${formatOffsetMs(failover.atMs)}: ${what}${largest}`,
    };
  });
}

/** Locations in the report's order, then any that appear only in the buckets. */
export function locationNames(report: GamedayReport): string[] {
  const names = new Set(report.locations.map((location) => location.location));
  for (const name of report.world.locations) names.add(name);
  for (const bucket of report.series.buckets)
    for (const name of Object.keys(bucket.locations)) names.add(name);
  return [...names];
}

/** The world's regions, then any other region that served or reported lag. */
export function regionNames(report: GamedayReport): string[] {
  const names = new Set(report.world.regions);
  for (const bucket of report.series.buckets) {
    for (const name of Object.keys(bucket.regionShare)) names.add(name);
    for (const name of Object.keys(bucket.replicationLagMs)) names.add(name);
  }
  return [...names];
}

/** Series points sit mid-bucket: each value describes the whole bucket. */
const midBucket = (report: GamedayReport, bucket: SeriesBucket): number =>
  bucket.tMs + report.series.bucketMs / 2;

export function successRatePoints(report: GamedayReport, location: string): LinePoint[] {
  return report.series.buckets.map((bucket) => {
    const counts = bucket.locations[location];
    const total = counts ? counts.ok + counts.failed : 0;
    return { tMs: midBucket(report, bucket), value: counts && total > 0 ? counts.ok / total : null };
  });
}

export function latencyP99Points(report: GamedayReport, location: string): LinePoint[] {
  return report.series.buckets.map((bucket) => ({
    tMs: midBucket(report, bucket),
    value: bucket.locations[location]?.p99Ms ?? null,
  }));
}

export function replicationLagPoints(report: GamedayReport, region: string): LinePoint[] {
  return report.series.buckets.map((bucket) => ({
    tMs: midBucket(report, bucket),
    value: bucket.replicationLagMs[region] ?? null,
  }));
}

export function trafficShareColumns(report: GamedayReport, regions: readonly string[]): StackColumn[] {
  return report.series.buckets.map((bucket) => {
    const counts = regions.map((region) => {
      const count = bucket.regionShare[region] ?? 0;
      return Number.isFinite(count) && count > 0 ? count : 0;
    });
    const total = counts.reduce((sum, count) => sum + count, 0);
    return {
      startMs: bucket.tMs,
      endMs: bucket.tMs + report.series.bucketMs,
      shares: total > 0 ? counts.map((count) => count / total) : null,
    };
  });
}
