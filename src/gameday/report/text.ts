/**
 * The terminal summary `pangea gameday` prints at the end of a run: the verdict, a verdict table,
 * the key measurements and the findings. The caller adds where the reports were written.
 */
import { table } from '../../cli/table.js';
import type { GamedayReport } from '../model.js';
import { escapeTerminal } from './escape.js';
import {
  formatCount,
  formatDurationMs,
  formatLatencyMs,
  formatPercent,
  largestFirst,
  objectiveName,
  objectivesMet,
} from './format.js';

/** Findings wrap here; tables don't (their rows must stay rows). */
const wrapColumns = 100;
const indent = '  ';

/** Report strings come from users and from the systems under test: no escape sequences get through. */
const clean = escapeTerminal;

function header(report: GamedayReport): string[] {
  const world = report.world;
  const lines = [
    `Game day "${clean(report.scenario.name)}": ${report.passed ? 'PASS' : 'FAIL'}, ${objectivesMet(report.verdicts)}`,
    [
      `seed ${report.seed}`,
      `run ${clean(report.runId)}`,
      `started ${clean(report.startedAt)}`,
      `took ${formatDurationMs(report.durationMs)}`,
    ].join(' · '),
    `world ${clean(world.name)} (profile ${clean(world.profile)}): ${world.regions.map(clean).join(', ')}; ${world.locations.length} locations`,
  ];
  if (report.stoppedEarly) lines.push(`Stopped early: ${clean(report.stoppedEarly)}`);
  return lines;
}

function verdictTable(report: GamedayReport): string[] {
  if (report.verdicts.length === 0) return ['No objectives judged.'];
  return table([
    ['OBJECTIVE', 'EXPECTED', 'MEASURED', 'RESULT'],
    ...report.verdicts.map((verdict) => [
      objectiveName(verdict.objective),
      clean(verdict.expected),
      clean(verdict.measured),
      verdict.passed ? 'pass' : 'FAIL',
    ]),
  ]).split('\n');
}

/** Per fault, the worst affected location's sustained recovery time; never recovering is worst. */
function recoveryTimeRows(report: GamedayReport): string[][] {
  const faults = [...new Set(report.recoveryTimes.map((recovery) => recovery.fault))];
  return faults.map((fault) => {
    const affected = report.recoveryTimes.filter((recovery) => recovery.fault === fault && recovery.affected);
    const label = `RTO ${clean(fault)}`;
    if (affected.length === 0) return [label, 'no location affected'];
    const never = affected.find((recovery) => recovery.sustainedMs === null);
    if (never) return [label, `never recovered in ${clean(never.location)}`];
    const worst = affected.reduce((a, b) => ((b.sustainedMs ?? 0) > (a.sustainedMs ?? 0) ? b : a));
    return [
      label,
      `${formatDurationMs(worst.sustainedMs)} sustained, worst ${clean(worst.location)} (first success ${formatDurationMs(worst.firstSuccessMs)})`,
    ];
  });
}

function recoveryPointRows(report: GamedayReport): string[][] {
  if (report.recoveryPoints.length === 0) return [['RPO', 'not measured (no fault isolated a region)']];
  return report.recoveryPoints.map((point) => [
    `RPO ${clean(point.fault)}`,
    `${formatDurationMs(point.windowMs)} window, ${formatCount(point.missingAtFailover)} writes missing at failover, ${formatCount(point.missingAfterHeal)} after heal`,
  ]);
}

function consistencyRows(report: GamedayReport): string[][] {
  const { convergence, sets, counters, conflicts } = report;
  const rows: string[][] = [
    [
      'convergence',
      convergence.converged
        ? convergence.afterLastFaultMs === null
          ? 'converged'
          : `${formatDurationMs(convergence.afterLastFaultMs)} after the last fault`
        : `not converged${convergence.regionsDiffering.length > 0 ? ` (differing: ${convergence.regionsDiffering.map(clean).join(', ')})` : ''}`,
    ],
    [
      'lost writes',
      `${formatCount(sets.lost.length)} of ${formatCount(sets.acknowledged)} acknowledged (${formatCount(sets.staleReads)} stale reads)`,
    ],
  ];
  if (counters.length > 0) {
    const outOfRange = counters.filter((counter) => !counter.inRange).length;
    const lostIncrements = counters.reduce((sum, counter) => sum + counter.lostIncrements, 0);
    rows.push([
      'counters',
      `${outOfRange === 0 ? 'all' : `${outOfRange} of`} ${counters.length} ${outOfRange === 0 ? 'in range' : 'out of range'}, ${formatCount(lostIncrements)} increments lost`,
    ]);
  }
  const byTable = largestFirst(conflicts.byTable)
    .map(([name, count]) => `${clean(name)} ${formatCount(count)}`)
    .join(', ');
  rows.push(['LWW discards', conflicts.total > 0 ? `${formatCount(conflicts.total)} (${byTable})` : '0']);
  return rows;
}

function keyMeasurements(report: GamedayReport): string[] {
  const totals = report.totals;
  const rows = [
    ...recoveryTimeRows(report),
    ...recoveryPointRows(report),
    [
      'error rate',
      `${formatPercent(totals.errorRate)} (${formatCount(totals.failed)} of ${formatCount(totals.ops)} operations failed, ${formatCount(totals.indeterminate)} unknown outcome)`,
    ],
    ['latency', `p50 ${formatLatencyMs(totals.latency.p50Ms)}, p99 ${formatLatencyMs(totals.latency.p99Ms)}`],
    ...consistencyRows(report),
  ];
  return [
    'Key measurements',
    ...table(rows)
      .split('\n')
      .map((line) => indent + line),
  ];
}

/** Words to lines of at most `width` columns (a longer word gets a line of its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function findings(report: GamedayReport): string[] {
  if (report.findings.length === 0) return ['Findings: none'];
  return [
    'Findings',
    ...report.findings.flatMap((finding, index) => {
      const number = `${index + 1}. `;
      const hanging = ' '.repeat(number.length);
      return wrap(clean(finding), wrapColumns - indent.length - number.length).map(
        (line, lineIndex) => indent + (lineIndex === 0 ? number : hanging) + line,
      );
    }),
  ];
}

export function renderTextSummary(report: GamedayReport): string {
  return [header(report), verdictTable(report), keyMeasurements(report), findings(report)]
    .map((block) => block.join('\n'))
    .join('\n\n');
}
