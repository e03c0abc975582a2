/**
 * The report page's sections, each a function from the report to an HTML fragment. Every string
 * from the report passes through escapeHtml here (or in svg.ts); numbers pass through the
 * formatters.
 */
import type { CounterCheck, GamedayReport, LocationSummary, RecoveryTime, ScenarioStep } from '../model.js';
import { escapeHtml as esc } from './escape.js';
import {
  describeShares,
  faultName,
  formatCount,
  formatDurationMs,
  formatLatencyMs,
  formatOffsetMs,
  formatPercent,
  formatRatio,
  isDisruptive,
  largestFirst,
  missing,
  objectiveName,
  objectivesMet,
} from './format.js';
import {
  durationAxis,
  type HoverColumn,
  type LineSeries,
  percentAxis,
  renderLineChart,
  renderStackedAreaChart,
  seriesStyle,
  type TimeChart,
} from './svg.js';
import {
  failoverMarkers,
  faultSpans,
  latencyP99Points,
  locationNames,
  regionNames,
  replicationLagPoints,
  successRatePoints,
  timelineEndMs,
  trafficShareColumns,
} from './timeline.js';

/** How many lost element ids the page lists; the JSON report has them all. */
const lostIdsShown = 50;
/** How many error codes the per-location table names. */
const topErrorsShown = 3;

// --- building blocks -------------------------------------------------------------------------------

/** Table of contents entries, in page order. */
export const sectionTitles = {
  verdicts: 'Verdicts',
  findings: 'Findings',
  timelines: 'Timelines',
  recovery: 'Recovery',
  locations: 'Locations',
  consistency: 'Consistency',
  scenario: 'Scenario',
} as const;

type SectionId = keyof typeof sectionTitles;

function section(id: SectionId, body: string): string {
  return `<section id="${id}" data-section="${id}">\n<h2>${sectionTitles[id]}</h2>\n${body}\n</section>`;
}

interface TableOptions {
  caption?: string;
  /** Indexes of columns holding numbers (right-aligned, tabular digits). */
  numeric?: readonly number[];
  /** Class per body row (for failed verdicts and the like). */
  rowClasses?: readonly string[];
  dataTable?: string;
}

/** A table of cells that are already HTML (callers escape their text). */
function htmlTable(head: readonly string[], rows: readonly string[][], options: TableOptions = {}): string {
  const numeric = new Set(options.numeric ?? []);
  const cellClass = (index: number): string => (numeric.has(index) ? ' class="num"' : '');
  const caption = options.caption ? `<caption>${esc(options.caption)}</caption>` : '';
  const headRow = head.map((cell, index) => `<th scope="col"${cellClass(index)}>${cell}</th>`).join('');
  const bodyRows = rows.map((row, rowIndex) => {
    const rowClass = options.rowClasses?.[rowIndex];
    const cells = row.map((cell, index) => `<td${cellClass(index)}>${cell}</td>`).join('');
    return `<tr${rowClass ? ` class="${rowClass}"` : ''}>${cells}</tr>`;
  });
  const data = options.dataTable ? ` data-table="${options.dataTable}"` : '';
  return `<div class="table-wrap"><table${data}>${caption}<thead><tr>${headRow}</tr></thead><tbody>${bodyRows.join('')}</tbody></table></div>`;
}

function definitionList(pairs: ReadonlyArray<readonly [string, string]>): string {
  return `<dl class="facts">${pairs.map(([term, value]) => `<div><dt>${esc(term)}</dt><dd>${value}</dd></div>`).join('')}</dl>`;
}

const code = (text: string): string => `<code>${esc(text)}</code>`;
const note = (text: string): string => `<p class="note">${esc(text)}</p>`;
const passFail = (passed: boolean): string =>
  passed ? '<span class="result pass">✓ pass</span>' : '<span class="result fail">✗ FAIL</span>';

// --- header ---------------------------------------------------------------------------------------

export function headerSection(report: GamedayReport): string {
  const verdict = report.passed ? 'PASS' : 'FAIL';
  const stopped = report.stoppedEarly
    ? `<p class="stopped" role="alert">Stopped early: ${esc(report.stoppedEarly)}</p>`
    : '';
  const description = report.scenario.description
    ? `<p class="description">${esc(report.scenario.description)}</p>`
    : '';
  const world = report.world;
  const facts = definitionList([
    ['Seed', code(String(report.seed))],
    ['Run id', code(report.runId)],
    ['Started', `<time datetime="${esc(report.startedAt)}">${esc(report.startedAt)}</time>`],
    ['Duration', esc(formatDurationMs(report.durationMs))],
    ['World', `${esc(world.name)} (profile ${esc(world.profile)})`],
    [`Regions (${world.regions.length})`, esc(world.regions.join(', ') || missing)],
    [`Locations (${world.locations.length})`, esc(world.locations.join(', ') || missing)],
    [
      'Operations',
      `${esc(formatCount(report.totals.ops))}, ${esc(formatPercent(report.totals.errorRate))} failed, p99 ${esc(formatLatencyMs(report.totals.latency.p99Ms))}`,
    ],
  ]);
  return (
    `<header class="report-header">\n<p class="kicker">Pangea game day report</p>\n` +
    `<h1>Game day: <span class="scenario-name">${esc(report.scenario.name)}</span></h1>\n${description}\n` +
    `<div class="banner ${report.passed ? 'pass' : 'fail'}" data-verdict="${verdict}"><strong>${verdict}</strong>` +
    `<span>${esc(objectivesMet(report.verdicts))}</span></div>\n${stopped}\n${facts}\n</header>`
  );
}

export function tableOfContents(): string {
  const links = Object.entries(sectionTitles).map(([id, title]) => `<li><a href="#${id}">${title}</a></li>`);
  return `<nav class="toc" aria-label="Sections"><ol>${links.join('')}</ol></nav>`;
}

// --- verdicts and findings ------------------------------------------------------------------------

export function verdictsSection(report: GamedayReport): string {
  if (report.verdicts.length === 0) return section('verdicts', note('The scenario sets no objectives.'));
  const rows = report.verdicts.map((verdict) => [
    `${esc(objectiveName(verdict.objective))} ${code(verdict.objective)}`,
    esc(verdict.expected),
    esc(verdict.measured),
    passFail(verdict.passed),
  ]);
  return section(
    'verdicts',
    htmlTable(['Objective', 'Expected', 'Measured', 'Result'], rows, {
      rowClasses: report.verdicts.map((verdict) => (verdict.passed ? 'passed' : 'failed')),
      dataTable: 'verdicts',
    }),
  );
}

export function findingsSection(report: GamedayReport): string {
  if (report.findings.length === 0) return section('findings', note('No findings.'));
  const items = report.findings.map((finding) => `<li>${esc(finding)}</li>`).join('');
  return section('findings', `<ol class="findings">${items}</ol>`);
}

// --- timelines ------------------------------------------------------------------------------------

/** Each chart's data-chart id and title (also its visible caption). */
const chartTitles = {
  'success-rate': 'Success rate per location',
  'latency-p99': 'p99 latency per location',
  'traffic-share': 'Traffic share per serving region',
  'replication-lag': 'Replication lag into each region',
} as const;

interface TimelineContext {
  report: GamedayReport;
  locations: string[];
  regions: string[];
  base: Pick<TimeChart, 'endMs' | 'spans' | 'markers'>;
}

function bucketRange(report: GamedayReport, tMs: number): string {
  return `${formatOffsetMs(tMs)}–${formatOffsetMs(tMs + report.series.bucketMs)}`;
}

/** One tooltip per bucket: the bucket's time and a line per series. */
function hoverColumns(report: GamedayReport, lines: (bucketIndex: number) => string[]): HoverColumn[] {
  return report.series.buckets.map((bucket, index) => ({
    startMs: bucket.tMs,
    endMs: bucket.tMs + report.series.bucketMs,
    text: [bucketRange(report, bucket.tMs), ...lines(index)].join('\n'),
  }));
}

function lineSeries(names: readonly string[], points: (name: string) => LineSeries['points']): LineSeries[] {
  return names.map((name, index) => ({ label: name, ...seriesStyle(index), points: points(name) }));
}

/** "north-america lowest 0% at 10 s" per series, for the chart's description. */
function extremes(
  series: readonly LineSeries[],
  pick: 'min' | 'max',
  format: (value: number) => string,
): string {
  const parts = series.flatMap((one) => {
    const valued = one.points.filter((point) => point.value !== null && Number.isFinite(point.value));
    if (valued.length === 0) return [];
    const best = valued.reduce((a, b) =>
      (pick === 'min' ? b.value! < a.value! : b.value! > a.value!) ? b : a,
    );
    return [
      `${one.label} ${pick === 'min' ? 'lowest' : 'highest'} ${format(best.value!)} at ${formatOffsetMs(best.tMs)}`,
    ];
  });
  return parts.length > 0 ? `${parts.join('; ')}.` : 'No data.';
}

function successRateChart(context: TimelineContext): string {
  const { report, locations } = context;
  const series = lineSeries(locations, (location) => successRatePoints(report, location));
  return renderLineChart({
    ...context.base,
    id: 'success-rate',
    title: chartTitles['success-rate'],
    description: `Share of each location's operations that succeeded, per ${formatDurationMs(report.series.bucketMs)}. ${extremes(series, 'min', formatPercent)}`,
    yAxis: percentAxis('operations succeeded'),
    series,
    hover: hoverColumns(report, (index) =>
      locations.map((location) => {
        const counts = report.series.buckets[index]?.locations[location];
        const total = counts ? counts.ok + counts.failed : 0;
        return `${location}: ${counts && total > 0 ? `${formatRatio(counts.ok, total)} of ${total}` : 'no operations'}`;
      }),
    ),
  });
}

function latencyChart(context: TimelineContext): string {
  const { report, locations } = context;
  const series = lineSeries(locations, (location) => latencyP99Points(report, location));
  const values = series.flatMap((one) => one.points.map((point) => point.value ?? Number.NaN));
  return renderLineChart({
    ...context.base,
    id: 'latency-p99',
    title: chartTitles['latency-p99'],
    description: `99th percentile latency of successful operations per location. ${extremes(series, 'max', formatLatencyMs)}`,
    yAxis: durationAxis(values, 'p99 latency'),
    series,
    hover: hoverColumns(report, (index) =>
      locations.map(
        (location) =>
          `${location}: p99 ${formatLatencyMs(report.series.buckets[index]?.locations[location]?.p99Ms)}`,
      ),
    ),
  });
}

function trafficShareChart(context: TimelineContext): string {
  const { report, regions } = context;
  const failovers = context.base.markers.map((marker) => marker.detail);
  return renderStackedAreaChart({
    ...context.base,
    id: 'traffic-share',
    title: chartTitles['traffic-share'],
    description: `Share of successful operations served by each region, stacked to 100%. ${failovers.length > 0 ? `Failovers: ${failovers.join('; ')}.` : 'No failovers.'}`,
    yAxis: percentAxis('share of successful operations'),
    layers: regions.map((region, index) => ({ label: region, colour: seriesStyle(index).colour })),
    columns: trafficShareColumns(report, regions),
    hover: hoverColumns(report, (index) => {
      const shares = report.series.buckets[index]?.regionShare ?? {};
      const description = describeShares(shares);
      return [description === missing ? 'no successful operations' : description];
    }),
  });
}

function replicationLagChart(context: TimelineContext): string {
  const { report, regions } = context;
  const series = lineSeries(regions, (region) => replicationLagPoints(report, region));
  const values = series.flatMap((one) => one.points.map((point) => point.value ?? Number.NaN));
  return renderLineChart({
    ...context.base,
    id: 'replication-lag',
    title: chartTitles['replication-lag'],
    description: `Worst replication latency into each region from any other, per bucket; gaps where none was reported. ${extremes(series, 'max', formatDurationMs)}`,
    yAxis: durationAxis(values, 'replication lag'),
    series,
    hover: hoverColumns(report, (index) =>
      regions.map(
        (region) => `${region}: ${formatDurationMs(report.series.buckets[index]?.replicationLagMs[region])}`,
      ),
    ),
  });
}

export function timelinesSection(report: GamedayReport): string {
  const endMs = timelineEndMs(report);
  const context: TimelineContext = {
    report,
    locations: locationNames(report),
    regions: regionNames(report),
    base: { endMs, spans: faultSpans(report), markers: failoverMarkers(report) },
  };
  const intro = note(
    `All four charts share the time axis (seconds since the start of load; buckets of ${formatDurationMs(report.series.bucketMs)}). ` +
      'Shaded: faults. Dashed lines: failovers, where a region stopped serving or served again. ' +
      'Gaps: nothing measured. Hover for the numbers of a bucket.',
  );
  const charts: Array<[keyof typeof chartTitles, (context: TimelineContext) => string]> = [
    ['success-rate', successRateChart],
    ['latency-p99', latencyChart],
    ['traffic-share', trafficShareChart],
    ['replication-lag', replicationLagChart],
  ];
  const figures = charts.map(
    ([id, chart]) =>
      `<figure class="chart-figure"><figcaption>${chartTitles[id]}</figcaption>${chart(context)}</figure>`,
  );
  return section('timelines', `${intro}\n${figures.join('\n')}`);
}

// --- recovery -------------------------------------------------------------------------------------

const unique = (values: readonly string[]): string[] => [...new Set(values)];

function recoveryCell(recovery: RecoveryTime | undefined): string {
  if (!recovery) return `<span class="muted">${missing}</span>`;
  if (!recovery.affected) return '<span class="muted">not affected</span>';
  const first = `<br><small>first success ${esc(formatDurationMs(recovery.firstSuccessMs))}</small>`;
  if (recovery.sustainedMs === null) return `<span class="bad">never recovered</span>${first}`;
  return `<strong>${esc(formatDurationMs(recovery.sustainedMs))}</strong>${first}`;
}

function recoveryTimesTable(report: GamedayReport): string {
  if (report.recoveryTimes.length === 0) return note('No recovery times: no fault was measured.');
  const faults = unique(report.recoveryTimes.map((recovery) => recovery.fault));
  const locations = unique(report.recoveryTimes.map((recovery) => recovery.location));
  const rows = locations.map((location) => [
    esc(location),
    ...faults.map((fault) =>
      recoveryCell(report.recoveryTimes.find((one) => one.fault === fault && one.location === location)),
    ),
  ]);
  return (
    '<h3>Recovery times</h3>' +
    note(
      'From the fault’s start until failures stopped for good (sustained), and until the first success after the first failure.',
    ) +
    htmlTable(['Location', ...faults.map(esc)], rows, { dataTable: 'recovery-times' })
  );
}

function recoveryPointsTable(report: GamedayReport): string {
  if (report.recoveryPoints.length === 0)
    return (
      '<h3>Recovery points</h3>' + note('No fault isolated a region, so no recovery point was measured.')
    );
  const rows = report.recoveryPoints.map((point) => [
    esc(point.fault),
    esc(formatCount(point.missingAtFailover)),
    esc(formatDurationMs(point.windowMs)),
    point.missingAfterHeal > 0
      ? `<span class="bad">${esc(formatCount(point.missingAfterHeal))}</span>`
      : esc(formatCount(point.missingAfterHeal)),
  ]);
  return (
    '<h3>Recovery points</h3>' +
    note(
      'Acknowledged writes in the fault’s regions that the surviving regions lacked when the fault started; the window reaches back to the oldest of them.',
    ) +
    htmlTable(['Fault', 'Missing at failover', 'Data-loss window', 'Still missing after heal'], rows, {
      numeric: [1, 2, 3],
      dataTable: 'recovery-points',
    })
  );
}

export function recoverySection(report: GamedayReport): string {
  return section('recovery', `${recoveryTimesTable(report)}\n${recoveryPointsTable(report)}`);
}

// --- locations ------------------------------------------------------------------------------------

function topErrors(location: LocationSummary): string {
  const errors = largestFirst(location.errors);
  if (errors.length === 0) return '<span class="muted">none</span>';
  const shown = errors
    .slice(0, topErrorsShown)
    .map(([error, count]) => `<li>${code(error)} × ${esc(formatCount(count))}</li>`);
  const more =
    errors.length > topErrorsShown ? `<li class="muted">+${errors.length - topErrorsShown} more</li>` : '';
  return `<ul class="errors">${shown.join('')}${more}</ul>`;
}

/** One line per serving region, largest share first. */
function servedBy(location: LocationSummary): string {
  const shares = largestFirst(location.regionShare);
  const total = shares.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return `<span class="muted">${missing}</span>`;
  const items = shares.map(
    ([region, count]) => `<li>${esc(region)} ${esc(formatPercent(count / total))}</li>`,
  );
  return `<ul class="shares">${items.join('')}</ul>`;
}

export function locationsSection(report: GamedayReport): string {
  if (report.locations.length === 0) return section('locations', note('No location ran any operation.'));
  const rows = report.locations.map((location) => [
    esc(location.location),
    esc(formatCount(location.ops)),
    esc(formatCount(location.failed)),
    esc(formatCount(location.indeterminate)),
    esc(location.ops > 0 ? formatPercent(location.successRate) : missing),
    esc(formatLatencyMs(location.latency.p50Ms)),
    esc(formatLatencyMs(location.latency.p99Ms)),
    servedBy(location),
    topErrors(location),
  ]);
  const head = ['Location', 'Ops', 'Failed', 'Unknown', 'Success', 'p50', 'p99', 'Served by', 'Top errors'];
  return section(
    'locations',
    htmlTable(head, rows, { numeric: [1, 2, 3, 4, 5, 6], dataTable: 'locations' }) +
      note(
        'Unknown: writes whose outcome is unknown (timed out or cut off after being sent). Latencies are of successful operations; shares are of successful operations per serving region.',
      ),
  );
}

// --- consistency ----------------------------------------------------------------------------------

function setsPart(report: GamedayReport): string {
  const sets = report.sets;
  const facts = definitionList([
    ['Adds attempted', esc(formatCount(sets.attempted))],
    ['Acknowledged', esc(formatCount(sets.acknowledged))],
    ['Stable', esc(formatCount(sets.stable))],
    ['Lost', sets.lost.length > 0 ? `<span class="bad">${esc(formatCount(sets.lost.length))}</span>` : '0'],
    ['Never read', esc(formatCount(sets.neverRead))],
    ['Stale reads', esc(formatCount(sets.staleReads))],
    ['Recovered (unknown outcome, then read)', esc(formatCount(sets.recovered))],
    [
      'Time to stable',
      `p50 ${esc(formatDurationMs(sets.stableLatency.p50Ms))}, p99 ${esc(formatDurationMs(sets.stableLatency.p99Ms))}`,
    ],
  ]);
  const shown = sets.lost.slice(0, lostIdsShown);
  const rest = sets.lost.length - shown.length;
  const lost =
    sets.lost.length === 0
      ? '<p>No acknowledged element was lost.</p>'
      : `<p>Lost elements${rest > 0 ? ` (first ${lostIdsShown} of ${formatCount(sets.lost.length)})` : ''}:</p>` +
        `<ul class="ids" data-list="lost">${shown.map((id) => `<li>${code(id)}</li>`).join('')}</ul>` +
        (rest > 0 ? note(`…and ${formatCount(rest)} more in the JSON report.`) : '');
  return `<h3>Sets (Jepsen set-full)</h3>${facts}${lost}`;
}

function counterRow(counter: CounterCheck, regions: readonly string[]): string[] {
  const values = regions.map((region) => {
    const value = counter.finalValues[region];
    return value === null || value === undefined
      ? `<span class="muted">${missing}</span>`
      : esc(formatCount(value));
  });
  return [
    code(counter.counter),
    esc(formatCount(counter.acknowledged)),
    esc(formatCount(counter.indeterminate)),
    esc(
      counter.range[0] === counter.range[1]
        ? formatCount(counter.range[0])
        : `${formatCount(counter.range[0])} – ${formatCount(counter.range[1])}`,
    ),
    ...values,
    passFail(counter.inRange),
    counter.lostIncrements > 0 ? `<span class="bad">${esc(formatCount(counter.lostIncrements))}</span>` : '0',
  ];
}

function countersPart(report: GamedayReport): string {
  if (report.counters.length === 0) return '<h3>Counters</h3>' + note('No counters were incremented.');
  const regions = unique([
    ...report.world.regions,
    ...report.counters.flatMap((counter) => Object.keys(counter.finalValues)),
  ]);
  const head = [
    'Counter',
    'Acknowledged',
    'Unknown outcome',
    'Acceptable',
    ...regions.map(esc),
    'In range',
    'Lost',
  ];
  const numeric = [1, 2, 3, ...regions.map((_, index) => 4 + index), 5 + regions.length];
  return (
    '<h3>Counters</h3>' +
    htmlTable(
      head,
      report.counters.map((counter) => counterRow(counter, regions)),
      {
        numeric,
        rowClasses: report.counters.map((c) => (c.inRange ? 'passed' : 'failed')),
        dataTable: 'counters',
      },
    )
  );
}

function convergencePart(report: GamedayReport): string {
  const { converged, afterLastFaultMs, regionsDiffering } = report.convergence;
  const text = converged
    ? `Every region read the same ${afterLastFaultMs === null ? 'at the end' : `${formatDurationMs(afterLastFaultMs)} after the load and the last fault ended`}.`
    : `The regions did not converge within the settle timeout${regionsDiffering.length > 0 ? `; differing: ${regionsDiffering.join(', ')}` : ''}.`;
  return `<h3>Convergence</h3><p class="${converged ? '' : 'bad'}">${esc(text)}</p>`;
}

function conflictsPart(report: GamedayReport): string {
  const conflicts = report.conflicts;
  const header = '<h3>Last-writer-wins discards</h3>';
  if (conflicts.total === 0) return header + '<p>No write was discarded by last-writer-wins.</p>';
  const byTable = largestFirst(conflicts.byTable)
    .map(([table, count]) => `${table} ${formatCount(count)}`)
    .join(', ');
  const samples =
    conflicts.samples.length === 0
      ? ''
      : htmlTable(
          ['Table', 'Key', 'Winner', 'Discarded'],
          conflicts.samples.map((sample) => [
            esc(sample.table),
            code(sample.key),
            esc(sample.winnerRegion),
            esc(sample.loserRegion),
          ]),
          {
            caption: `Samples (${conflicts.samples.length} of ${formatCount(conflicts.total)})`,
            dataTable: 'conflicts',
          },
        );
  return `${header}<p>${esc(`${formatCount(conflicts.total)} concurrent writes were discarded (${byTable}).`)}</p>${samples}`;
}

export function consistencySection(report: GamedayReport): string {
  return section(
    'consistency',
    [setsPart(report), countersPart(report), convergencePart(report), conflictsPart(report)].join('\n'),
  );
}

// --- scenario -------------------------------------------------------------------------------------

function parameters(values: Record<string, string | number>): string {
  const entries = Object.entries(values);
  return entries.length === 0 ? '' : entries.map(([key, value]) => `${key}=${value}`).join(', ');
}

function stepsTable(steps: readonly ScenarioStep[]): string {
  if (steps.length === 0) return note('No steps: load only.');
  const rows = steps.map((step) => [
    esc(step.name),
    esc(formatOffsetMs(step.atMs)),
    code(step.action),
    esc(parameters(step.parameters)),
    esc(formatDurationMs(step.durationMs)),
  ]);
  return htmlTable(['Step', 'At', 'Action', 'Parameters', 'Duration'], rows, {
    numeric: [1, 4],
    dataTable: 'steps',
  });
}

function faultsTable(report: GamedayReport): string {
  if (report.faults.length === 0) return '';
  const rows = report.faults.map((fault) => [
    esc(faultName(fault)),
    esc(formatOffsetMs(fault.scheduledMs)),
    esc(formatOffsetMs(fault.startMs)),
    fault.endMs === null ? '<span class="bad">still active</span>' : esc(formatOffsetMs(fault.endMs)),
    esc(fault.regions.join(', ') || missing),
    fault.error
      ? `<span class="bad">failed: ${esc(fault.error)}</span>`
      : fault.faultId
        ? code(fault.faultId)
        : esc(isDisruptive(fault) ? missing : 'wait'),
  ]);
  return (
    '<h3>Faults as carried out</h3>' +
    htmlTable(['Step', 'Scheduled', 'Started', 'Ended', 'Regions', 'Fault id'], rows, {
      numeric: [1, 2, 3],
      dataTable: 'faults',
    })
  );
}

function loadFacts(report: GamedayReport): string {
  const load = report.scenario.load;
  const mix = largestFirst(load.mix as Record<string, number>)
    .map(([kind, weight]) => `${kind} ${weight}`)
    .join(' · ');
  return definitionList([
    ['Entry', esc(load.entry === 'dns' ? 'Route 53 DNS' : 'Global Accelerator')],
    ['Locations', esc(Array.isArray(load.locations) ? load.locations.join(', ') : String(load.locations))],
    ['Clients per location', esc(formatCount(load.clientsPerLocation))],
    ['Rate per client', esc(`${load.ratePerClient} ops/s`)],
    ['Operation mix', esc(mix || missing)],
    ['Request timeout', esc(formatDurationMs(load.requestTimeoutMs))],
    [
      'Counters',
      esc(load.counters === 'shared' ? 'one shared by every client' : 'one per region written to'),
    ],
  ]);
}

export function scenarioSection(report: GamedayReport): string {
  const scenario = report.scenario;
  const facts = definitionList([
    ['Name', esc(scenario.name)],
    ['Source', code(scenario.source)],
    ['Written for profile', esc(scenario.profile)],
    ['Planned duration', esc(formatDurationMs(scenario.durationMs))],
    [
      'Data',
      esc(scenario.data.replicated ? 'global table (replicated)' : 'one unreplicated table per region'),
    ],
  ]);
  return section(
    'scenario',
    `${facts}<h3>Load</h3>${loadFacts(report)}<h3>Steps</h3>${stepsTable(scenario.steps)}${faultsTable(report)}`,
  );
}

export function appendixNote(): string {
  return (
    '<footer class="appendix">' +
    '<p>The complete data, every bucket of the timelines and every lost element included, is in the JSON report next to this file.</p>' +
    '</footer>'
  );
}
