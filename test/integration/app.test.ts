/**
 * The reference storefront against a real two-region world: the world is started with the real
 * CLI on its own ports (other suites use the defaults), the app runs as one child process per
 * region with only standard AWS settings, and everything is exercised over HTTP.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { homeRegionOf } from '../../src/app/affinity.js';
import { userIdFor } from '../../src/app/repositories/sessions.js';
import { makeWorkDir, waitFor } from '../support/cli.js';
import { startWorld, type TestWorld } from '../support/world.js';

const appMain = fileURLToPath(new URL('../../src/app/main.js', import.meta.url));
const setupMain = fileURLToPath(new URL('../../src/app/setup-main.js', import.meta.url));
const regions = [
  { name: 'us-east-1', address: '127.0.1.1' },
  { name: 'eu-west-1', address: '127.0.4.1' },
] as const;
const appRegions = regions.map((region) => region.name).join(',');

const topology = `version: 1
name: app-test
regions:
  - name: us-east-1
  - name: eu-west-1
timing: { profile: fast, timeScale: 1 }
services:
  dynamodb: { port: 38100 }
  replication: { port: 38101 }
  app: { instances: 0, basePort: 38110 }
  loadBalancer: { port: 38180, algorithm: round_robin }
global: { host: 127.0.0.1, adminPort: 37700, edgePort: 38000, dnsPort: 38053, acceleratorPort: 38080, dashboardPort: 37701 }
`;

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Only standard settings: what the app would get on AWS, pointed at this world's endpoints. */
function appEnv(region: (typeof regions)[number], extra: Record<string, string>): NodeJS.ProcessEnv {
  const { AWS_PROFILE: _profile, AWS_ENDPOINT_URL: _endpoint, ...inherited } = process.env;
  return {
    ...inherited,
    AWS_REGION: region.name,
    AWS_ENDPOINT_URL_DYNAMODB: `http://${region.address}:38100`,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_EC2_METADATA_DISABLED: 'true',
    APP_REGIONS: appRegions,
    APP_MAX_REPLICATION_LAG_MS: '5000',
    ...extra,
  };
}

interface RunningApp {
  region: string;
  url: string;
  child: ChildProcess;
  output: string[];
}

const children: ChildProcess[] = [];

function startApp(region: (typeof regions)[number], port: number): RunningApp {
  const child = spawn(process.execPath, [appMain], {
    env: appEnv(region, {
      PORT: String(port),
      HOST: region.address,
      APP_INSTANCE_ID: `${region.name}-test-1`,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  return { region: region.name, url: `http://${region.address}:${port}`, child, output };
}

function runSetup(region: (typeof regions)[number]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [setupMain], {
      env: appEnv(region, {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers are inspected field by field.
  json: any;
}

async function call(
  app: RunningApp,
  path: string,
  options: {
    method?: string;
    body?: unknown;
    cookie?: string;
    headers?: Record<string, string>;
    raw?: string;
  } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.cookie) headers.cookie = options.cookie;
  let body: string | undefined = options.raw;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  } else if (options.raw !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(app.url + path, {
    method: options.method ?? 'GET',
    headers,
    body,
    redirect: 'manual',
  });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: response.status, headers: response.headers, text, json };
}

function cookieOf(reply: Reply): string {
  const header = reply.headers.get('set-cookie') ?? '';
  const match = /session=([^;]+)/.exec(header);
  assert.ok(match, `no session cookie in ${header}`);
  return `session=${match[1]}`;
}

/** A name whose user lives in the given home region (region affinity). */
function nameWithHome(home: string, prefix: string): string {
  for (let i = 0; ; i++) {
    const name = `${prefix} ${i}`;
    if (
      homeRegionOf(
        userIdFor(name),
        regions.map((region) => region.name),
      ) === home
    )
      return name;
  }
}

describe('reference storefront in a two-region world', { timeout: 180_000 }, () => {
  let world: TestWorld;
  let us: RunningApp;
  let eu: RunningApp;
  let cookie: string;
  let orderId: string;

  before(async () => {
    const dir = makeWorkDir('pangea-app-test-');
    writeFileSync(join(dir, 'pangea.yaml'), topology);
    world = await startWorld([], dir);
    // Two setups at once, from both regions: idempotent and race-safe.
    const setups = await Promise.all([runSetup(regions[0]), runSetup(regions[1])]);
    for (const setup of setups) assert.equal(setup.code, 0, setup.output);
    us = startApp(regions[0], await freePort(regions[0].address));
    eu = startApp(regions[1], await freePort(regions[1].address));
    for (const app of [us, eu]) {
      await waitFor(
        async () => (await call(app, '/health').catch(() => ({ status: 0 }))).status === 200,
        20_000,
        `${app.region} app healthy`,
      );
    }
  });

  after(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await waitFor(
      () => children.every((child) => child.exitCode !== null || child.signalCode !== null),
      12_000,
      'apps to exit',
    ).catch(() => {
      for (const child of children) child.kill('SIGKILL');
    });
    await world?.down();
  });

  it('answers liveness and deep health with who served it', async () => {
    const live = await call(us, '/health/live');
    assert.equal(live.status, 200);
    const deep = await call(us, '/health');
    assert.equal(deep.status, 200, deep.text);
    assert.equal(deep.json.status, 'ok');
    assert.equal(deep.json.region, 'us-east-1');
    assert.equal(deep.json.checks.replication.peers[0].region, 'eu-west-1');
  });

  it('signs in, shows the catalogue, fills the cart', async () => {
    const name = nameWithHome('us-east-1', 'Ada');
    const signIn = await call(us, '/api/session', { method: 'POST', body: { name } });
    assert.equal(signIn.status, 201, signIn.text);
    cookie = cookieOf(signIn);

    const catalogue = await call(us, '/api/products');
    assert.equal(catalogue.status, 200);
    assert.equal(catalogue.json.products.length, 6);
    const page = await fetch(`${us.url}/`, { headers: { cookie } });
    const html = await page.text();
    assert.match(html, /Latency mug/);
    assert.match(html, /id="served-region">us-east-1</);
    assert.match(html, /id="served-instance">us-east-1-test-1</);

    const added = await call(us, '/api/cart/items', {
      method: 'POST',
      cookie,
      body: { productId: 'p-mug', quantity: 2 },
    });
    assert.equal(added.status, 201, added.text);
    await call(us, '/api/cart/items', { method: 'POST', cookie, body: { productId: 'p-globe' } });
    const updated = await call(us, '/api/cart/items/p-globe', {
      method: 'PUT',
      cookie,
      body: { quantity: 3 },
    });
    assert.equal(updated.status, 200, updated.text);
    const cart = await call(us, '/api/cart', { cookie });
    assert.equal(cart.json.lines.length, 2);
    assert.equal(cart.json.totalCents, 2 * 1200 + 3 * 3900);
  });

  it('checks out once however often the same idempotency key is retried', async () => {
    const key = 'retry-key-0001';
    const first = await call(us, '/api/checkout', { method: 'POST', cookie, body: { idempotencyKey: key } });
    assert.equal(first.status, 201, first.text);
    assert.equal(first.json.created, true);
    assert.equal(first.json.order.homeRegion, 'us-east-1');
    assert.equal(first.json.order.writeRegion, 'us-east-1');
    orderId = first.json.order.orderId;
    const again = await call(us, '/api/checkout', {
      method: 'POST',
      cookie,
      headers: { 'idempotency-key': key },
    });
    assert.equal(again.status, 200, again.text);
    assert.equal(again.json.created, false);
    assert.equal(again.json.order.orderId, orderId);
    const orders = await call(us, '/api/orders', { cookie });
    assert.equal(orders.json.orders.length, 1);
    assert.equal((await call(us, '/api/cart', { cookie })).json.lines.length, 0);
  });

  it('updates order status with version checks: stale → 409, fresh → 200', async () => {
    const paid = await call(us, `/api/orders/${orderId}/status`, {
      method: 'PUT',
      cookie,
      body: { status: 'PAID', expectedVersion: 1 },
    });
    assert.equal(paid.status, 200, paid.text);
    assert.equal(paid.json.order.version, 2);
    const stale = await call(us, `/api/orders/${orderId}/status`, {
      method: 'PUT',
      cookie,
      body: { status: 'SHIPPED', expectedVersion: 1 },
    });
    assert.equal(stale.status, 409, stale.text);
    assert.equal(stale.json.error.code, 'Conflict');
    assert.equal(stale.json.error.order.version, 2);
    const shipped = await call(us, `/api/orders/${orderId}/status`, {
      method: 'PUT',
      cookie,
      body: { status: 'SHIPPED', expectedVersion: 2 },
    });
    assert.equal(shipped.status, 200, shipped.text);
    assert.equal(shipped.json.order.status, 'SHIPPED');
    const backwards = await call(us, `/api/orders/${orderId}/status`, {
      method: 'PUT',
      cookie,
      body: { status: 'PAID' },
    });
    assert.equal(backwards.status, 409);
  });

  it('keeps the session valid in the other region once it replicates', async () => {
    await waitFor(
      async () => (await call(eu, '/api/session', { cookie })).status === 200,
      10_000,
      'session in eu-west-1',
    );
    const session = await call(eu, '/api/session', { cookie });
    assert.equal(session.json.session.createdInRegion, 'us-east-1');
    // Orders are read from the user's home region, so the history is there too.
    const orders = await call(eu, '/api/orders', { cookie });
    assert.equal(orders.json.orders[0].orderId, orderId);
  });

  it('shows what last-writer-wins does to concurrent increments', async () => {
    await Promise.all(
      [us, eu].flatMap((app) => [
        call(app, '/api/stock/increment', { method: 'POST', body: { mode: 'region', times: 20 } }),
        call(app, '/api/stock/increment', { method: 'POST', body: { mode: 'set', times: 20 } }),
      ]),
    );
    const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
    await waitFor(
      async () => {
        const { counters } = (await call(us, '/api/stock')).json;
        return sum(counters.perRegion) === 40 && sum(counters.attempts.region) === 40;
      },
      10_000,
      'per-region counters to converge',
    );
    const { counters } = (await call(us, '/api/stock')).json;
    assert.ok(counters.set <= 40, `read-modify-write never gains: ${counters.set}`);
    const page = await (await fetch(`${us.url}/stock`)).text();
    assert.match(page, /last writer wins/);
  });

  it('answers bad input with 4xx, never a stack trace', async () => {
    const cases: [string, Reply, number][] = [
      ['empty name', await call(us, '/api/session', { method: 'POST', body: { name: '' } }), 400],
      [
        'unknown product',
        await call(us, '/api/cart/items', { method: 'POST', cookie, body: { productId: 'p-nope' } }),
        404,
      ],
      [
        'bad quantity',
        await call(us, '/api/cart/items', {
          method: 'POST',
          cookie,
          body: { productId: 'p-mug', quantity: -4 },
        }),
        400,
      ],
      ['no session', await call(us, '/api/cart'), 401],
      [
        'forged session',
        await call(us, '/api/cart', {
          cookie: 'session=u-0000000000000000.00000000-0000-4000-8000-000000000000',
        }),
        401,
      ],
      ['no idempotency key', await call(us, '/api/checkout', { method: 'POST', cookie, body: {} }), 400],
      [
        'bad status',
        await call(us, `/api/orders/${orderId}/status`, { method: 'PUT', cookie, body: { status: 'LOST' } }),
        400,
      ],
      ['unknown order', await call(us, '/api/orders/ord-000000000000000000000000', { cookie }), 404],
      ['invalid JSON', await call(us, '/api/session', { method: 'POST', raw: '{"name":' }), 400],
      [
        'oversize body',
        await call(us, '/api/session', { method: 'POST', body: { name: 'x'.repeat(40_000) } }),
        413,
      ],
      ['unknown page', await call(us, '/no/such/page'), 404],
      [
        'bad counter mode',
        await call(us, '/api/stock/increment', { method: 'POST', body: { mode: 'magic' } }),
        400,
      ],
    ];
    for (const [what, reply, status] of cases) {
      assert.equal(reply.status, status, `${what}: ${reply.text}`);
      assert.ok(reply.json?.error?.message, `${what} explains itself`);
      assert.doesNotMatch(reply.text, /at .*\.js:\d+/, `${what} leaks no stack`);
    }
    const form = await fetch(`${us.url}/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=%3Cscript%3E',
    });
    assert.equal(form.status, 400);
    const html = await form.text();
    assert.match(html, /&lt;script&gt;/);
    assert.doesNotMatch(html, /<script>/);
  });

  it('goes unhealthy when its DynamoDB dies, while the other region keeps serving and takes the writes', async () => {
    await world.cli(['region', 'kill', 'us-east-1']);
    await waitFor(async () => (await call(us, '/health')).status === 503, 10_000, 'us-east-1 app unhealthy');
    const health = await call(us, '/health');
    assert.match(health.json.reasons.join(' '), /DynamoDB unreachable/);
    assert.equal((await call(us, '/health/live')).status, 200);
    assert.equal((await call(us, '/api/products')).status, 503);

    // A us-east-1 user served by eu-west-1: the order falls back to eu-west-1 and says so.
    await call(eu, '/api/cart/items', { method: 'POST', cookie, body: { productId: 'p-sticker' } });
    const order = await call(eu, '/api/checkout', {
      method: 'POST',
      cookie,
      body: { idempotencyKey: 'after-kill-0001' },
    });
    assert.equal(order.status, 201, order.text);
    assert.equal(order.json.fellBack, true);
    assert.equal(order.json.order.homeRegion, 'us-east-1');
    assert.equal(order.json.order.writeRegion, 'eu-west-1');

    // A dead peer is not a replication problem of eu-west-1: it stays in service.
    await new Promise((resolve) => setTimeout(resolve, 7000));
    const euHealth = await call(eu, '/health');
    assert.equal(euHealth.status, 200, euHealth.text);
  });
});
