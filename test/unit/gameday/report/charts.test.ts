import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderHtmlReport } from '../../../../src/gameday/report/index.js';
import { durationAxis } from '../../../../src/gameday/report/svg.js';
import { deriveFailovers, faultSpans, timelineEndMs } from '../../../../src/gameday/report/timeline.js';
import { gamedayReportFixture } from '../../../support/gameday-report-fixture.js';
import { chartsIn, coordinates, seriesElements } from './svg-support.js';

describe('timeline charts', () => {
  for (const locations of [3, 5, 7]) {
    const report = gamedayReportFixture({ locations });
    const charts = chartsIn(renderHtmlReport(report));

    it(`draws four accessible charts with finite coordinates (${locations} locations)`, () => {
      assert.deepEqual(
        charts.map((chart) => chart.id),
        ['success-rate', 'latency-p99', 'traffic-share', 'replication-lag'],
      );
      for (const chart of charts) {
        assert.match(
          chart.markup,
          /^<svg [^>]*role="img"[^>]*aria-labelledby="chart-[\w-]+-title chart-[\w-]+-desc"/,
        );
        assert.match(
          chart.markup,
          /<title id="chart-[\w-]+-title">[^<]+<\/title><desc id="chart-[\w-]+-desc">[^<]+<\/desc>/,
        );
        assert.match(
          chart.markup,
          /class="axis-label"[^>]*>seconds since start</,
          `${chart.id} x axis label`,
        );
        assert.equal([...chart.markup.matchAll(/class="axis-label"/g)].length, 2, `${chart.id} axis labels`);
        assert.match(chart.markup, /<g class="legend">/);
        const numbers = coordinates(chart.markup);
        assert.ok(numbers.length > 100, chart.id);
        for (const { where, value } of numbers)
          assert.ok(Number.isFinite(Number(value)), `${chart.id}: ${where}="${value}"`);
        assert.ok(!/NaN|Infinity/.test(chart.markup), chart.id);
      }
    });

    it(`draws one series per location or region with a legend entry each (${locations} locations)`, () => {
      const byId = new Map(charts.map((chart) => [chart.id, chart.markup]));
      for (const id of ['success-rate', 'latency-p99']) {
        const markup = byId.get(id) ?? '';
        assert.equal(
          seriesElements(markup).filter((element) => element.startsWith('<path')).length,
          locations,
          id,
        );
        for (const location of report.world.locations)
          assert.ok(markup.includes(`>${location}</text>`), `${id} ${location}`);
      }
      for (const id of ['traffic-share', 'replication-lag']) {
        const markup = byId.get(id) ?? '';
        assert.equal(seriesElements(markup).length, 3, id);
        for (const region of report.world.regions)
          assert.ok(markup.includes(`>${region}</text>`), `${id} ${region}`);
      }
    });
  }

  const report = gamedayReportFixture();
  const charts = chartsIn(renderHtmlReport(report));

  it('shades and labels the fault and marks failover and failback in every chart', () => {
    for (const chart of charts) {
      assert.equal(
        [...chart.markup.matchAll(/<rect class="fault-span"[^>]*height="2\d\d"/g)].length,
        1,
        chart.id,
      );
      assert.match(chart.markup, /class="fault-label"[^>]*>us-east-1 outage<\/text>/, chart.id);
      assert.match(chart.markup, /class="marker-label"[^>]*>us-east-1 out<\/text>/, chart.id);
      assert.match(chart.markup, /class="marker-label"[^>]*>us-east-1 back<\/text>/, chart.id);
    }
  });

  it('puts the fault span where the fault was on the shared axis', () => {
    const spans = charts.map((chart) =>
      chart.markup.match(/<rect class="fault-span"[^>]*x="([\d.]+)"[^>]*width="([\d.]+)"[^>]*height="2\d\d"/),
    );
    const first = spans[0];
    assert.ok(first);
    for (const span of spans) assert.deepEqual(span?.slice(1), first.slice(1), 'same place in every chart');
    // Plot from x=72 to x=942 for 40 s: 10 s to 25 s is x 289.5, width 326.3 (the fault started 4 ms late).
    assert.ok(Math.abs(Number(first[1]) - 289.6) < 0.3, first[1]);
    assert.ok(Math.abs(Number(first[2]) - 326.1) < 0.5, first[2]);
  });

  it('uses a log scale for latency that spans orders of magnitude, linear otherwise', () => {
    const latency = charts.find((chart) => chart.id === 'latency-p99')?.markup ?? '';
    assert.match(latency, /p99 latency, log scale/);
    const log = durationAxis([63, 1800], 'lag');
    assert.equal(log.kind, 'log');
    assert.deepEqual([log.min, log.max], [50, 2000], 'hugs the data at 1-2-5 steps');
    assert.deepEqual(
      log.ticks.map((tick) => tick.label),
      ['50 ms', '100 ms', '200 ms', '500 ms', '1 s', '2 s'],
    );
    const wide = durationAxis([0.3, 12_000, 0], 'lag');
    assert.deepEqual(
      wide.ticks.map((tick) => tick.label),
      ['0.2 ms', '1 ms', '10 ms', '100 ms', '1 s', '10 s', '20 s'],
    );
    const linear = durationAxis([20, 35, 60], 'lag');
    assert.equal(linear.kind, 'linear');
    assert.equal(linear.min, 0);
    assert.ok(linear.max >= 60);
    assert.equal(durationAxis([], 'lag').kind, 'linear');
  });

  it('gives the stacked share bands a full 0–100% height where traffic ran', () => {
    const share = charts.find((chart) => chart.id === 'traffic-share')?.markup ?? '';
    assert.match(share, /share of successful operations/);
    assert.match(share, />100%</);
  });
});

describe('timeline derivations', () => {
  const report = gamedayReportFixture();

  it('derives the failover when us-east-1 stops serving and the failback when it serves again', () => {
    assert.deepEqual(
      deriveFailovers(report.series.buckets).map(({ atMs, region, change, largestRegion }) => [
        atMs,
        region,
        change,
        largestRegion,
      ]),
      [
        [10_000, 'us-east-1', 'stopped', 'ap-south-1'],
        [27_000, 'us-east-1', 'resumed', 'ap-south-1'],
      ],
    );
  });

  it('ignores buckets without successful operations and small wobbles', () => {
    const bucket = (tMs: number, regionShare: Record<string, number>) => ({
      tMs,
      locations: {},
      regionShare,
      replicationLagMs: {},
    });
    const failovers = deriveFailovers([
      bucket(0, { a: 50, b: 50 }),
      bucket(1000, {}),
      bucket(2000, { a: 97, b: 3 }),
      bucket(3000, { a: 50, b: 50 }),
      bucket(4000, { a: 100, b: 0 }),
    ]);
    assert.deepEqual(
      failovers.map((failover) => [failover.atMs, failover.region, failover.change]),
      [[4000, 'b', 'stopped']],
    );
  });

  it('ends the axis at the data, and runs a fault still active to the end', () => {
    assert.equal(timelineEndMs(report), 40_000);
    const [fault] = report.faults;
    assert.ok(fault);
    const active = { ...report, faults: [{ ...fault, endMs: null }] };
    assert.deepEqual(
      faultSpans(active).map((span) => [span.startMs, span.endMs]),
      [[10_004, 40_000]],
    );
    assert.match(faultSpans(active)[0]?.detail ?? '', /still active/);
    const failed = { ...report, faults: [{ ...fault, faultId: null, error: 'boom' }] };
    assert.deepEqual(faultSpans(failed), [], 'a fault that was never injected is not shaded');
  });
});
