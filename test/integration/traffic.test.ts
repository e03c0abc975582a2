/**
 * The global traffic layer in a real world: Route 53 health checks probing through the WAN, the DNS
 * server answered with real `dig` from client-location addresses, and the accelerator carrying
 * real connections. Each region's load balancer port is served by a small HTTP server here (the
 * reference app's load balancer takes that port later).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { latencyFromTopology } from '../../src/traffic/dns/index.js';
import { locationAddress } from '../../src/wan/client.js';
import type { WorldStatus } from '../../src/world/status.js';
import { defaultTopology } from '../../src/world/topology/index.js';
import { waitFor } from '../support/cli.js';
import { startWorld, type TestWorld } from '../support/world.js';

const run = promisify(execFile);
const topology = defaultTopology();
const dnsPort = topology.global.dnsPort;
const acceleratorPort = topology.global.acceleratorPort;
/** Generous bound for a failover: fast profile interval × threshold + TTL is 3 s. */
const failoverDeadlineMs = 15_000;

/** One region's stand-in load balancer: /health answers 200 (or 503 when told), / names the region. */
class RegionServer {
  private server: http.Server | undefined;
  constructor(
    readonly region: string,
    readonly address: string,
    readonly port: number,
  ) {}

  async start(): Promise<void> {
    const server = http.createServer((request, response) => {
      response.setHeader('connection', 'close');
      response.end(request.url === '/health' ? 'OK' : `hello from ${this.region}`);
    });
    await new Promise<void>((resolve) => server.listen(this.port, this.address, resolve));
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function digShort(name: string, fromAddress: string, type = 'A'): Promise<string> {
  const { stdout } = await run('dig', [
    '@127.0.0.1',
    '-p',
    String(dnsPort),
    '-b',
    fromAddress,
    name,
    type,
    '+short',
    '+tries=1',
    '+time=2',
  ]);
  return stdout.trim();
}

/** GET / through the accelerator from a client address; a fresh connection each time. */
function viaAccelerator(fromAddress: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      {
        host: '127.0.0.1',
        port: acceleratorPort,
        path: '/',
        localAddress: fromAddress,
        agent: false,
        timeout: 5_000,
      },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        response.on('end', () => resolve(body));
      },
    );
    request.on('timeout', () => request.destroy(new Error('accelerator request timed out')));
    request.on('error', reject);
  });
}

/** The region with the smallest modelled RTT from a location (what latency routing and GA pick). */
function nearestRegion(location: string, except: string[] = []): string {
  const latencyMs = latencyFromTopology(topology);
  const candidates = topology.regions.filter((region) => !except.includes(region.name));
  return candidates.reduce((best, region) =>
    (latencyMs(location, region.name) ?? Number.POSITIVE_INFINITY) <
    (latencyMs(location, best.name) ?? Number.POSITIVE_INFINITY)
      ? region
      : best,
  ).name;
}

const wanAddressOf = (region: string): string =>
  topology.regions.find((candidate) => candidate.name === region)?.wanAddress ?? '?';

const clientAt = (location: string): string => {
  const spec = topology.locations.find((candidate) => candidate.name === location);
  if (!spec) throw new Error(`no location ${location}`);
  return locationAddress(spec, 7);
};

async function allChecksHealthy(world: TestWorld, healthy: boolean): Promise<boolean> {
  const status: WorldStatus = await world.status();
  return (status.traffic?.healthChecks ?? []).every((check) => check.healthy === healthy);
}

describe('global traffic layer', () => {
  let world: TestWorld;
  const servers = topology.regions.map(
    (region) => new RegionServer(region.name, region.address, region.services.loadBalancer.port),
  );

  before(async () => {
    for (const server of servers) await server.start();
    // The regions run no app (startWorld's default), so this test's own servers stand behind each
    // region's load-balancer port and can be stopped and started at will.
    world = await startWorld(['--fresh']);
    await waitFor(() => allChecksHealthy(world, true), 15_000, 'every health check healthy');
  });

  after(async () => {
    await world?.down();
    for (const server of servers) await server.stop();
  });

  test('status --json shows the DNS and accelerator endpoints and the health checks', async () => {
    const status = await world.status();
    assert.equal(status.endpoints.dns, `dns://127.0.0.1:${dnsPort}`);
    assert.equal(status.endpoints.accelerator, `http://127.0.0.1:${acceleratorPort}`);
    assert.deepEqual(
      status.traffic?.healthChecks.map((check) => [check.id, check.healthy]),
      topology.regions.map((region) => [`${region.name}-alb`, true]),
    );
    assert.equal(status.traffic?.accelerator.listeners[0]?.groups.length, topology.regions.length);
    assert.match(await world.cli(['status']), /HEALTH CHECK/);
  });

  test('dig from every location gets the latency-nearest region', async () => {
    for (const location of topology.locations) {
      const answer = await digShort('app.example.com', clientAt(location.name));
      assert.equal(answer, wanAddressOf(nearestRegion(location.name)), location.name);
    }
    const viaCli = await world.cli(['dns', 'query', 'app.example.com', '--from', 'europe', '--short']);
    assert.equal(viaCli.trim(), wanAddressOf(nearestRegion('europe')));
  });

  test('a name outside every zone is REFUSED', async () => {
    const { stdout } = await run('dig', [
      '@127.0.0.1',
      '-p',
      String(dnsPort),
      '-b',
      clientAt('europe'),
      'example.org',
      'A',
    ]);
    assert.match(stdout, /status: REFUSED/);
  });

  test('the accelerator carries a client to its nearest region; a dial of 0 spills it over', async () => {
    const home = nearestRegion('europe');
    assert.equal(await viaAccelerator(clientAt('europe')), `hello from ${home}`);
    await world.cli(['accelerator', 'dial', home, '0']);
    const spilled = await viaAccelerator(clientAt('europe'));
    assert.equal(spilled, `hello from ${nearestRegion('europe', [home])}`);
    await world.cli(['accelerator', 'dial', home, '100']);
    assert.equal(await viaAccelerator(clientAt('europe')), `hello from ${home}`);
  });

  test('a region whose load balancer stops loses its clients in DNS and the accelerator, and gets them back', async () => {
    const home = nearestRegion('europe');
    const next = nearestRegion('europe', [home]);
    const server = servers.find((candidate) => candidate.region === home);
    assert.ok(server);
    await server.stop();
    await waitFor(
      async () => (await digShort('app.example.com', clientAt('europe'))) === wanAddressOf(next),
      failoverDeadlineMs,
      `DNS for europe to move from ${home} to ${next}`,
    );
    await waitFor(
      async () => (await viaAccelerator(clientAt('europe')).catch(() => '')) === `hello from ${next}`,
      failoverDeadlineMs,
      `new accelerator connections from europe to reach ${next}`,
    );
    const health = JSON.parse(await world.cli(['health', 'show', `${home}-alb`, '--json'])) as {
      healthy: boolean;
    };
    assert.equal(health.healthy, false);

    await server.start();
    await waitFor(
      async () => (await digShort('app.example.com', clientAt('europe'))) === wanAddressOf(home),
      failoverDeadlineMs,
      `DNS for europe to return to ${home}`,
    );
    await waitFor(
      async () => (await viaAccelerator(clientAt('europe')).catch(() => '')) === `hello from ${home}`,
      failoverDeadlineMs,
      `accelerator connections from europe to return to ${home}`,
    );
  });

  test('bad input: unknown region with a suggestion, invalid zones rejected with the field named', async () => {
    const { runCli } = await import('../support/cli.js');
    const dial = await runCli(['accelerator', 'dial', 'eu-wst-1', '50'], world.dir);
    assert.equal(dial.code, 1);
    assert.match(dial.stderr, /did you mean eu-west-1\?/);
    const from = await runCli(['dns', 'query', 'app.example.com', '--from', 'eurpe'], world.dir);
    assert.equal(from.code, 1);
    assert.match(from.stderr, /did you mean europe\?/);
    const response = await fetch(`http://127.0.0.1:${topology.global.adminPort}/v1/dns/zones`, {
      method: 'PUT',
      body: JSON.stringify({
        hostedZones: [
          {
            Name: 'example.com',
            ResourceRecordSets: [
              { Name: 'a.example.com', Type: 'A', TTL: -5, ResourceRecords: [{ Value: '127.0.1.2' }] },
            ],
          },
        ],
      }),
    });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'DnsZonesInvalid');
    assert.match(body.error.message, /hostedZones\[0\]\.ResourceRecordSets\[0\]\.TTL/);
  });
});
