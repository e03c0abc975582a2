/**
 * The game day report as one self-contained HTML page: inline CSS, charts as inline SVG drawn here,
 * no scripts, fonts, images or links to anything outside the file. A Content-Security-Policy that
 * allows nothing but the inline styles backs that up: should some string slip past escaping, the
 * page still can't run it or fetch anything.
 */
import type { GamedayReport } from '../model.js';
import { escapeHtml } from './escape.js';
import {
  appendixNote,
  consistencySection,
  findingsSection,
  headerSection,
  locationsSection,
  recoverySection,
  scenarioSection,
  tableOfContents,
  timelinesSection,
  verdictsSection,
} from './sections.js';

const styles = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --rule: #d0d7de; --pass: #1a7f37; --fail: #b42318; --paper: #fff; }
* { box-sizing: border-box; }
body { margin: 0; background: #eef1f4; color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 28px 36px 40px; background: var(--paper); }
h1 { font-size: 28px; line-height: 1.2; margin: 2px 0 6px; overflow-wrap: anywhere; }
h2 { font-size: 20px; margin: 0 0 12px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 16px; margin: 22px 0 8px; }
section { margin-top: 36px; }
.kicker { margin: 0; font-size: 12px; letter-spacing: .08em; text-transform: uppercase; color: var(--muted); }
.description { margin: 0 0 8px; color: var(--muted); }
.banner { display: flex; align-items: baseline; gap: 16px; margin: 14px 0 18px; padding: 12px 18px; border-radius: 6px; color: #fff; }
.banner strong { font-size: 26px; letter-spacing: .08em; }
.banner.pass { background: var(--pass); }
.banner.fail { background: var(--fail); }
.stopped { padding: 8px 12px; border-left: 4px solid var(--fail); background: #fdecea; }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 10px 24px; margin: 0; }
.facts dt { font-size: 12px; letter-spacing: .04em; text-transform: uppercase; color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.toc ol { display: flex; flex-wrap: wrap; gap: 4px 20px; margin: 22px 0 0; padding: 8px 0; list-style: none;
  border-top: 1px solid var(--rule); border-bottom: 1px solid var(--rule); }
.toc a { color: var(--ink); }
.table-wrap { overflow-x: auto; }
table { width: 100%; border-collapse: collapse; font-size: 14px; }
caption { text-align: left; font-weight: 600; padding: 6px 0; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
thead th { background: #f6f8fa; font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.failed td { background: #fdecea; }
.result { white-space: nowrap; font-weight: 600; }
.result.pass { color: var(--pass); }
.result.fail { color: var(--fail); font-weight: 700; }
.bad { color: var(--fail); font-weight: 600; }
.muted, .note { color: var(--muted); }
.note { font-size: 14px; }
code { font: 0.88em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
  background: #f3f4f6; padding: 0 3px; border-radius: 3px; overflow-wrap: anywhere; }
.findings li { margin: 6px 0; }
ul.ids { columns: 3 14em; margin: 4px 0; font-size: 13px; }
figure.chart-figure { margin: 22px 0 30px; }
figcaption { font-weight: 600; font-size: 16px; margin-bottom: 2px; }
[data-table="locations"] td:first-child { white-space: nowrap; }
ul.errors, ul.shares { margin: 0; padding: 0; list-style: none; }
ul.shares li { white-space: nowrap; }
svg.chart { display: block; width: 100%; height: auto; font-family: inherit; }
svg.chart .grid { stroke: #e6e9ed; stroke-width: 1; }
svg.chart .axis, svg.chart .tick { stroke: var(--muted); stroke-width: 1; }
svg.chart .tick-label { fill: var(--muted); }
svg.chart .axis-label { fill: var(--ink); font-weight: 600; }
svg.chart .legend text { fill: var(--ink); }
svg.chart .fault-edge { stroke: #b4461a; stroke-width: 1; stroke-opacity: .7; }
svg.chart .fault-label { fill: #8a3412; font-weight: 600; }
svg.chart .marker-line { stroke: var(--ink); stroke-width: 1.5; stroke-dasharray: 5 3; }
svg.chart .marker-label { fill: var(--ink); font-style: italic; }
svg.chart .no-data { fill: var(--muted); font-style: italic; font-size: 14px; }
svg.chart .hover rect:hover { fill: rgba(27, 31, 36, .07); }
.appendix { margin-top: 40px; padding-top: 12px; border-top: 1px solid var(--rule); color: var(--muted); font-size: 14px; }
@media print {
  body { background: #fff; font-size: 10.5pt; }
  table { font-size: 9pt; }
  th, td { padding: 4px 6px; }
  main { max-width: none; padding: 0; }
  .toc { display: none; }
  .banner, tr.failed td, .stopped, svg.chart { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2, h3 { break-after: avoid; }
  figure.chart-figure, tr { break-inside: avoid; }
  .table-wrap { overflow: visible; }
}
`;

/** The page's allowances: its own inline styles, nothing else. */
const contentSecurityPolicy =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

export function renderHtmlReport(report: GamedayReport): string {
  const verdict = report.passed ? 'PASS' : 'FAIL';
  const body = [
    headerSection(report),
    tableOfContents(),
    verdictsSection(report),
    findingsSection(report),
    timelinesSection(report),
    recoverySection(report),
    locationsSection(report),
    consistencySection(report),
    scenarioSection(report),
    appendixNote(),
  ].join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${verdict} · Game day: ${escapeHtml(report.scenario.name)}</title>
<style>${styles}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}
