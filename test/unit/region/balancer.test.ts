/** The load balancer against in-process targets on loopback: routing, health, errors, headers, draining. */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, test } from 'node:test';
import { type RunningLoadBalancer, startLoadBalancer } from '../../../src/region/balancer/index.js';
import type { BalancingAlgorithm, TargetView } from '../../../src/region/balancer/types.js';
import { silentLogger } from '../../../src/shared/logger.js';

interface Target {
  id: string;
  server: http.Server;
  port: number;
  healthy: boolean;
  requests: number;
}

async function startTarget(id: string, handler?: http.RequestListener): Promise<Target> {
  const target = { id, healthy: true, requests: 0 } as Target;
  target.server = http.createServer((req, res) => {
    if (req.url === '/health/live') {
      res.writeHead(target.healthy ? 200 : 500).end('ok');
      return;
    }
    target.requests += 1;
    if (handler) return handler(req, res);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ instance: id, headers: req.headers }));
  });
  await new Promise<void>((resolve) => target.server.listen(0, '127.0.0.1', resolve));
  target.port = (target.server.address() as AddressInfo).port;
  return target;
}

function get(url: string, path = '/', headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>(
    (resolve, reject) => {
      http
        .get(`${url}${path}`, { agent: false, headers }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => {
            body += chunk.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
        })
        .on('error', reject);
    },
  );
}

async function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('load balancer', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const close of cleanup.splice(0).reverse()) await close();
  });

  async function setup(
    count: number,
    algorithm: BalancingAlgorithm = 'round_robin',
    handler?: http.RequestListener,
  ) {
    const targets: Target[] = [];
    for (let i = 0; i < count; i++) {
      const target = await startTarget(`t-${i}`, handler);
      targets.push(target);
      cleanup.push(
        () =>
          new Promise<void>((resolve) => {
            target.server.closeAllConnections();
            target.server.close(() => resolve());
          }),
      );
    }
    const changes: TargetView[][] = [];
    const balancer: RunningLoadBalancer = await startLoadBalancer({
      host: '127.0.0.1',
      port: 0,
      algorithm,
      targets: targets.map((t) => ({ id: t.id, host: '127.0.0.1', port: t.port })),
      healthCheck: {
        path: '/health/live',
        intervalMs: 40,
        timeoutMs: 30,
        healthyThreshold: 2,
        unhealthyThreshold: 2,
      },
      logger: silentLogger(),
      onChange: (views) => changes.push(views),
      deregistrationDelayMs: 1_000,
    });
    cleanup.push(() => balancer.close());
    return { targets, balancer, changes };
  }

  const healthyCount = (balancer: RunningLoadBalancer) =>
    balancer.targets().filter((t) => t.health === 'healthy').length;

  test('503 with the ALB error page until a target is healthy, then round robin across targets', async () => {
    const { balancer, changes } = await setup(3);
    const early = await get(balancer.url);
    assert.equal(early.status, 503);
    assert.match(early.body, /503 Service Temporarily Unavailable/);
    assert.equal(early.headers.server, 'awselb/2.0');
    await waitFor(() => healthyCount(balancer) === 3, 2_000, 'healthy targets');
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) seen.push(JSON.parse((await get(balancer.url)).body).instance);
    assert.deepEqual(seen.slice(0, 3).sort(), ['t-0', 't-1', 't-2']);
    assert.deepEqual(seen.slice(3), seen.slice(0, 3));
    assert.ok(changes.some((views) => views.every((v) => v.health === 'healthy')));
  });

  test('a target failing its checks is taken out, and back in when it recovers', async () => {
    const { targets, balancer } = await setup(2);
    await waitFor(() => healthyCount(balancer) === 2, 2_000, 'healthy targets');
    targets[0]!.healthy = false;
    await waitFor(() => balancer.targets()[0]?.health === 'unhealthy', 2_000, 'unhealthy');
    assert.equal(balancer.targets()[0]?.reason, 'Target.ResponseCodeMismatch');
    for (let i = 0; i < 4; i++) assert.equal(JSON.parse((await get(balancer.url)).body).instance, 't-1');
    targets[0]!.healthy = true;
    await waitFor(() => healthyCount(balancer) === 2, 2_000, 'recovered');
  });

  test('a stopped target: 502 for requests in between, unhealthy within interval x threshold', async () => {
    const { targets, balancer } = await setup(2);
    await waitFor(() => healthyCount(balancer) === 2, 2_000, 'healthy targets');
    targets[1]!.server.closeAllConnections();
    targets[1]!.server.close();
    const statuses = new Set<number>();
    for (let i = 0; i < 2; i++) statuses.add((await get(balancer.url)).status);
    assert.ok(statuses.has(502), 'the refused target answers 502');
    await waitFor(() => balancer.targets()[1]?.health === 'unhealthy', 1_000, 'unhealthy');
    assert.equal(balancer.targets()[1]?.reason, 'Target.FailedHealthChecks');
    for (let i = 0; i < 5; i++) assert.equal((await get(balancer.url)).status, 200);
  });

  test('a target resetting mid-response is a 502 (headers not sent) or a reset (after)', async () => {
    const { balancer } = await setup(1, 'round_robin', (req) => req.socket.destroy());
    await waitFor(() => healthyCount(balancer) === 1, 2_000, 'healthy');
    const answer = await get(balancer.url, '/boom');
    assert.equal(answer.status, 502);
    assert.match(answer.body, /502 Bad Gateway/);
  });

  test('forwarding headers and trace id', async () => {
    const { balancer } = await setup(1);
    await waitFor(() => healthyCount(balancer) === 1, 2_000, 'healthy');
    const port = new URL(balancer.url).port;
    const plain = JSON.parse((await get(balancer.url, '/x', { 'X-Forwarded-For': '203.0.113.7' })).body);
    assert.equal(plain.headers['x-forwarded-for'], '203.0.113.7, 127.0.0.1');
    assert.equal(plain.headers['x-forwarded-proto'], 'http');
    assert.equal(plain.headers['x-forwarded-port'], port);
    assert.match(plain.headers['x-amzn-trace-id'], /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    const traced = JSON.parse(
      (await get(balancer.url, '/x', { 'X-Amzn-Trace-Id': 'Root=1-5759e988-bd862e3fe1be46a994272793' })).body,
    );
    assert.match(
      traced.headers['x-amzn-trace-id'],
      /^Root=1-5759e988-bd862e3fe1be46a994272793;Self=1-[0-9a-f]{8}-[0-9a-f]{24}$/,
    );
  });

  test('least outstanding requests sends new requests to the idle target', async () => {
    const { balancer } = await setup(2, 'least_outstanding_requests', (req, res) => {
      const ms = req.url === '/slow' ? 400 : 0;
      setTimeout(() => res.end(JSON.stringify({ instance: req.socket.localPort })), ms);
    });
    await waitFor(() => healthyCount(balancer) === 2, 2_000, 'healthy');
    const slow = get(balancer.url, '/slow');
    await waitFor(() => balancer.targets().some((t) => t.inFlight === 1), 1_000, 'in flight');
    const busy = balancer.targets().findIndex((t) => t.inFlight === 1);
    const quick = [await get(balancer.url, '/q'), await get(balancer.url, '/q')];
    const idlePort = balancer.targets()[1 - busy]!.target.split(':')[1];
    for (const answer of quick) assert.equal(String(JSON.parse(answer.body).instance), idlePort);
    await slow;
  });

  test('close drains: in-flight requests finish, new connections are refused', async () => {
    const { balancer } = await setup(1, 'round_robin', (_req, res) => {
      setTimeout(() => res.end('done'), 300);
    });
    await waitFor(() => healthyCount(balancer) === 1, 2_000, 'healthy');
    const inFlight = get(balancer.url, '/slow');
    await waitFor(() => balancer.targets()[0]?.inFlight === 1, 1_000, 'in flight');
    const closed = balancer.close();
    assert.equal(balancer.targets()[0]?.health, 'draining');
    const answer = await inFlight;
    assert.equal(answer.status, 200);
    assert.equal(answer.body, 'done');
    await closed;
    assert.equal(balancer.targets()[0]?.health, 'unused');
    await assert.rejects(get(balancer.url), /ECONNREFUSED/);
  });
});
