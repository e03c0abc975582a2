/**
 * The reference storefront in a real browser (headless Chromium driven by playwright-core) that is
 * in Europe: a three-region world on ports of its own, the browser signs in through the
 * accelerator, fills the cart, checks out and sees the order; then eu-west-1 (where Europe lands)
 * is killed with -9 and the browser keeps browsing: the accelerator sends it to another region, the
 * same session cookie still works (the session is in the global UserSessions table) and the order
 * is there (Orders is a global table too).
 *
 * Being in Europe: the world tells where a client is from its source address, and a browser can't
 * pick one, so Chromium is pointed at a tiny forward proxy in this process
 * (`test/support/location-proxy.ts`, `--proxy-server` plus `--proxy-bypass-list=<-loopback>`,
 * since loopback is otherwise never proxied) that opens every upstream connection from the europe
 * address 127.3.0.10. The browser thus pays Europe's links, as `curl --interface 127.3.0.10` would.
 *
 * Needs Debian's chromium at /usr/bin/chromium (CI installs it); skipped with a message otherwise.
 * A screenshot of the last page is left in the test's temporary directory (path printed).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { BrowserContext, Page } from 'playwright-core';
import { homeRegionOf } from '../../src/app/affinity.js';
import { catalogue } from '../../src/app/catalogue.js';
import { userIdFor } from '../../src/app/repositories/sessions.js';
import type { WorldStatus } from '../../src/world/status.js';
import { makeWorkDir, waitFor } from '../support/cli.js';
import { type LocationProxy, startLocationProxy } from '../support/location-proxy.js';
import { ownPortsTopologyYaml, pickPortBase } from '../support/own-ports.js';
import { appProblems, startWorld, type TestWorld } from '../support/world.js';

const chromiumPath = '/usr/bin/chromium';
const skip = existsSync(chromiumPath)
  ? false
  : `${chromiumPath} is missing (apt-get install chromium); CI installs it`;

const regions = ['us-east-1', 'eu-west-1', 'ap-south-1'] as const;
/** Region n of the RTT table owns 127.0.n.0/24 (.1 inside, .2 its WAN face). */
const regionRow: Record<(typeof regions)[number], number> = {
  'us-east-1': 1,
  'eu-west-1': 4,
  'ap-south-1': 6,
};
const europeAddress = '127.3.0.10';

/** A user whose home region (where their orders are written) is the given one. */
function nameWithHome(home: string, prefix: string): string {
  for (let i = 0; ; i++) {
    const name = `${prefix} ${i}`;
    if (homeRegionOf(userIdFor(name), regions) === home) return name;
  }
}

async function servedRegion(page: Page): Promise<string> {
  return (await page.locator('#served-region').textContent())?.trim() ?? '';
}

describe('the storefront in a browser in Europe, through a regional failure', {
  skip,
  timeout: 120_000,
}, () => {
  let dir: string;
  let base: number;
  let world: TestWorld | undefined;
  let proxy: LocationProxy | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let accelerator: string;
  const name = nameWithHome('eu-west-1', 'Grace');
  let orderPath = '';

  const adminStatus = async (): Promise<WorldStatus> =>
    (await (await fetch(`http://127.0.0.1:${base}/v1/status`)).json()) as WorldStatus;

  let lastReadiness = 'no status yet';
  /** Every region's targets and the accelerator's endpoint groups are healthy (setup done, /health 200). */
  const worldReady = async (): Promise<boolean> => {
    const status = await adminStatus().catch(() => null);
    if (!status) return false;
    const targetsHealthy = status.regions.every(
      (region) =>
        region.targets.length === 2 && region.targets.every((target) => target.health === 'healthy'),
    );
    const groups = status.traffic?.accelerator.listeners[0]?.groups ?? [];
    lastReadiness = JSON.stringify({
      targets: status.regions.map((region) => [
        region.name,
        region.state,
        region.targets.map((t) => t.health),
      ]),
      groups: groups.map((group) => [group.region, group.healthy]),
    });
    if (!targetsHealthy || groups.length !== regions.length || !groups.every((group) => group.healthy))
      return false;
    // Setup seeds the catalogue in the setup region once the tables exist; replication brings it
    // to the others a moment after their health checks pass.
    const counts = await Promise.all(
      regions.map(async (region) => {
        const url = `http://127.0.${regionRow[region]}.1:${base + 14}/api/products`;
        const answer = await fetch(url).catch((error: Error) => error.message);
        if (typeof answer === 'string' || !answer.ok)
          return typeof answer === 'string' ? answer : answer.status;
        return ((await answer.json()) as { products: unknown[] }).products.length;
      }),
    );
    lastReadiness += ` products ${JSON.stringify(counts)}`;
    return counts.every((count) => count === catalogue.length);
  };

  before(async () => {
    dir = makeWorkDir('pangea-app-browser-');
    for (let attempt = 1; ; attempt++) {
      base = await pickPortBase(regions);
      writeFileSync(
        join(dir, 'pangea.yaml'),
        ownPortsTopologyYaml({ name: 'app-browser-test', base, regions: regions, appInstances: 2 }),
      );
      try {
        world = await startWorld(['--fresh'], dir);
        break;
      } catch (error) {
        if (attempt >= 4 || !/PortInUse|EADDRINUSE/.test(String(error))) throw error;
      }
    }
    accelerator = `http://127.0.0.1:${base + 3}`;
    const upAtMs = Date.now();
    await waitFor(worldReady, 45_000, 'every region healthy behind the accelerator').catch((error) => {
      throw new Error(`${(error as Error).message}; last status: ${lastReadiness}\n${appProblems(dir)}`);
    });
    console.log(`# world ready (targets, accelerator groups, catalogue) ${Date.now() - upAtMs} ms after up`);

    proxy = await startLocationProxy(europeAddress);
    const { chromium } = await import('playwright-core');
    const userDataDir = join(dir, 'chromium-profile');
    mkdirSync(userDataDir);
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      viewport: { width: 1100, height: 760 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--proxy-server=${proxy.url}`,
        '--proxy-bypass-list=<-loopback>',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(15_000);
  });

  after(async () => {
    await context?.close().catch(() => {});
    await proxy?.close();
    await world?.down();
  });

  /** A failing step tells which page the browser was on and what it showed. */
  const onPage = (step: () => Promise<void>) => async () => {
    try {
      await step();
    } catch (error) {
      const shown = await page
        .locator('body')
        .innerText({ timeout: 1000 })
        .catch(() => '(no page)');
      (error as Error).message += `\n  on ${page.url()}:\n  ${shown.replace(/\s+/g, ' ').slice(0, 600)}`;
      throw error;
    }
  };

  it(
    'signs in, adds to the cart and checks out in eu-west-1',
    onPage(async () => {
      await page.goto(`${accelerator}/signin`);
      assert.equal(await servedRegion(page), 'eu-west-1', 'Europe lands in eu-west-1');
      await page.fill('input[name=name]', name);
      await Promise.all([page.waitForURL(`${accelerator}/`), page.click('form[action="/signin"] button')]);
      assert.match((await page.locator('header').textContent()) ?? '', new RegExp(`Signed in as ${name}`));
      assert.equal(await servedRegion(page), 'eu-west-1');

      const mugRow = page.locator('tr', { hasText: 'Latency mug' });
      await mugRow.locator('input[name=quantity]').fill('2');
      await Promise.all([page.waitForURL(`${accelerator}/cart`), mugRow.getByRole('button').click()]);
      const cart = (await page.locator('main').textContent()) ?? '';
      assert.match(cart, /Latency mug/);
      assert.match(cart, /\$24\.00/, 'two mugs at $12.00');

      await Promise.all([
        page.waitForURL(/\/orders\/ord-[0-9a-f]{24}$/),
        page.getByRole('button', { name: 'Place order' }).click(),
      ]);
      orderPath = new URL(page.url()).pathname;
      assert.equal(await page.locator('#order-status').textContent(), 'PLACED');
      assert.match((await page.locator('main').textContent()) ?? '', /last written in eu-west-1/);
      assert.equal(await servedRegion(page), 'eu-west-1');
    }),
  );

  it(
    'keeps the session and the order when eu-west-1 dies',
    onPage(async () => {
      assert.ok(orderPath, 'the checkout step ran');
      const orderId = orderPath.split('/').pop()!;
      // Global tables replicate asynchronously: a region killed within its replication lag of a
      // write takes that write down with it until it comes back (the RPO). Wait until both other
      // regions hold the order and the session, as an operator would check before a game day.
      const userId = userIdFor(name);
      for (const region of ['us-east-1', 'ap-south-1'] as const) {
        const doc = DynamoDBDocumentClient.from(
          new DynamoDBClient({
            region,
            endpoint: `http://127.0.${regionRow[region]}.1:${base + 10}`,
            credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
          }),
        );
        await waitFor(
          async () => {
            const [order, session] = await Promise.all([
              doc.send(new GetCommand({ TableName: 'Orders', Key: { orderId } })),
              doc.send(new GetCommand({ TableName: 'UserSessions', Key: { userId } })),
            ]);
            return order.Item !== undefined && session.Item !== undefined;
          },
          10_000,
          `the order and the session replicated to ${region}`,
        );
        doc.destroy();
      }

      await world!.cli(['region', 'kill', 'eu-west-1']);
      const killedAtMs = Date.now();

      // Keep browsing, as a user pressing reload would, until a page comes from another region.
      const failures: string[] = [];
      let landed = '';
      while (Date.now() - killedAtMs < 30_000) {
        try {
          const response = await page.goto(`${accelerator}/orders`, { timeout: 10_000 });
          const region = response?.ok() ? await servedRegion(page) : '';
          if (region && region !== 'eu-west-1') {
            landed = region;
            break;
          }
          failures.push(`HTTP ${response?.status()} from ${region || 'no region'}`);
        } catch (error) {
          failures.push((error as Error).message.split('\n')[0] ?? 'error');
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const failoverMs = Date.now() - killedAtMs;
      assert.ok(landed, `never served by another region; attempts: ${failures.join('; ')}`);
      console.log(
        `# failover: served by ${landed} ${failoverMs} ms after the kill; ${failures.length} failed page loads` +
          (failures.length ? ` (${[...new Set(failures)].join('; ')})` : '') +
          `; proxy retried ${proxy!.retried} request(s) on reused connections`,
      );

      // The same cookie, now read from the replica of UserSessions in the new region.
      assert.match((await page.locator('header').textContent()) ?? '', new RegExp(`Signed in as ${name}`));
      const orders = (await page.locator('main').textContent()) ?? '';
      assert.match(orders, new RegExp(orderId), 'the order is listed');
      assert.match(orders, /home region is eu-west-1/);

      await Promise.all([
        page.waitForURL(`${accelerator}${orderPath}`),
        page.click(`a[href="${orderPath}"]`),
      ]);
      assert.equal(await servedRegion(page), landed);
      assert.equal(await page.locator('#order-status').textContent(), 'PLACED');
      assert.match((await page.locator('main').textContent()) ?? '', /Latency mug/);
      const cookies = await context!.cookies(accelerator);
      assert.equal(cookies.filter((cookie) => cookie.name === 'session').length, 1);

      // The world's directory goes with `down`; the screenshot gets a directory of its own.
      const screenshot = join(makeWorkDir('pangea-app-browser-screenshot-'), 'after-failover.png');
      await page.screenshot({ path: screenshot, fullPage: true });
      console.log(`# screenshot: ${screenshot}`);
    }),
  );
});
