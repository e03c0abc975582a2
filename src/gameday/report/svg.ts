/**
 * SVG chart primitives for the game day report: value axes, a shared time axis, legends, fault
 * spans, vertical markers, line charts and stacked areas, written as strings on the server.
 *
 * Why no chart library: the report is one file that must open offline, print, and show its charts
 * with JavaScript off. A client-side library would have to be bundled into every report and would
 * draw nothing without JavaScript; a server-side one would be a dependency for a handful of lines
 * and rectangles. The shapes here are few and simple.
 *
 * Every chart is an `<svg role="img">` with a `<title>`, a `<desc>`, axis labels, a legend and a
 * `data-chart` attribute. Drawn data carries class `series`. Hover columns carry native `<title>`
 * tooltips, which need no script.
 */
import { escapeHtml } from './escape.js';

// --- layout ---------------------------------------------------------------------------------------

/** The viewBox width; the page scales the chart to its column. */
const chartWidthPx = 960;
const plotHeightPx = 220;
const marginLeftPx = 72;
const marginRightPx = 18;
const marginBottomPx = 48;
const marginTopPx = 8;
const legendRowPx = 20;
const laneRowPx = 16;
const fontSizePx = 12;
/** Rough width of one character at fontSizePx; labels are placed without measuring text. */
const charWidthPx = 6.8;
/** More hover columns than this would bloat the file for little use. */
const maxHoverColumns = 720;

interface PlotArea {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Okabe–Ito colours: distinguishable with the common colour-vision deficiencies, dark enough on white. */
const palette = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#8C6D31'];

/** Light enough to read lines through, warm to stand apart from the grey grid. */
const faultFill = '#f8dccd';

/** Colour (and, once colours repeat, a dash pattern) of the n-th series of a chart. */
export function seriesStyle(index: number): { colour: string; dash: string | null } {
  const colour = palette[index % palette.length] ?? '#000000';
  const dashes = [null, '7 4', '2 3'];
  return { colour, dash: dashes[Math.floor(index / palette.length) % dashes.length] ?? null };
}

/** A coordinate with one decimal; never NaN or Infinity in the output, whatever came in. */
const px = (value: number): string => (Number.isFinite(value) ? String(Math.round(value * 10) / 10) : '0');

const textWidthPx = (text: string): number => text.length * charWidthPx;

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));

// --- axes -----------------------------------------------------------------------------------------

export interface Tick {
  value: number;
  label: string;
}

export interface ValueAxis {
  kind: 'linear' | 'log';
  min: number;
  max: number;
  ticks: Tick[];
  /** Axis title, with its unit. */
  label: string;
}

/** A step of 1, 2 or 5 times a power of ten giving about `count` intervals over `range`. */
function niceStep(range: number, count: number): number {
  const raw = range / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normalised = raw / magnitude;
  const factor = normalised <= 1 ? 1 : normalised <= 2 ? 2 : normalised <= 5 ? 5 : 10;
  return factor * magnitude;
}

/** Fractions from 0 to 1 shown as percentages. */
export function percentAxis(label: string): ValueAxis {
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((value) => ({ value, label: `${value * 100}%` }));
  return { kind: 'linear', min: 0, max: 1, ticks, label };
}

/** Milliseconds on an axis: "50 ms", "2 s". */
function axisMs(value: number): string {
  if (value >= 1000) return `${Number((value / 1000).toPrecision(3))} s`;
  return `${Number(value.toPrecision(3))} ms`;
}

/**
 * An axis for durations in ms. Latencies and lags span orders of magnitude once a fault hits
 * (tens of ms normally, a timeout or a replication backlog of seconds), and on a linear axis the
 * normal values would flatten into the floor; so the axis is logarithmic when the values spread
 * over more than a factor of 20, and linear from zero otherwise.
 */
export function durationAxis(valuesMs: readonly number[], label: string): ValueAxis {
  const positive = valuesMs.filter((value) => Number.isFinite(value) && value > 0);
  const largest = positive.length > 0 ? Math.max(...positive) : 0;
  const smallest = positive.length > 0 ? Math.min(...positive) : 0;
  if (positive.length > 0 && largest / smallest > 20) return logDurationAxis(smallest, largest, label);
  const step = niceStep(largest > 0 ? largest * 1.05 : 100, 5);
  const max = Math.max(step, Math.ceil((largest * 1.05) / step) * step);
  const ticks: Tick[] = [];
  for (let value = 0; value <= max + step / 2; value += step) ticks.push({ value, label: axisMs(value) });
  return { kind: 'linear', min: 0, max, ticks, label };
}

/** Bounds and ticks of a log axis: 1, 2 and 5 times powers of ten, hugging the data. */
function logDurationAxis(smallest: number, largest: number, label: string): ValueAxis {
  const steps: number[] = [];
  for (let decade = Math.floor(Math.log10(smallest)); decade <= Math.ceil(Math.log10(largest)); decade++)
    for (const multiple of [1, 2, 5]) steps.push(multiple * 10 ** decade);
  const min = [...steps].reverse().find((step) => step <= smallest) ?? smallest;
  const max = steps.find((step) => step >= largest) ?? largest;
  const inRange = steps.filter((step) => step >= min && step <= max);
  // Over many decades, 2s and 5s would crowd the axis: decades (and the ends) only.
  const crowded = Math.log10(max / min) > 3;
  const ticks = inRange
    .filter((step, index) => !crowded || index === 0 || index === inRange.length - 1 || isPowerOfTen(step))
    .map((value) => ({ value, label: axisMs(value) }));
  return { kind: 'log', min, max, ticks, label: `${label}, log scale` };
}

const isPowerOfTen = (value: number): boolean =>
  Math.abs(Math.log10(value) - Math.round(Math.log10(value))) < 1e-9;

/** Pixel y of a value; values outside the axis (and zeros on a log axis) are pinned to its ends. */
function yOf(value: number, axis: ValueAxis, area: PlotArea): number {
  const position =
    axis.kind === 'log'
      ? (Math.log10(Math.max(value, axis.min)) - Math.log10(axis.min)) /
        (Math.log10(axis.max) - Math.log10(axis.min))
      : (value - axis.min) / (axis.max - axis.min || 1);
  return area.bottom - clamp(position, 0, 1) * (area.bottom - area.top);
}

/** The shared time axis: 0 to endMs, ticks in whole seconds. */
function xOf(ms: number, endMs: number, area: PlotArea): number {
  return area.left + (clamp(ms, 0, endMs) / endMs) * (area.right - area.left);
}

function timeTicks(endMs: number): Tick[] {
  const steps = [1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];
  const seconds = endMs / 1000;
  const step = steps.find((candidate) => seconds / candidate <= 12) ?? niceStep(seconds, 10);
  const ticks: Tick[] = [];
  for (let value = 0; value <= seconds + 1e-9; value += step)
    ticks.push({ value: value * 1000, label: `${value}` });
  return ticks;
}

function renderTimeAxis(endMs: number, area: PlotArea): string {
  const parts = timeTicks(endMs).map((tick) => {
    const x = px(xOf(tick.value, endMs, area));
    return (
      `<line class="grid" x1="${x}" y1="${px(area.top)}" x2="${x}" y2="${px(area.bottom)}"/>` +
      `<line class="tick" x1="${x}" y1="${px(area.bottom)}" x2="${x}" y2="${px(area.bottom + 5)}"/>` +
      `<text class="tick-label" x="${x}" y="${px(area.bottom + 18)}" text-anchor="middle">${escapeHtml(tick.label)}</text>`
    );
  });
  const middle = px((area.left + area.right) / 2);
  parts.push(
    `<line class="axis" x1="${px(area.left)}" y1="${px(area.bottom)}" x2="${px(area.right)}" y2="${px(area.bottom)}"/>`,
    `<text class="axis-label" x="${middle}" y="${px(area.bottom + 38)}" text-anchor="middle">seconds since start</text>`,
  );
  return `<g class="x-axis">${parts.join('')}</g>`;
}

function renderValueAxis(axis: ValueAxis, area: PlotArea): string {
  const parts = axis.ticks.map((tick) => {
    const y = px(yOf(tick.value, axis, area));
    return (
      `<line class="grid" x1="${px(area.left)}" y1="${y}" x2="${px(area.right)}" y2="${y}"/>` +
      `<text class="tick-label" x="${px(area.left - 8)}" y="${y}" dy="0.32em" text-anchor="end">${escapeHtml(tick.label)}</text>`
    );
  });
  const middle = px((area.top + area.bottom) / 2);
  parts.push(
    `<line class="axis" x1="${px(area.left)}" y1="${px(area.top)}" x2="${px(area.left)}" y2="${px(area.bottom)}"/>`,
    `<text class="axis-label" transform="translate(16 ${middle}) rotate(-90)" text-anchor="middle">${escapeHtml(axis.label)}</text>`,
  );
  return `<g class="y-axis">${parts.join('')}</g>`;
}

// --- legend ---------------------------------------------------------------------------------------

export interface LegendItem {
  label: string;
  colour: string;
  dash: string | null;
  shape: 'line' | 'area' | 'span' | 'marker';
}

interface PlacedLegendItem {
  item: LegendItem;
  x: number;
  row: number;
}

const legendSwatchPx = 22;
const legendGapPx = 18;

/** Items left to right, wrapping to new rows at the chart's width. */
function layoutLegend(items: readonly LegendItem[]): { placed: PlacedLegendItem[]; rows: number } {
  const placed: PlacedLegendItem[] = [];
  let x = marginLeftPx;
  let row = 0;
  for (const item of items) {
    const width = legendSwatchPx + 6 + textWidthPx(item.label);
    if (x > marginLeftPx && x + width > chartWidthPx - marginRightPx) {
      row += 1;
      x = marginLeftPx;
    }
    placed.push({ item, x, row });
    x += width + legendGapPx;
  }
  return { placed, rows: items.length === 0 ? 0 : row + 1 };
}

function legendSwatch(item: LegendItem, x: number, y: number): string {
  const dash = item.dash ? ` stroke-dasharray="${item.dash}"` : '';
  switch (item.shape) {
    case 'line':
      return `<line x1="${px(x)}" y1="${px(y)}" x2="${px(x + legendSwatchPx)}" y2="${px(y)}" stroke="${item.colour}" stroke-width="3"${dash}/>`;
    case 'area':
      return `<rect x="${px(x)}" y="${px(y - 6)}" width="${legendSwatchPx}" height="12" fill="${item.colour}" fill-opacity="0.75"/>`;
    case 'span':
      return `<rect class="fault-span" fill="${faultFill}" x="${px(x)}" y="${px(y - 6)}" width="${legendSwatchPx}" height="12"/>`;
    case 'marker':
      return `<line class="marker-line" x1="${px(x + legendSwatchPx / 2)}" y1="${px(y - 7)}" x2="${px(x + legendSwatchPx / 2)}" y2="${px(y + 7)}"/>`;
  }
}

function renderLegend(placed: readonly PlacedLegendItem[]): string {
  const parts = placed.map(({ item, x, row }) => {
    const y = marginTopPx + row * legendRowPx + legendRowPx / 2;
    return (
      `<g class="legend-item">${legendSwatch(item, x, y)}` +
      `<text x="${px(x + legendSwatchPx + 6)}" y="${px(y)}" dy="0.32em">${escapeHtml(item.label)}</text></g>`
    );
  });
  return `<g class="legend">${parts.join('')}</g>`;
}

// --- annotations: fault spans and markers ----------------------------------------------------------

/** A shaded stretch of time, such as a fault. */
export interface TimeSpan {
  startMs: number;
  endMs: number;
  label: string;
  /** Tooltip text. */
  detail: string;
}

/** A moment drawn as a vertical line, such as a failover. */
export interface TimeMarker {
  atMs: number;
  label: string;
  detail: string;
}

interface LaneLabel {
  x: number;
  width: number;
}

/** Greedy rows so that labels of overlapping spans and nearby markers don't overprint each other. */
function assignLanes(labels: readonly LaneLabel[]): number[] {
  const laneEnds: number[] = [];
  return labels.map((label) => {
    let lane = laneEnds.findIndex((end) => end + 8 <= label.x);
    if (lane === -1) {
      lane = laneEnds.length;
      laneEnds.push(0);
    }
    laneEnds[lane] = label.x + label.width;
    return lane;
  });
}

interface PlacedLabel {
  x: number;
  lane: number;
  text: string;
}

/** Label positions, left-aligned at their moment, pulled left where they would leave the chart. */
function placeLabels(texts: readonly string[], startsPx: readonly number[]): PlacedLabel[] {
  const labels = texts.map((text, index) => {
    const width = textWidthPx(text);
    const start = startsPx[index] ?? marginLeftPx;
    return {
      text,
      width,
      x: Math.max(marginLeftPx, Math.min(start + 3, chartWidthPx - marginRightPx - width)),
    };
  });
  const order = labels.map((_, index) => index).sort((a, b) => (labels[a]?.x ?? 0) - (labels[b]?.x ?? 0));
  const lanesInOrder = assignLanes(order.map((index) => labels[index] ?? { x: 0, width: 0 }));
  const lanes: number[] = [];
  order.forEach((index, position) => {
    lanes[index] = lanesInOrder[position] ?? 0;
  });
  return labels.map((label, index) => ({ x: label.x, lane: lanes[index] ?? 0, text: label.text }));
}

const laneCount = (labels: readonly PlacedLabel[]): number =>
  labels.reduce((count, label) => Math.max(count, label.lane + 1), 0);

interface Annotations {
  spans: readonly TimeSpan[];
  markers: readonly TimeMarker[];
  spanLabels: PlacedLabel[];
  markerLabels: PlacedLabel[];
}

function placeAnnotations(
  spans: readonly TimeSpan[],
  markers: readonly TimeMarker[],
  endMs: number,
): Annotations {
  const probe: PlotArea = { left: marginLeftPx, right: chartWidthPx - marginRightPx, top: 0, bottom: 1 };
  return {
    spans,
    markers,
    spanLabels: placeLabels(
      spans.map((span) => span.label),
      spans.map((span) => xOf(span.startMs, endMs, probe)),
    ),
    markerLabels: placeLabels(
      markers.map((marker) => marker.label),
      markers.map((marker) => xOf(marker.atMs, endMs, probe)),
    ),
  };
}

function renderSpans(annotations: Annotations, endMs: number, area: PlotArea, laneTop: number): string {
  const parts = annotations.spans.map((span, index) => {
    const x0 = xOf(span.startMs, endMs, area);
    const x1 = Math.max(x0 + 1, xOf(span.endMs, endMs, area));
    const label = annotations.spanLabels[index];
    const labelY = laneTop + (label?.lane ?? 0) * laneRowPx + laneRowPx / 2;
    return (
      `<g class="fault"><title>${escapeHtml(span.detail)}</title>` +
      `<rect class="fault-span" fill="${faultFill}" x="${px(x0)}" y="${px(area.top)}" width="${px(x1 - x0)}" height="${px(area.bottom - area.top)}"/>` +
      `<line class="fault-edge" x1="${px(x0)}" y1="${px(labelY)}" x2="${px(x0)}" y2="${px(area.bottom)}"/>` +
      `<line class="fault-edge" x1="${px(x1)}" y1="${px(area.top)}" x2="${px(x1)}" y2="${px(area.bottom)}"/>` +
      `<text class="fault-label" x="${px(label?.x ?? x0)}" y="${px(labelY)}" dy="0.32em">${escapeHtml(span.label)}</text></g>`
    );
  });
  return `<g class="faults">${parts.join('')}</g>`;
}

function renderMarkers(annotations: Annotations, endMs: number, area: PlotArea, laneTop: number): string {
  const parts = annotations.markers.map((marker, index) => {
    const x = px(xOf(marker.atMs, endMs, area));
    const label = annotations.markerLabels[index];
    const labelY = laneTop + (label?.lane ?? 0) * laneRowPx + laneRowPx / 2;
    return (
      `<g class="marker"><title>${escapeHtml(marker.detail)}</title>` +
      `<line class="marker-line" x1="${x}" y1="${px(labelY + 6)}" x2="${x}" y2="${px(area.bottom)}"/>` +
      `<text class="marker-label" x="${px(label?.x ?? 0)}" y="${px(labelY)}" dy="0.32em">${escapeHtml(marker.label)}</text></g>`
    );
  });
  return `<g class="markers">${parts.join('')}</g>`;
}

// --- hover ----------------------------------------------------------------------------------------

/** A column of time with a tooltip listing the values in it. */
export interface HoverColumn {
  startMs: number;
  endMs: number;
  text: string;
}

function renderHover(columns: readonly HoverColumn[], endMs: number, area: PlotArea): string {
  if (columns.length > maxHoverColumns) return '';
  const parts = columns.map((column) => {
    const x0 = xOf(column.startMs, endMs, area);
    const x1 = xOf(column.endMs, endMs, area);
    return `<rect x="${px(x0)}" y="${px(area.top)}" width="${px(Math.max(0, x1 - x0))}" height="${px(area.bottom - area.top)}" fill="none" pointer-events="all"><title>${escapeHtml(column.text)}</title></rect>`;
  });
  return `<g class="hover">${parts.join('')}</g>`;
}

// --- the chart frame ------------------------------------------------------------------------------

/** What every timeline chart has: identity, the shared time axis and the annotations. */
export interface TimeChart {
  /** The data-chart attribute; also prefixes element ids. */
  id: string;
  title: string;
  /** A sentence or two on what the chart shows, for screen readers (the svg's desc). */
  description: string;
  /** End of the shared time axis. */
  endMs: number;
  yAxis: ValueAxis;
  spans: readonly TimeSpan[];
  markers: readonly TimeMarker[];
  hover: readonly HoverColumn[];
}

interface FrameParts {
  area: PlotArea;
  height: number;
  open: string;
  /** Behind the data: fault shading, grid and axes. */
  background: string;
  /** Over the data: markers, then hover targets. */
  foreground: string;
}

/** Legend, annotation lanes, axes: everything but the data, and where the data goes. */
function chartFrame(chart: TimeChart, seriesLegend: readonly LegendItem[]): FrameParts {
  const endMs = Math.max(1, chart.endMs);
  const annotations = placeAnnotations(chart.spans, chart.markers, endMs);
  const legend = layoutLegend([...seriesLegend, ...annotationLegend(chart)]);
  const spanLanes = laneCount(annotations.spanLabels);
  const markerLanes = laneCount(annotations.markerLabels);
  const spanLaneTop = marginTopPx + legend.rows * legendRowPx + 6;
  const markerLaneTop = spanLaneTop + spanLanes * laneRowPx;
  const top = markerLaneTop + markerLanes * laneRowPx + 6;
  const area: PlotArea = {
    left: marginLeftPx,
    right: chartWidthPx - marginRightPx,
    top,
    bottom: top + plotHeightPx,
  };
  const height = area.bottom + marginBottomPx;
  const titleId = `chart-${chart.id}-title`;
  const descId = `chart-${chart.id}-desc`;
  const open =
    `<svg class="chart" role="img" aria-labelledby="${titleId} ${descId}" data-chart="${escapeHtml(chart.id)}" ` +
    `viewBox="0 0 ${chartWidthPx} ${px(height)}" font-size="${fontSizePx}">` +
    `<title id="${titleId}">${escapeHtml(chart.title)}</title><desc id="${descId}">${escapeHtml(chart.description)}</desc>`;
  return {
    area,
    height,
    open,
    background:
      renderLegend(legend.placed) +
      renderSpans(annotations, endMs, area, spanLaneTop) +
      renderValueAxis(chart.yAxis, area) +
      renderTimeAxis(endMs, area),
    foreground:
      renderMarkers(annotations, endMs, area, markerLaneTop) + renderHover(chart.hover, endMs, area),
  };
}

function annotationLegend(chart: TimeChart): LegendItem[] {
  const items: LegendItem[] = [];
  if (chart.spans.length > 0) items.push({ label: 'fault', colour: '', dash: null, shape: 'span' });
  if (chart.markers.length > 0) items.push({ label: 'failover', colour: '', dash: null, shape: 'marker' });
  return items;
}

function noDataNote(area: PlotArea): string {
  return `<text class="no-data" x="${px((area.left + area.right) / 2)}" y="${px((area.top + area.bottom) / 2)}" text-anchor="middle">no data</text>`;
}

// --- line chart -----------------------------------------------------------------------------------

export interface LinePoint {
  tMs: number;
  /** null (or not finite): no value here, the line breaks. */
  value: number | null;
}

export interface LineSeries {
  label: string;
  colour: string;
  dash: string | null;
  points: readonly LinePoint[];
}

/** Runs of consecutive points with values; a missing value breaks the line. */
function segments(points: readonly LinePoint[]): Array<Array<{ tMs: number; value: number }>> {
  const runs: Array<Array<{ tMs: number; value: number }>> = [];
  let current: Array<{ tMs: number; value: number }> = [];
  for (const point of points) {
    if (point.value === null || !Number.isFinite(point.value) || !Number.isFinite(point.tMs)) {
      if (current.length > 0) runs.push(current);
      current = [];
    } else {
      current.push({ tMs: point.tMs, value: point.value });
    }
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

function renderLine(series: LineSeries, chart: TimeChart, area: PlotArea): string {
  const endMs = Math.max(1, chart.endMs);
  const runs = segments(series.points);
  const at = (point: { tMs: number; value: number }): string =>
    `${px(xOf(point.tMs, endMs, area))} ${px(yOf(point.value, chart.yAxis, area))}`;
  const path = runs
    .filter((run) => run.length > 1)
    .map((run) => run.map((point, index) => `${index === 0 ? 'M' : 'L'}${at(point)}`).join(''))
    .join('');
  // A value with no neighbours would be an invisible zero-length path: draw it as a dot.
  const dots = runs
    .filter((run) => run.length === 1)
    .map((run) => run[0]!)
    .map(
      (point) =>
        `<circle class="series" cx="${px(xOf(point.tMs, endMs, area))}" cy="${px(yOf(point.value, chart.yAxis, area))}" r="3" fill="${series.colour}"/>`,
    );
  const dash = series.dash ? ` stroke-dasharray="${series.dash}"` : '';
  const line = path
    ? `<path class="series" d="${path}" fill="none" stroke="${series.colour}" stroke-width="2"${dash}/>`
    : '';
  return `<g class="line" data-series="${escapeHtml(series.label)}">${line}${dots.join('')}</g>`;
}

export function renderLineChart(chart: TimeChart & { series: readonly LineSeries[] }): string {
  const frame = chartFrame(
    chart,
    chart.series.map((series) => ({
      label: series.label,
      colour: series.colour,
      dash: series.dash,
      shape: 'line',
    })),
  );
  const hasData = chart.series.some((series) => segments(series.points).length > 0);
  const lines = chart.series.map((series) => renderLine(series, chart, frame.area)).join('');
  return `${frame.open}${frame.background}<g class="data">${lines}${hasData ? '' : noDataNote(frame.area)}</g>${frame.foreground}</svg>`;
}

// --- stacked area ---------------------------------------------------------------------------------

export interface StackLayer {
  label: string;
  colour: string;
}

/** One stretch of time; `shares` are fractions per layer (summing to 1), null when nothing was measured. */
export interface StackColumn {
  startMs: number;
  endMs: number;
  shares: readonly number[] | null;
}

/** Runs of consecutive measured columns, so that gaps stay gaps. */
function measuredRuns(
  columns: readonly StackColumn[],
): Array<Array<StackColumn & { shares: readonly number[] }>> {
  const runs: Array<Array<StackColumn & { shares: readonly number[] }>> = [];
  let current: Array<StackColumn & { shares: readonly number[] }> = [];
  for (const column of columns) {
    const { shares } = column;
    if (shares === null) {
      if (current.length > 0) runs.push(current);
      current = [];
    } else {
      current.push({ ...column, shares });
    }
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

const finiteOrZero = (value: number | undefined): number =>
  value !== undefined && Number.isFinite(value) ? value : 0;

/**
 * One layer over one run as a stepped band: its top edge left to right, its bottom edge back.
 * Steps rather than slopes because each column is a bucket of time, not a sample at a point.
 */
function bandPath(
  run: ReadonlyArray<StackColumn & { shares: readonly number[] }>,
  layer: number,
  chart: TimeChart,
  area: PlotArea,
): string {
  const endMs = Math.max(1, chart.endMs);
  const below = (column: { shares: readonly number[] }): number =>
    column.shares.slice(0, layer).reduce((sum, share) => sum + finiteOrZero(share), 0);
  const top: string[] = [];
  const bottom: string[] = [];
  for (const column of run) {
    const x0 = px(xOf(column.startMs, endMs, area));
    const x1 = px(xOf(column.endMs, endMs, area));
    const lower = below(column);
    const upper = lower + finiteOrZero(column.shares[layer]);
    top.push(`${x0} ${px(yOf(upper, chart.yAxis, area))}`, `${x1} ${px(yOf(upper, chart.yAxis, area))}`);
    bottom.push(`${x0} ${px(yOf(lower, chart.yAxis, area))}`, `${x1} ${px(yOf(lower, chart.yAxis, area))}`);
  }
  return `M${[...top, ...bottom.reverse()].join('L')}Z`;
}

export function renderStackedAreaChart(
  chart: TimeChart & { layers: readonly StackLayer[]; columns: readonly StackColumn[] },
): string {
  const frame = chartFrame(
    chart,
    chart.layers.map((layer) => ({ label: layer.label, colour: layer.colour, dash: null, shape: 'area' })),
  );
  const runs = measuredRuns(chart.columns);
  const bands = chart.layers.map((layer, index) => {
    const paths = runs
      .filter((run) => run.some((column) => finiteOrZero(column.shares[index]) > 0))
      .map((run) => bandPath(run, index, chart, frame.area))
      .join('');
    return paths
      ? `<path class="series" data-series="${escapeHtml(layer.label)}" d="${paths}" fill="${layer.colour}" fill-opacity="0.75" stroke="${layer.colour}" stroke-width="0.5"/>`
      : '';
  });
  const note = runs.length === 0 ? noDataNote(frame.area) : '';
  return `${frame.open}${frame.background}<g class="data">${bands.join('')}${note}</g>${frame.foreground}</svg>`;
}
