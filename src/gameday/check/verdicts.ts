/**
 * One verdict per objective the scenario sets, in the order of `Objectives`, each with the
 * objective as written and the measured value in words (with where it happened).
 */
import type { Objectives, RecoveryTime, Verdict } from '../model.js';
import { type Analysis, faultLabelled } from './analysis.js';
import {
  describeFault,
  finalValueWords,
  formatCount,
  formatDuration,
  formatLimit,
  formatPercent,
  listWords,
  plural,
  regionCounts,
} from './format.js';

const objectiveOrder = [
  'rtoMs',
  'rpoMs',
  'errorRate',
  'lostWrites',
  'convergenceMs',
  'countersInRange',
  'latencyP99Ms',
] as const satisfies ReadonlyArray<keyof Objectives>;

function faultWords(analysis: Analysis, label: string): string {
  const fault = faultLabelled(analysis, label);
  return fault ? describeFault(fault.event) : label;
}

function where(analysis: Analysis, time: RecoveryTime): string {
  return `${time.location}, after ${faultWords(analysis, time.fault)}`;
}

function judgeRto(limitMs: number, analysis: Analysis): Verdict {
  const expected = `rto <= ${formatLimit(limitMs)}`;
  const affected = analysis.recoveryTimes.filter((time) => time.affected);
  if (affected.length === 0) {
    const why = analysis.faults.length === 0 ? 'no faults' : 'no location affected';
    return { objective: 'rtoMs', expected, measured: `0 ms (${why})`, passed: true };
  }
  const never = affected.find((time) => time.sustainedMs === null);
  if (never)
    return {
      objective: 'rtoMs',
      expected,
      measured: `never recovered (${where(analysis, never)})`,
      passed: false,
    };
  const worst = affected.reduce((a, b) => ((b.sustainedMs ?? 0) > (a.sustainedMs ?? 0) ? b : a));
  const worstMs = worst.sustainedMs ?? 0;
  const measured = `${formatDuration(worstMs)} (${where(analysis, worst)})`;
  return { objective: 'rtoMs', expected, measured, passed: worstMs <= limitMs };
}

function judgeRpo(limitMs: number, analysis: Analysis): Verdict {
  const expected = `rpo <= ${formatLimit(limitMs)}`;
  const points = analysis.recoveryPoints;
  const worst = points.reduce<(typeof points)[number] | undefined>(
    (a, b) => (a === undefined || b.windowMs > a.windowMs ? b : a),
    undefined,
  );
  if (!worst || worst.missingAtFailover === 0) {
    const why = worst ? 'no acknowledged write missing at failover' : 'no fault isolated a region';
    return { objective: 'rpoMs', expected, measured: `0 ms (${why})`, passed: true };
  }
  const missing = plural(worst.missingAtFailover, 'acknowledged write');
  const measured = `${formatDuration(worst.windowMs)} (${missing} missing, after ${faultWords(analysis, worst.fault)})`;
  return { objective: 'rpoMs', expected, measured, passed: worst.windowMs <= limitMs };
}

function judgeErrorRate(limit: number, analysis: Analysis): Verdict {
  const { failed, ops, errorRate } = analysis.totals;
  return {
    objective: 'errorRate',
    expected: `error rate <= ${formatPercent(limit)}`,
    measured: `${formatPercent(errorRate)} (${formatCount(failed)} of ${plural(ops, 'operation')} failed)`,
    passed: errorRate <= limit,
  };
}

function judgeLostWrites(limit: number, analysis: Analysis): Verdict {
  const { lostAcknowledged, lostAcknowledgedByRegion } = analysis.sets;
  const lost = lostAcknowledged.length;
  const measured =
    lost === 0
      ? 'none lost'
      : `${plural(lost, 'acknowledged write')} lost (missing from ${regionCounts(lostAcknowledgedByRegion, analysis.regions)})`;
  return {
    objective: 'lostWrites',
    expected: `lost writes <= ${formatCount(limit)}`,
    measured,
    passed: lost <= limit,
  };
}

function judgeConvergence(limitMs: number, analysis: Analysis): Verdict {
  const expected = `converged <= ${formatLimit(limitMs)} after the load and the last fault ended`;
  const { converged, afterLastFaultMs, regionsDiffering } = analysis.convergence;
  if (!converged) {
    const verb = regionsDiffering.length === 1 ? 'differs' : 'differ';
    const measured = `not converged (${listWords(regionsDiffering)} ${verb})`;
    return { objective: 'convergenceMs', expected, measured, passed: false };
  }
  if (afterLastFaultMs === null)
    return { objective: 'convergenceMs', expected, measured: 'converged, time not recorded', passed: false };
  const measured = `${formatDuration(afterLastFaultMs)} after the load and the last fault ended`;
  return { objective: 'convergenceMs', expected, measured, passed: afterLastFaultMs <= limitMs };
}

function judgeCounters(required: boolean, analysis: Analysis): Verdict {
  const expected = required ? 'every counter in range' : 'counters not judged';
  const { counters } = analysis;
  const outOfRange = counters.filter((check) => !check.inRange);
  let measured: string;
  if (counters.length === 0) measured = 'no counters';
  else if (outOfRange.length === 0) measured = `all ${plural(counters.length, 'counter')} in range`;
  else
    measured = listWords(
      outOfRange.map(
        (check) =>
          `${check.counter}: ${finalValueWords(check)} not in [${check.range[0]}, ${check.range[1]}]`,
      ),
    );
  return { objective: 'countersInRange', expected, measured, passed: !required || outOfRange.length === 0 };
}

function judgeLatency(limitMs: number, analysis: Analysis): Verdict {
  const expected = `p99 latency <= ${formatLimit(limitMs)}`;
  const { p99Ms, count } = analysis.totals.latency;
  if (p99Ms === null)
    return { objective: 'latencyP99Ms', expected, measured: 'no successful operations', passed: false };
  const measured = `${formatDuration(p99Ms)} over ${plural(count, 'successful operation')}`;
  return { objective: 'latencyP99Ms', expected, measured, passed: p99Ms <= limitMs };
}

function judge(objective: (typeof objectiveOrder)[number], analysis: Analysis): Verdict | undefined {
  const objectives = analysis.record.scenario.objectives;
  switch (objective) {
    case 'rtoMs':
      return objectives.rtoMs === undefined ? undefined : judgeRto(objectives.rtoMs, analysis);
    case 'rpoMs':
      return objectives.rpoMs === undefined ? undefined : judgeRpo(objectives.rpoMs, analysis);
    case 'errorRate':
      return objectives.errorRate === undefined ? undefined : judgeErrorRate(objectives.errorRate, analysis);
    case 'lostWrites':
      return objectives.lostWrites === undefined
        ? undefined
        : judgeLostWrites(objectives.lostWrites, analysis);
    case 'convergenceMs':
      return objectives.convergenceMs === undefined
        ? undefined
        : judgeConvergence(objectives.convergenceMs, analysis);
    case 'countersInRange':
      return objectives.countersInRange === undefined
        ? undefined
        : judgeCounters(objectives.countersInRange, analysis);
    case 'latencyP99Ms':
      return objectives.latencyP99Ms === undefined
        ? undefined
        : judgeLatency(objectives.latencyP99Ms, analysis);
  }
}

export function judgeObjectives(analysis: Analysis): Verdict[] {
  return objectiveOrder.flatMap((objective) => judge(objective, analysis) ?? []);
}

/** The run passes when every objective holds and it ran to the end. */
export function runPassed(verdicts: readonly Verdict[], stoppedEarly: string | null): boolean {
  return stoppedEarly === null && verdicts.every((verdict) => verdict.passed);
}
