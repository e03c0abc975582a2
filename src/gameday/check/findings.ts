/**
 * Findings: the sentences a team would put in its game day review, most important first. The order
 * is fixed by kind (the run's validity, data loss, divergence, availability, then the rest), and
 * within a kind follows the faults, locations and regions as the record lists them, so the same
 * record always reads the same.
 */
import type { OpRecord, RecoveryPoint, RecoveryTime } from '../model.js';
import { type Analysis, faultLabelled } from './analysis.js';
import {
  describeFault,
  finalValueWords,
  formatCount,
  formatDuration,
  formatPercent,
  listWords,
  plural,
  regionCounts,
} from './format.js';
import { faultEndMs, type JudgedFault } from './scope.js';
import { compareStrings } from './stats.js';
import { errorCounts } from './summary.js';

const lostExamplesShown = 3;
const errorCodesShown = 5;

const were = (count: number): string => (count === 1 ? 'was' : 'were');

function faultWords(analysis: Analysis, label: string): string {
  const fault = faultLabelled(analysis, label);
  return fault ? describeFault(fault.event) : label;
}

function runValidity(analysis: Analysis): string[] {
  const { record } = analysis;
  const findings: string[] = [];
  if (record.stoppedEarly !== null)
    findings.push(`The run stopped early: ${record.stoppedEarly.replace(/\.$/, '')}.`);
  for (const event of record.faults)
    if (event.faultId === null)
      findings.push(
        `${describeFault(event)} could not be injected${event.error ? ` (${event.error})` : ''}, so recovery from it was not measured.`,
      );
  if (record.ops.length === 0)
    findings.push('The load made no operations, so availability and data were not exercised.');
  return findings;
}

function lostWrites(analysis: Analysis): string[] {
  const { lostAcknowledged, lostAcknowledgedByRegion, check } = analysis.sets;
  const findings: string[] = [];
  const count = lostAcknowledged.length;
  if (count > 0) {
    const examples = lostAcknowledged.slice(0, lostExamplesShown).join(', ');
    const more = count > lostExamplesShown ? ', ...' : '';
    findings.push(
      `${plural(count, 'acknowledged write')} ${were(count)} lost, missing at the end from ${regionCounts(lostAcknowledgedByRegion, analysis.regions)}: ${examples}${more}.`,
    );
  }
  const unacknowledged = check.lost.length - count;
  if (unacknowledged > 0)
    findings.push(
      `${plural(unacknowledged, 'unacknowledged write')} that clients had read ${unacknowledged === 1 ? 'is' : 'are'} missing from some region at the end.`,
    );
  return findings;
}

function divergence(analysis: Analysis): string[] {
  const { converged, regionsDiffering } = analysis.convergence;
  if (converged || regionsDiffering.length === 0) return [];
  const reads = analysis.record.finalReads;
  const unreadable = regionsDiffering.filter(
    (region) => !reads.some((read) => read.region === region && read.ok),
  );
  const differing = regionsDiffering.filter((region) => !unreadable.includes(region));
  const parts: string[] = [];
  if (differing.length > 0)
    parts.push(`${listWords(differing)} ${differing.length === 1 ? 'differs' : 'differ'}`);
  for (const region of unreadable) {
    const finalRead = reads.find((read) => read.region === region);
    if (!finalRead) parts.push(`${region} was not read`);
    else parts.push(`${region} could not be read${finalRead.error ? ` (${finalRead.error})` : ''}`);
  }
  return [`Replicas did not converge: ${parts.join('; ')}.`];
}

function counterFindings(analysis: Analysis): string[] {
  return analysis.counters.flatMap((check) => {
    if (check.inRange) return [];
    const finalValue = finalValueWords(check);
    if (finalValue === 'unread') return [`Counter ${check.counter} could not be read at the end.`];
    const acknowledged = `${formatCount(check.acknowledged)} increments acknowledged`;
    if (check.lostIncrements > 0)
      return [
        `Counter ${check.counter}: ${acknowledged}, final value ${finalValue}: ${formatCount(check.lostIncrements)} lost to last-writer-wins.`,
      ];
    return [
      `Counter ${check.counter}: ${acknowledged} (${formatCount(check.indeterminate)} more unknown), final value ${finalValue}: more than the increments made.`,
    ];
  });
}

/** "the app" when clients went through it, "DynamoDB" when they only used the table directly. */
function serviceWord(ops: readonly OpRecord[]): string {
  return ops.length > 0 && ops.every((op) => op.entry === 'dynamodb') ? 'DynamoDB' : 'the app';
}

function recoveryTimeFinding(analysis: Analysis, time: RecoveryTime): string {
  const fault = faultWords(analysis, time.fault);
  const clients = `Clients in ${time.location}`;
  if (time.firstSuccessMs === null)
    return `${clients} did not recover after ${fault}: no operation succeeded after the first failure.`;
  const firstSuccess = formatDuration(time.firstSuccessMs);
  if (time.sustainedMs === null)
    return `${clients} did not recover after ${fault}: the first success came after ${firstSuccess}, but no ${formatDuration(analysis.sustainMs)} without failures followed before the load ended.`;
  return `${clients} could not use ${serviceWord(analysis.record.ops)} for ${formatDuration(time.sustainedMs)} after ${fault} (first success after ${firstSuccess}).`;
}

function availability(analysis: Analysis): string[] {
  const affected = analysis.recoveryTimes.filter((time) => time.affected);
  if (affected.length === 0)
    return analysis.faults.length > 0 && analysis.record.ops.length > 0
      ? ['No client location saw failures during the faults.']
      : [];
  return affected.map((time) => recoveryTimeFinding(analysis, time));
}

function recoveryPointFinding(analysis: Analysis, point: RecoveryPoint): string {
  const fault = faultLabelled(analysis, point.fault);
  const count = point.missingAtFailover;
  const regions = fault ? ` made in ${listWords(fault.event.regions)}` : '';
  const heal =
    point.missingAfterHeal === 0
      ? `${count === 1 ? 'it' : 'all'} arrived after the fault ended`
      : `${formatCount(point.missingAfterHeal)} ${point.missingAfterHeal === 1 ? 'is' : 'are'} still missing from some region`;
  return `${plural(count, 'acknowledged write')}${regions} ${were(count)} not in any other region when ${faultWords(analysis, point.fault)} began (recovery point ${formatDuration(point.windowMs)}); ${heal}.`;
}

function recoveryPointFindings(analysis: Analysis): string[] {
  return analysis.recoveryPoints
    .filter((point) => point.missingAtFailover > 0)
    .map((point) => recoveryPointFinding(analysis, point));
}

/** Most frequent first, then by name. */
function byCountThenName(counts: Record<string, number>): Array<[string, number]> {
  return Object.entries(counts).sort(([a, x], [b, y]) => y - x || compareStrings(a, b));
}

function errorFindings(analysis: Analysis): string[] {
  const { failed, ops, errorRate, indeterminate } = analysis.totals;
  if (failed === 0) return [];
  const codes = byCountThenName(errorCounts(analysis.record.ops));
  const shown = codes.slice(0, errorCodesShown).map(([code, count]) => `${code} ${formatCount(count)}`);
  if (codes.length > errorCodesShown) shown.push(`${codes.length - errorCodesShown} other codes`);
  const unknown = indeterminate > 0 ? `, ${formatCount(indeterminate)} with unknown outcome` : '';
  return [
    `${formatCount(failed)} of ${plural(ops, 'operation')} failed (${formatPercent(errorRate)}${unknown}): ${shown.join(', ')}.`,
  ];
}

function conflictFindings(analysis: Analysis): string[] {
  const { total, byTable } = analysis.record.conflicts;
  if (total === 0) return [];
  const tables = byCountThenName(byTable).map(([table, count]) => `${table}: ${formatCount(count)}`);
  const detail = tables.length > 0 ? ` (${tables.join(', ')})` : '';
  return [`Last-writer-wins discarded ${plural(total, 'write')}${detail}.`];
}

function visibilityFindings(analysis: Analysis): string[] {
  const { recovered, staleReads, stableLatency } = analysis.sets.check;
  const findings: string[] = [];
  if (recovered > 0)
    findings.push(
      `${plural(recovered, 'write')} that ${recovered === 1 ? 'was' : 'were'} not acknowledged showed up in reads: ${recovered === 1 ? 'it' : 'they'} took effect anyway.`,
    );
  if (staleReads > 0) {
    const slowest =
      stableLatency.maxMs !== null && stableLatency.maxMs > 0
        ? `; acknowledged writes took up to ${formatDuration(stableLatency.maxMs)} to show in every later read`
        : '';
    findings.push(
      `${plural(staleReads, 'read')} ${were(staleReads)} stale: began after a write was acknowledged and did not return it${slowest}.`,
    );
  }
  return findings;
}

function unreadWrites(analysis: Analysis): string[] {
  const { neverRead } = analysis.sets.check;
  if (neverRead === 0) return [];
  return [
    `${plural(neverRead, 'write')} ${were(neverRead)} never read by a client after completing; only the final reads checked ${neverRead === 1 ? 'it' : 'them'}.`,
  ];
}

interface Dominant {
  region: string;
  share: number;
}

/** The region that served most successful operations (ties: the first in region order). */
function dominantRegion(ops: readonly OpRecord[], regions: readonly string[]): Dominant | null {
  const served = ops.filter((op) => op.ok && op.region !== null);
  if (served.length === 0) return null;
  let best: Dominant | null = null;
  for (const region of regions) {
    const count = served.filter((op) => op.region === region).length;
    if (count > 0 && (best === null || count / served.length > best.share))
      best = { region, share: count / served.length };
  }
  return best;
}

function trafficShift(analysis: Analysis, fault: JudgedFault, location: string): string | null {
  const { record, regions } = analysis;
  const startMs = fault.event.startMs;
  const endMs = faultEndMs(fault.event, record.loadEndMs);
  const ops = record.ops.filter((op) => op.location === location);
  const before = dominantRegion(
    ops.filter((op) => op.startMs < startMs),
    regions,
  );
  const during = dominantRegion(
    ops.filter((op) => op.startMs >= startMs && op.startMs <= endMs),
    regions,
  );
  if (!before || !during || before.region === during.region) return null;
  const after = dominantRegion(
    ops.filter((op) => op.startMs > endMs),
    regions,
  );
  let afterwards = '';
  if (after)
    afterwards =
      after.region === before.region
        ? `; they went back to ${before.region} after it ended`
        : `; ${after.region} served them after it ended`;
  return `During ${describeFault(fault.event)}, clients in ${location} were served mostly by ${during.region} (${formatPercent(during.share)}) instead of ${before.region}${afterwards}.`;
}

function trafficFindings(analysis: Analysis): string[] {
  return analysis.faults.flatMap((fault) =>
    analysis.locations.flatMap((location) => trafficShift(analysis, fault, location) ?? []),
  );
}

function convergenceTime(analysis: Analysis): string[] {
  const { converged, afterLastFaultMs } = analysis.convergence;
  if (!converged || afterLastFaultMs === null) return [];
  const since = analysis.faults.length > 0 ? 'the load and the last fault ended' : 'the load ended';
  return [`Replicas converged ${formatDuration(afterLastFaultMs)} after ${since}.`];
}

export function findings(analysis: Analysis): string[] {
  return [
    ...runValidity(analysis),
    ...lostWrites(analysis),
    ...divergence(analysis),
    ...counterFindings(analysis),
    ...availability(analysis),
    ...recoveryPointFindings(analysis),
    ...errorFindings(analysis),
    ...conflictFindings(analysis),
    ...visibilityFindings(analysis),
    ...trafficFindings(analysis),
    ...convergenceTime(analysis),
    ...unreadWrites(analysis),
  ];
}
