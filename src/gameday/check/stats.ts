/** Small numeric helpers the checkers share: one percentile definition, ratios, ordering. */
import type { LatencySummary } from '../model.js';

/**
 * Nearest-rank percentile of ascending `sortedValues` (null when empty): the smallest value with at
 * least `percent`% of the values at or below it. Nearest rank always returns a value that was
 * measured, so "p99 = 812 ms" names a real operation rather than an interpolation.
 */
export function percentile(sortedValues: readonly number[], percent: number): number | null {
  const count = sortedValues.length;
  if (count === 0) return null;
  // percent * count first keeps integer inputs exact (0.99 * 100 is not exactly 99).
  const rank = Math.min(count, Math.max(1, Math.ceil((percent * count) / 100)));
  return sortedValues[rank - 1] ?? null;
}

export function sortNumbers(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

export function latencySummary(latenciesMs: readonly number[]): LatencySummary {
  const sorted = sortNumbers(latenciesMs);
  return {
    count: sorted.length,
    p50Ms: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length > 0 ? (sorted[sorted.length - 1] ?? null) : null,
  };
}

/** part / whole, 0 when there is no whole (no operations means no failed fraction). */
export function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

/** Code-unit string order: unlike localeCompare it is the same on every machine. */
export function compareStrings(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

export function increment(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

/** The same counts with keys in code-unit order, so the report's JSON is byte-stable. */
export function sortedCounts(counts: Record<string, number>): Record<string, number> {
  const sorted: Record<string, number> = {};
  for (const key of Object.keys(counts).sort(compareStrings)) sorted[key] = counts[key] ?? 0;
  return sorted;
}

/** Index of the first element of `sorted` whose key is >= `value` (sorted.length if none). */
export function lowerBound<T>(sorted: readonly T[], value: number, key: (item: T) => number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const item = sorted[middle];
    if (item !== undefined && key(item) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Index of the first element of `sorted` whose key is > `value` (sorted.length if none). */
export function upperBound<T>(sorted: readonly T[], value: number, key: (item: T) => number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const item = sorted[middle];
    if (item !== undefined && key(item) <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}
