/**
 * The game day checkers: a pure analysis that turns what a run recorded into its report. No I/O,
 * no clock, no randomness: the same record always gives the same report, so a report can be
 * recomputed (or a checker fixed and rerun) from a saved record.
 */
import type { GamedayReport, RunRecord } from '../model.js';
import type { Analysis } from './analysis.js';
import { checkConvergence } from './convergence.js';
import { checkCounters } from './counters.js';
import { findings } from './findings.js';
import { recoveryPoints } from './recovery-point.js';
import { recoveryTimes } from './recovery-time.js';
import { clientLocations, judgedFaults, regionNames } from './scope.js';
import { buildSeries } from './series.js';
import { checkSets, reportedLostLimit } from './set-full.js';
import { summariseLocations, summariseTotals } from './summary.js';
import { judgeObjectives, runPassed } from './verdicts.js';

export const defaultBucketMs = 1000;
export const defaultSustainMs = 3000;

export interface AnalyseOptions {
  /** Width of the series buckets (default 1000). */
  bucketMs?: number;
  /** How long a location must see only successes to count as recovered (default 3000). */
  sustainMs?: number;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number of ms`);
  return value;
}

function analyse(record: RunRecord, sustainMs: number): Analysis {
  const faults = judgedFaults(record);
  const locations = clientLocations(record);
  const regions = regionNames(record);
  return {
    record,
    sustainMs,
    faults,
    locations,
    regions,
    totals: summariseTotals(record.ops),
    locationSummaries: summariseLocations(record.ops, locations, regions),
    recoveryTimes: recoveryTimes(record, faults, locations, sustainMs),
    recoveryPoints: recoveryPoints(record, faults),
    sets: checkSets(record),
    counters: checkCounters(record),
    convergence: checkConvergence(record, faults),
  };
}

export function analyseRun(record: RunRecord, options: AnalyseOptions = {}): GamedayReport {
  const bucketMs = positive('bucketMs', options.bucketMs ?? defaultBucketMs);
  const sustainMs = positive('sustainMs', options.sustainMs ?? defaultSustainMs);
  const analysis = analyse(record, sustainMs);
  const verdicts = judgeObjectives(analysis);
  const { scenario } = record;
  return {
    version: 1,
    scenario: {
      name: scenario.name,
      description: scenario.description,
      source: scenario.source,
      profile: scenario.profile,
      durationMs: scenario.durationMs,
      steps: scenario.steps,
      load: scenario.load,
      data: scenario.data,
    },
    seed: record.seed,
    runId: record.runId,
    startedAt: record.startedAt,
    durationMs: record.endMs,
    world: record.world,
    totals: analysis.totals,
    series: buildSeries(record, analysis.locations, analysis.regions, bucketMs),
    locations: analysis.locationSummaries,
    faults: record.faults,
    recoveryTimes: analysis.recoveryTimes,
    recoveryPoints: analysis.recoveryPoints,
    sets: { ...analysis.sets.check, lost: analysis.sets.check.lost.slice(0, reportedLostLimit) },
    counters: analysis.counters,
    convergence: analysis.convergence,
    conflicts: record.conflicts,
    verdicts,
    passed: runPassed(verdicts, record.stoppedEarly),
    findings: findings(analysis),
    stoppedEarly: record.stoppedEarly,
  };
}
