import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GamedayReport } from '../../../../src/gameday/model.js';
import { renderHtmlReport } from '../../../../src/gameday/report/index.js';
import {
  emptyGamedayReportFixture,
  fixtureFault,
  gamedayReportFixture,
} from '../../../support/gameday-report-fixture.js';
import { chartsIn, coordinates, seriesElements } from './svg-support.js';

/** Fields that are records keyed by data (locations, regions, error codes, ...), not by field names. */
const recordFields = new Set([
  'locations',
  'regionShare',
  'replicationLagMs',
  'errors',
  'finalValues',
  'byTable',
  'mix',
  'parameters',
]);

/**
 * Every string in the report, record keys included, with markup appended. The same mapping
 * everywhere keeps the report consistent (a location's name in the list and as a bucket's key).
 */
function hostile<T>(value: T, isRecord = false): T {
  const payload = `<script>alert(1)</script><img src=x>&amp;"'`;
  if (typeof value === 'string') return `${value}${payload}` as T;
  if (Array.isArray(value)) return value.map((item) => hostile(item)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        isRecord ? hostile(key) : key,
        hostile(inner, recordFields.has(key) && !Array.isArray(inner)),
      ]),
    ) as T;
  return value;
}

const allowedTags = new Set(
  [
    'html head meta title style body main header nav section footer h1 h2 h3 p span div strong small',
    'dl dt dd time ol ul li a table caption thead tbody tr th td code br',
    'figure figcaption svg desc g line text rect path circle',
  ]
    .join(' ')
    .split(' '),
);

function tagsIn(html: string): string[] {
  return [...html.matchAll(/<([a-zA-Z][\w-]*)/g)].map((match) => (match[1] ?? '').toLowerCase());
}

describe('renderHtmlReport', () => {
  const report = gamedayReportFixture();
  const html = renderHtmlReport(report);

  it('has every section, in order', () => {
    const order = [
      '<h1>',
      'data-verdict="FAIL"',
      'data-section="verdicts"',
      'data-section="findings"',
      'data-chart="success-rate"',
      'data-chart="latency-p99"',
      'data-chart="traffic-share"',
      'data-chart="replication-lag"',
      'data-table="recovery-times"',
      'data-table="recovery-points"',
      'data-table="locations"',
      'data-section="consistency"',
      'data-table="counters"',
      'data-table="conflicts"',
      'data-section="scenario"',
      'data-table="steps"',
      'the JSON report next to this file',
    ];
    let from = 0;
    for (const marker of order) {
      const at = html.indexOf(marker, from);
      assert.ok(at >= 0, `${marker} after position ${from}`);
      from = at;
    }
  });

  it('heads the page with the scenario, seed, run id, start, duration and world', () => {
    assert.match(html, /<title>FAIL · Game day: us-east-1 outage &amp; failback<\/title>/);
    for (const fact of [
      String(report.seed),
      report.runId,
      report.startedAt,
      '52.3 s',
      'profile fast',
      'ap-south-1',
      'south-america',
    ])
      assert.ok(html.includes(fact), fact);
    assert.match(html, /3 of 4 objectives met/);
  });

  it('shows the failing objective as failed', () => {
    const failedRows = [...html.matchAll(/<tr class="failed">([\s\S]*?)<\/tr>/g)].map(
      (match) => match[1] ?? '',
    );
    assert.equal(failedRows.length, 1);
    assert.match(failedRows[0] ?? '', /rpoMs/);
    assert.match(failedRows[0] ?? '', /✗ FAIL/);
  });

  it('escapes the findings', () => {
    assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
    assert.ok(html.includes('north-america &amp; south-america'));
    assert.ok(!/<script/i.test(html));
  });

  it('tabulates recovery per fault and location, and recovery points', () => {
    const recovery = html.slice(
      html.indexOf('data-table="recovery-times"'),
      html.indexOf('data-table="recovery-points"'),
    );
    assert.ok(recovery.includes(fixtureFault));
    assert.match(recovery, /north-america<\/td><td><strong>3\.9 s<\/strong>/);
    assert.match(recovery, /europe<\/td><td><span class="muted">not affected/);
    assert.match(html, /1\.8 s/);
  });

  it('summarises locations with shares and top errors', () => {
    const table = html.slice(html.indexOf('data-table="locations"'));
    assert.match(
      table,
      /<ul class="shares"><li>us-east-1 \d+(\.\d+)?%<\/li><li>eu-west-1 \d+(\.\d+)?%<\/li><\/ul>/,
    );
    assert.match(
      table,
      /<ul class="errors"><li><code>Timeout<\/code> × \d+<\/li>(<li><code>\w+<\/code> × \d+<\/li>){2}<li class="muted">\+2 more<\/li><\/ul>/,
    );
    const loud = renderHtmlReport({
      ...report,
      locations: report.locations.map((location) => ({ ...location, errors: { 'HTTP503 <html>': 9 } })),
    });
    assert.match(loud, /<code>HTTP503 &lt;html&gt;<\/code> × 9/);
  });

  it('reports consistency: sets, counters per region, convergence, LWW samples', () => {
    const consistency = html.slice(
      html.indexOf('data-section="consistency"'),
      html.indexOf('data-section="scenario"'),
    );
    assert.match(consistency, /Stale reads<\/dt><dd>17/);
    assert.match(consistency, /No acknowledged element was lost/);
    assert.match(consistency, /counter:us-east-1/);
    assert.match(consistency, /120 – 122/);
    assert.match(consistency, /6\.4 s after the load and the last fault ended/);
    assert.match(consistency, /7 concurrent writes were discarded \(Carts 5, PangeaGameday 2\)/);
    assert.match(consistency, /a&amp;b/);
  });

  it('lists the first 50 lost elements and counts the rest', () => {
    const lost = Array.from({ length: 73 }, (_, index) => `e-${String(index).padStart(4, '0')}`);
    const withLoss = renderHtmlReport({ ...report, sets: { ...report.sets, lost } });
    const listed = withLoss.match(/<ul class="ids" data-list="lost">([\s\S]*?)<\/ul>/)?.[1] ?? '';
    assert.equal([...listed.matchAll(/<li>/g)].length, 50);
    assert.ok(listed.includes('e-0049') && !listed.includes('e-0050'));
    assert.match(withLoss, /first 50 of 73/);
    assert.match(withLoss, /and 23 more in the JSON report/);
  });

  it('loads nothing from outside the file', () => {
    assert.ok(!/\s(src|srcset|xlink:href)=/i.test(html));
    for (const match of html.matchAll(/\shref="([^"]*)"/g)) assert.match(match[1] ?? '', /^#[a-z-]+$/);
    assert.ok(!/@import|url\(/i.test(html));
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'/);
  });

  it('escapes every string that comes from the report', () => {
    const nasty = renderHtmlReport(hostile(report) as GamedayReport);
    assert.ok(!/<script|<img/i.test(nasty));
    const unexpected = tagsIn(nasty).filter((tag) => !allowedTags.has(tag));
    assert.deepEqual([...new Set(unexpected)], []);
    assert.ok(nasty.includes('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x&gt;&amp;amp;&quot;&#39;'));
    for (const attribute of nasty.matchAll(/\s([\w:-]+)=/g)) assert.doesNotMatch(attribute[1] ?? '', /^on/i);
    // The charts still find their data under the hostile names.
    for (const chart of chartsIn(nasty)) assert.ok(seriesElements(chart.markup).length > 0, chart.id);
  });

  it('renders a report where no operation ran', () => {
    const empty = renderHtmlReport(emptyGamedayReportFixture());
    const charts = chartsIn(empty);
    assert.equal(charts.length, 4);
    for (const chart of charts) {
      assert.match(chart.markup, /no data/, chart.id);
      for (const { where, value } of coordinates(chart.markup))
        assert.ok(Number.isFinite(Number(value)), `${chart.id} ${where}=${value}`);
    }
    assert.match(empty, /No location ran any operation|<td class="num">—<\/td>/);
    assert.ok(!/NaN|Infinity/.test(empty));
  });

  it('renders a report with no buckets, faults or verdicts at all', () => {
    const bare = emptyGamedayReportFixture();
    const html = renderHtmlReport({
      ...bare,
      durationMs: 0,
      scenario: { ...bare.scenario, durationMs: 0, steps: [] },
      world: { ...bare.world, locations: [] },
      series: { bucketMs: 1000, buckets: [] },
      locations: [],
      faults: [],
      verdicts: [],
      passed: true,
    });
    assert.equal(chartsIn(html).length, 4);
    assert.ok(!/NaN|Infinity/.test(html));
    assert.match(html, /data-verdict="PASS"/);
    assert.match(html, /no objectives judged/);
  });
});
