/**
 * The game day report page in a real browser (headless Chromium driven by playwright-core), opened
 * from a file as a user would open it, once with JavaScript off and once with it on: every chart
 * is laid out and drawn, the failing objective shows, nothing is logged as an error, and the page
 * asks for nothing but itself (it must work offline, so every request is recorded and checked).
 *
 * Needs Debian's chromium at /usr/bin/chromium (CI installs it); skipped with a message otherwise.
 * A full-page screenshot is left in the test's temporary directory (path printed).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser, Locator } from 'playwright-core';
import { renderHtmlReport } from '../../src/gameday/report/index.js';
import { gamedayReportFixture } from '../support/gameday-report-fixture.js';

const chromiumPath = '/usr/bin/chromium';
const skip = existsSync(chromiumPath)
  ? false
  : `${chromiumPath} is missing (apt-get install chromium); CI installs it`;

const chartIds = ['success-rate', 'latency-p99', 'traffic-share', 'replication-lag'];

/** Whether some element of the locator is laid out with a non-zero width and height. */
async function someDrawn(elements: Locator): Promise<boolean> {
  for (const element of await elements.all()) {
    const box = await element.boundingBox();
    if (box && box.width > 0 && box.height > 0) return true;
  }
  return false;
}

describe('the game day report in a browser', { skip, timeout: 60_000 }, () => {
  let browser: Browser | undefined;
  let dir: string;
  let fileUrl: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pangea-report-browser-'));
    const file = join(dir, 'gameday-report.html');
    writeFileSync(file, renderHtmlReport(gamedayReportFixture()));
    fileUrl = pathToFileURL(file).href;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
  });

  after(async () => {
    await browser?.close();
  });

  for (const javaScriptEnabled of [false, true]) {
    it(`draws every chart and shows the failing objective with JavaScript ${javaScriptEnabled ? 'on' : 'off'}`, async () => {
      const context = await browser!.newContext({
        javaScriptEnabled,
        viewport: { width: 1280, height: 900 },
      });
      const requests: string[] = [];
      const problems: string[] = [];
      context.on('request', (request) => requests.push(request.url()));
      const page = await context.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
      try {
        await page.goto(fileUrl, { waitUntil: 'load' });

        const charts = page.locator('svg[data-chart]');
        assert.deepEqual(
          await charts.evaluateAll((svgs) => svgs.map((svg) => svg.getAttribute('data-chart'))),
          chartIds,
        );
        for (const id of chartIds) {
          const chart = page.locator(`svg[data-chart="${id}"]`);
          assert.ok(await chart.isVisible(), `${id} visible`);
          const box = await chart.boundingBox();
          assert.ok(box && box.width > 600 && box.height > 200, `${id} laid out: ${JSON.stringify(box)}`);
          assert.equal(await chart.getAttribute('role'), 'img');
          assert.ok((await chart.locator('title').first().textContent())?.trim(), `${id} has a title`);
          assert.ok(
            await someDrawn(chart.locator('path.series, rect.series, circle.series')),
            `${id} draws data`,
          );
          assert.ok(await someDrawn(chart.locator('rect.fault-span')), `${id} shades the fault`);
        }

        assert.equal((await page.locator('.banner').innerText()).split(/\s+/)[0], 'FAIL');
        const failed = page.locator('[data-table="verdicts"] tr.failed');
        assert.equal(await failed.count(), 1);
        assert.ok(await failed.isVisible());
        assert.match(await failed.innerText(), /Recovery point \(RPO\)\s+rpoMs[\s\S]*✗ FAIL/);
        assert.match(await page.locator('#findings').innerText(), /<script>alert\("x"\)<\/script>/);

        if (javaScriptEnabled) {
          const screenshot = join(dir, 'gameday-report.png');
          await page.screenshot({ path: screenshot, fullPage: true });
          console.log(`screenshot: ${screenshot}`);
        }
        assert.deepEqual(problems, []);
        assert.deepEqual(requests, [fileUrl], 'the page requests nothing but itself');
      } finally {
        await context.close();
      }
    });
  }
});
