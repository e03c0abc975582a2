/** Totals over the whole run and per client location. */
import type { GamedayReport, LocationSummary, OpRecord } from '../model.js';
import { increment, latencySummary, ratio, sortedCounts } from './stats.js';

export type Totals = GamedayReport['totals'];

/** An operation that failed without a code still counts, under this name. */
export const unknownError = 'unknown';

export function latencyMs(op: OpRecord): number {
  return op.endMs - op.startMs;
}

export function summariseTotals(ops: readonly OpRecord[]): Totals {
  const ok = ops.filter((op) => op.ok);
  const failed = ops.length - ok.length;
  return {
    ops: ops.length,
    ok: ok.length,
    failed,
    indeterminate: ops.filter((op) => op.indeterminate).length,
    errorRate: ratio(failed, ops.length),
    latency: latencySummary(ok.map(latencyMs)),
  };
}

/** Successful operations per serving region, every known region listed (0 when it served none). */
export function regionShareOf(ops: readonly OpRecord[], regions: readonly string[]): Record<string, number> {
  const share: Record<string, number> = Object.fromEntries(regions.map((region) => [region, 0]));
  for (const op of ops) if (op.ok && op.region !== null) increment(share, op.region);
  return share;
}

export function errorCounts(ops: readonly OpRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const op of ops) if (!op.ok) increment(counts, op.error ?? unknownError);
  return sortedCounts(counts);
}

function summariseLocation(
  location: string,
  ops: readonly OpRecord[],
  regions: readonly string[],
): LocationSummary {
  const totals = summariseTotals(ops);
  return {
    location,
    ops: totals.ops,
    ok: totals.ok,
    failed: totals.failed,
    indeterminate: totals.indeterminate,
    // A location that made no operations had nothing fail: 1, matching an error rate of 0.
    successRate: totals.ops === 0 ? 1 : totals.ok / totals.ops,
    latency: totals.latency,
    regionShare: regionShareOf(ops, regions),
    errors: errorCounts(ops),
  };
}

export function summariseLocations(
  ops: readonly OpRecord[],
  locations: readonly string[],
  regions: readonly string[],
): LocationSummary[] {
  return locations.map((location) =>
    summariseLocation(
      location,
      ops.filter((op) => op.location === location),
      regions,
    ),
  );
}
