/** Numbers and names in words, shared by the HTML page and the terminal summary. */
import type { FaultEvent, Objectives } from '../model.js';

export const missing = '—';

const isNumber = (value: number | null | undefined): value is number =>
  typeof value === 'number' && Number.isFinite(value);

/** Drops a trailing ".0" so round values read as "10 s", not "10.0 s". */
const trimmed = (value: number, digits: number): string => value.toFixed(digits).replace(/\.0+$/, '');

/** A duration: "850 ms", "6.2 s", "2 min 5 s". */
export function formatDurationMs(ms: number | null | undefined): string {
  if (!isNumber(ms)) return missing;
  if (Math.abs(ms) < 1000) return `${Math.round(ms)} ms`;
  if (Math.abs(ms) < 60_000) return `${trimmed(ms / 1000, 1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}

/** A latency in milliseconds, always in ms so columns compare at a glance. */
export function formatLatencyMs(ms: number | null | undefined): string {
  if (!isNumber(ms)) return missing;
  return ms < 10 ? `${trimmed(ms, 1)} ms` : `${Math.round(ms)} ms`;
}

/** A moment of the run as seconds since its start: "12.5 s". */
export function formatOffsetMs(ms: number | null | undefined): string {
  return isNumber(ms) ? `${trimmed(ms / 1000, 1)} s` : missing;
}

/**
 * A fraction as a percentage with as few digits as keep it honest: 0.9996 is "99.96%", never a
 * rounded-up "100%", and 0.0004 is "0.04%", never "0%".
 */
export function formatPercent(fraction: number | null | undefined): string {
  if (!isNumber(fraction)) return missing;
  const percent = fraction * 100;
  if (percent === 0 || percent === 100) return `${percent}%`;
  for (let digits = 1; digits <= 4; digits++) {
    const rounded = Number(percent.toFixed(digits));
    const misleading = (rounded >= 100 && percent < 100) || (rounded === 0 && percent > 0);
    if (!misleading) return `${trimmed(percent, digits).replace(/(\.\d*?)0+$/, '$1')}%`;
  }
  return `${percent.toPrecision(2)}%`;
}

export function formatCount(count: number | null | undefined): string {
  return isNumber(count) ? count.toLocaleString('en-US') : missing;
}

/** Success rate of `ok` out of `total`, or a dash when nothing ran. */
export function formatRatio(ok: number, total: number): string {
  return total > 0 ? formatPercent(ok / total) : missing;
}

/** Entries of a count record, largest first (ties by name, so output is stable). */
export function largestFirst(counts: Record<string, number>): Array<[string, number]> {
  return Object.entries(counts)
    .filter(([, count]) => isNumber(count) && count > 0)
    .sort(([nameA, countA], [nameB, countB]) => countB - countA || nameA.localeCompare(nameB));
}

/** "us-east-1 62% · eu-west-1 38%" */
export function describeShares(counts: Record<string, number>): string {
  const entries = largestFirst(counts);
  const total = entries.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return missing;
  return entries.map(([name, count]) => `${name} ${formatPercent(count / total)}`).join(' · ');
}

/** The name a fault goes by in recovery tables and timelines (the step's label). */
export function faultName(fault: FaultEvent): string {
  return fault.step || fault.action;
}

/** Faults that do something: waits are scenario pauses, not faults. */
export function isDisruptive(fault: FaultEvent): boolean {
  return fault.action !== 'aws:fis:wait';
}

const objectiveNames: Record<keyof Objectives, string> = {
  rtoMs: 'Recovery time (RTO)',
  rpoMs: 'Recovery point (RPO)',
  errorRate: 'Error rate',
  lostWrites: 'Lost writes',
  convergenceMs: 'Convergence',
  countersInRange: 'Counters in range',
  latencyP99Ms: 'p99 latency',
};

export function objectiveName(objective: keyof Objectives): string {
  return objectiveNames[objective] ?? String(objective);
}

/** "3 of 4 objectives met" */
export function objectivesMet(verdicts: ReadonlyArray<{ passed: boolean }>): string {
  if (verdicts.length === 0) return 'no objectives judged';
  const met = verdicts.filter((verdict) => verdict.passed).length;
  return `${met} of ${verdicts.length} objective${verdicts.length === 1 ? '' : 's'} met`;
}
