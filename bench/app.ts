/**
 * bench:app — the reference storefront in a real three-region world, per page: requests/s and
 * p50/p99 latency through the accelerator vs directly to the regional load balancer.
 *
 * The client is in Europe (every connection bound to 127.3.0.20). "Accelerator" is the global
 * entry point (127.0.0.1:<acceleratorPort>), which sends Europe to eu-west-1 and opens its upstream
 * connection from the client's own address; "direct" is eu-west-1's balancer on its WAN face
 * (127.0.4.2:<loadBalancerPort>). Both cross the same modelled link europe → eu-west-1, so the
 * ratio is the accelerator's own cost on a real page. Keep-alive connections (8 per path),
 * established and warmed up before measuring; each page runs accelerator, direct, direct,
 * accelerator for half the duration each (so drift from other load hits both alike).
 *
 * Pages: catalogue (/), product, cart, sign-in POST (a new session item, 303), checkout POST (a
 * fresh idempotency key each time; each is preceded by an add-to-cart that is not timed, as a
 * checkout needs a cart; users are picked with home region eu-west-1 so the order is written
 * locally), and deep /health. Loopback only; the world runs on free ports of its own in a
 * temporary directory, and `down` always runs. BENCH_APP_SECONDS sets the seconds per page and
 * path (default 5).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { homeRegionOf } from '../src/app/affinity.js';
import { catalogue } from '../src/app/catalogue.js';
import { userIdFor } from '../src/app/repositories/sessions.js';
import type { WorldStatus } from '../src/world/status.js';
import { ownPortsTopologyYaml, pickPortBase } from '../test/support/own-ports.js';

const cliPath = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const regions = ['us-east-1', 'eu-west-1', 'ap-south-1'] as const;
const regionRow: Record<(typeof regions)[number], number> = {
  'us-east-1': 1,
  'eu-west-1': 4,
  'ap-south-1': 6,
};
const clientAddress = '127.3.0.20';
const connections = 8;
const secondsPerPage = Number(process.env.BENCH_APP_SECONDS ?? 5);
const warmupMs = 500;
const requestTimeoutMs = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// -- the world ---------------------------------------------------------------------------------

function cli(
  args: string[],
  cwd: string,
  timeoutMs = 60_000,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

// -- HTTP from Europe --------------------------------------------------------------------------

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface Target {
  label: string;
  host: string;
  port: number;
  agent: http.Agent;
}

function send(
  target: Target,
  method: string,
  path: string,
  options: { cookie?: string; form?: Record<string, string>; json?: boolean } = {},
): Promise<Answer> {
  const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
  const headers: http.OutgoingHttpHeaders = {
    accept: options.json ? 'application/json' : 'text/html',
    'user-agent': 'pangea-bench-app',
  };
  if (options.cookie) headers.cookie = options.cookie;
  if (body !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    headers['content-length'] = Buffer.byteLength(body);
  }
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: target.host, port: target.port, method, path, headers, agent: target.agent },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        response.on('error', reject);
      },
    );
    request.setTimeout(requestTimeoutMs, () => request.destroy(new Error('timeout')));
    request.on('error', reject);
    request.end(body);
  });
}

function cookieOf(answer: Answer): string {
  const header = answer.headers['set-cookie']?.find((value) => value.startsWith('session='));
  if (!header) throw new Error(`no session cookie (HTTP ${answer.status})`);
  return header.split(';')[0]!;
}

/** A user whose orders are written in eu-west-1 (region affinity), so checkout stays local. */
function euUser(prefix: string, index: number): string {
  for (let i = 0; ; i++) {
    const name = `${prefix} ${index}-${i}`;
    if (homeRegionOf(userIdFor(name), regions) === 'eu-west-1') return name;
  }
}

// -- pages -------------------------------------------------------------------------------------

interface Worker {
  index: number;
  cookie: string;
  signIns: number;
}

interface PageSpec {
  name: string;
  expect: number;
  /** Untimed work before each timed request (a checkout needs a cart). */
  prepare?: (target: Target, worker: Worker) => Promise<void>;
  request: (target: Target, worker: Worker) => Promise<Answer>;
}

const pages: PageSpec[] = [
  {
    name: 'catalogue GET /',
    expect: 200,
    request: (target, worker) => send(target, 'GET', '/', { cookie: worker.cookie }),
  },
  {
    name: 'product GET /products/p-mug',
    expect: 200,
    request: (target, worker) => send(target, 'GET', '/products/p-mug', { cookie: worker.cookie }),
  },
  {
    name: 'cart GET /cart',
    expect: 200,
    request: (target, worker) => send(target, 'GET', '/cart', { cookie: worker.cookie }),
  },
  {
    name: 'sign-in POST /signin',
    expect: 303,
    request: (target, worker) => {
      worker.signIns += 1;
      // Other users than the workers' own: their sessions stay valid.
      return send(target, 'POST', '/signin', {
        form: { name: `Bench visitor ${worker.index}-${worker.signIns % 50}` },
      });
    },
  },
  {
    name: 'checkout POST /checkout',
    expect: 303,
    prepare: async (target, worker) => {
      const added = await send(target, 'POST', '/cart/items', {
        cookie: worker.cookie,
        form: { productId: 'p-mug', quantity: '1' },
      });
      if (added.status !== 303) throw new Error(`add to cart: HTTP ${added.status}`);
    },
    request: (target, worker) =>
      send(target, 'POST', '/checkout', { cookie: worker.cookie, form: { idempotencyKey: randomUUID() } }),
  },
  { name: 'deep health GET /health', expect: 200, request: (target) => send(target, 'GET', '/health') },
];

interface Sample {
  latenciesMs: number[];
  errors: number;
  elapsedMs: number;
  firstError?: string;
}

async function runFor(
  target: Target,
  page: PageSpec,
  workers: Worker[],
  durationMs: number,
): Promise<Sample> {
  const sample: Sample = { latenciesMs: [], errors: 0, elapsedMs: 0 };
  const startMs = performance.now();
  const endMs = startMs + durationMs;
  let preparingMs = 0;
  await Promise.all(
    workers.map(async (worker) => {
      while (performance.now() < endMs) {
        try {
          if (page.prepare) {
            const prepStart = performance.now();
            await page.prepare(target, worker);
            preparingMs += (performance.now() - prepStart) / workers.length;
          }
          const sentMs = performance.now();
          const answer = await page.request(target, worker);
          const tookMs = performance.now() - sentMs;
          if (answer.status === page.expect) sample.latenciesMs.push(tookMs);
          else {
            sample.errors += 1;
            sample.firstError ??= `HTTP ${answer.status}: ${answer.body.slice(0, 160)}`;
          }
        } catch (error) {
          sample.errors += 1;
          sample.firstError ??= (error as Error).message;
          await sleep(20);
        }
      }
    }),
  );
  // Requests/s of the timed requests only: the untimed preparation time is taken out.
  sample.elapsedMs = performance.now() - startMs - preparingMs;
  return sample;
}

function merge(a: Sample, b: Sample): Sample {
  return {
    latenciesMs: [...a.latenciesMs, ...b.latenciesMs],
    errors: a.errors + b.errors,
    elapsedMs: a.elapsedMs + b.elapsedMs,
    firstError: a.firstError ?? b.firstError,
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  firstError?: string;
}

function figures(sample: Sample): Figures {
  return {
    rps: (sample.latenciesMs.length / sample.elapsedMs) * 1000,
    p50: percentile(sample.latenciesMs, 50),
    p99: percentile(sample.latenciesMs, 99),
    errors: sample.errors,
    firstError: sample.firstError,
  };
}

const pad = (text: string, width: number) => text.padEnd(width);
const num = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '-');
const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}x` : '-');

// -- main --------------------------------------------------------------------------------------

async function waitReady(base: number, timeoutMs: number): Promise<number> {
  const startMs = Date.now();
  let last = 'no status';
  while (Date.now() - startMs < timeoutMs) {
    try {
      const status = (await (await fetch(`http://127.0.0.1:${base}/v1/status`)).json()) as WorldStatus;
      const targets = status.regions.every(
        (region) => region.targets.length === 2 && region.targets.every((t) => t.health === 'healthy'),
      );
      const groups = status.traffic?.accelerator.listeners[0]?.groups ?? [];
      const groupsHealthy = groups.length === regions.length && groups.every((group) => group.healthy);
      last = `targets healthy: ${targets}, accelerator groups healthy: ${groupsHealthy}`;
      if (targets && groupsHealthy) {
        const counts = await Promise.all(
          regions.map(async (region) => {
            const answer = await fetch(`http://127.0.${regionRow[region]}.1:${base + 14}/api/products`);
            return answer.ok ? ((await answer.json()) as { products: unknown[] }).products.length : 0;
          }),
        );
        last += `, products per region ${counts.join('/')}`;
        if (counts.every((count) => count === catalogue.length)) return Date.now() - startMs;
      }
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(250);
  }
  throw new Error(`world not ready after ${timeoutMs} ms (${last})`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(os.tmpdir(), 'pangea-bench-app-'));
  let up = false;
  const down = async () => {
    if (up) await cli(['down'], dir);
    up = false;
    rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = () => {
    console.error('interrupted; stopping the world');
    void down().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const guard = setTimeout(
    () => {
      console.error('bench:app did not finish in time; stopping the world');
      void down().finally(() => process.exit(1));
    },
    (120 + pages.length * 2 * secondsPerPage * 2) * 1000,
  );

  const agents: http.Agent[] = [];
  try {
    let base = 0;
    for (let attempt = 1; !up; attempt++) {
      base = await pickPortBase(regions);
      writeFileSync(
        join(dir, 'pangea.yaml'),
        ownPortsTopologyYaml({ name: 'bench-app', base, regions: regions, appInstances: 2 }),
      );
      const started = await cli(['up', '--detach', '--fresh'], dir);
      if (started.code === 0) up = true;
      else if (attempt >= 4 || !/PortInUse|EADDRINUSE|in use/i.test(started.output))
        throw new Error(`pangea up failed: ${started.output}`);
    }
    const readyMs = await waitReady(base, 60_000);
    const status = (await (await fetch(`http://127.0.0.1:${base}/v1/status`)).json()) as WorldStatus;
    const link = (from: string, to: string) =>
      status.links.find((candidate) => candidate.from === from && candidate.to === to)?.latencyMs ??
      Number.NaN;

    const target = (label: string, host: string, port: number): Target => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: connections, localAddress: clientAddress });
      agents.push(agent);
      return { label, host, port, agent };
    };
    const accelerator = target('accelerator', '127.0.0.1', base + 3);
    const direct = target('direct', `127.0.${regionRow['eu-west-1']}.2`, base + 14);

    // Both paths must land in eu-west-1 from Europe.
    for (const path of [accelerator, direct]) {
      const health = await send(path, 'GET', '/health', { json: true });
      const region = (JSON.parse(health.body) as { region?: string }).region;
      if (health.status !== 200 || region !== 'eu-west-1')
        throw new Error(`${path.label}: /health answered ${health.status} from ${region}`);
    }

    // One signed-in user per connection (sessions are global; both paths reach eu-west-1).
    const workers: Worker[] = [];
    for (let index = 0; index < connections; index++) {
      const signIn = await send(direct, 'POST', '/signin', { form: { name: euUser('Bench buyer', index) } });
      workers.push({ index, cookie: cookieOf(signIn), signIns: 0 });
    }
    for (const path of [accelerator, direct]) await runFor(path, pages[0]!, workers, warmupMs);

    console.log(
      `bench:app  world of ${regions.length} regions x 2 app instances (fast profile) ready ${readyMs} ms after up; ` +
        `client europe ${clientAddress}; link europe->eu-west-1 ${num(link('europe', 'eu-west-1'))} ms + back ${num(link('eu-west-1', 'europe'))} ms one way`,
    );
    console.log(
      `  ${connections} keep-alive connections per path, ${secondsPerPage} s per page and path (ABBA halves); ` +
        `accelerator = 127.0.0.1:${base + 3} (TCP listener), direct = eu-west-1 balancer WAN face 127.0.4.2:${base + 14}; ` +
        `${os.cpus().length} CPUs, load ${os
          .loadavg()
          .map((value) => value.toFixed(2))
          .join(' ')}`,
    );
    console.log('');
    const header = `${pad('page', 30)}${pad('req/s acc', 11)}${pad('direct', 9)}${pad('ratio', 8)}${pad('p50 acc', 9)}${pad('direct', 8)}${pad('ratio', 8)}${pad('p99 acc', 9)}${pad('direct', 8)}${pad('ratio', 8)}errors acc/dir`;
    console.log(header);
    console.log('-'.repeat(header.length));
    const halfMs = (secondsPerPage * 1000) / 2;
    const problems: string[] = [];
    for (const page of pages) {
      const a1 = await runFor(accelerator, page, workers, halfMs);
      const d1 = await runFor(direct, page, workers, halfMs);
      const d2 = await runFor(direct, page, workers, halfMs);
      const a2 = await runFor(accelerator, page, workers, halfMs);
      const acc = figures(merge(a1, a2));
      const dir_ = figures(merge(d1, d2));
      console.log(
        `${pad(page.name, 30)}${pad(num(acc.rps, 0), 11)}${pad(num(dir_.rps, 0), 9)}${pad(ratio(acc.rps, dir_.rps), 8)}` +
          `${pad(num(acc.p50), 9)}${pad(num(dir_.p50), 8)}${pad(ratio(acc.p50, dir_.p50), 8)}` +
          `${pad(num(acc.p99), 9)}${pad(num(dir_.p99), 8)}${pad(ratio(acc.p99, dir_.p99), 8)}${acc.errors}/${dir_.errors}`,
      );
      for (const [label, result] of [
        ['accelerator', acc],
        ['direct', dir_],
      ] as const)
        if (result.firstError)
          problems.push(`${page.name} ${label}: ${result.errors} errors, first: ${result.firstError}`);
    }
    console.log('');
    console.log(
      '  ratio = accelerator / direct (req/s below 1 and latency above 1: the accelerator costs that much).',
    );
    console.log(
      '  latency = request sent to last byte received on an established connection, ms; checkout req/s and latency exclude the untimed add-to-cart before each.',
    );
    for (const problem of problems) console.log(`  ! ${problem}`);
  } finally {
    for (const agent of agents) agent.destroy();
    await down();
    clearTimeout(guard);
  }
}

await main();
