/**
 * bench:traffic — the global traffic layer on loopback, bounded, stops by itself.
 *  1. DNS answers/s over UDP with several queries in flight, against a bare UDP echo server
 *     answering a fixed packet through the same client loop (the ceiling of Node's UDP path).
 *  2. Accelerator added latency, p50/p99, TCP and HTTP mode, against going direct to the region's
 *     WAN face through the same fabric link (keep-alive requests on an established connection).
 *  3. Recovery times with the fast profile: DNS failover (health checks through the WAN, then the
 *     answer) and accelerator failover for new requests (health checks; HTTP mode with passive
 *     failover). aws-defaults is not run: its 30 s × 3 health checks are not divided by timeScale,
 *     so one failover takes ~90 s of wall time.
 * Everything (fabric, checker, DNS server, accelerator, clients) runs in this one process, like the
 * world controller does except for the clients, on ports of their own (4xxxx) so a running world is
 * not disturbed.
 */
import { createSocket, type Socket } from 'node:dgram';
import http from 'node:http';
import dnsPacket from 'dns-packet';
import { systemClock } from '../src/shared/clock.js';
import { silentLogger } from '../src/shared/logger.js';
import { seededRandom } from '../src/shared/random.js';
import { Accelerator, type AcceleratorConfig } from '../src/traffic/accelerator/index.js';
import { dnsLocationsFromTopology, latencyFromTopology, startDnsServer } from '../src/traffic/dns/index.js';
import { HealthChecker } from '../src/traffic/health/index.js';
import { locationAddress } from '../src/wan/client.js';
import { WanFabric } from '../src/wan/fabric.js';
import { parseTopology } from '../src/world/topology/index.js';
import { healthCheckPath } from '../src/world/topology/traffic.js';

const dnsDurationMs = 2_000;
const dnsInFlight = 64;
const latencyRequests = 1_000;
const lbPort = 41080;

const topology = parseTopology(
  `version: 1
regions: [{ name: us-east-1 }, { name: eu-west-1 }]
services:
  dynamodb: { port: 41000 }
  replication: { port: 41001 }
  app: { instances: 1, basePort: 41100 }
  loadBalancer: { port: ${lbPort} }
# Zero delay on the measured link: the latency figures are then the proxy's own cost.
wan:
  links:
    - { from: europe, to: eu-west-1, latencyMs: 0 }
    - { from: eu-west-1, to: europe, latencyMs: 0 }
global: { adminPort: 41700, edgePort: 41002, dnsPort: 41053, acceleratorPort: 41081, dashboardPort: 41701 }
`,
  'bench-traffic.yaml',
);
const europe = topology.locations.find((location) => location.name === 'europe');
if (!europe) throw new Error('the default locations include europe');
const client = locationAddress(europe, 9);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const fixed = (value: number, digits = 2) => value.toFixed(digits);

// -- 1. DNS throughput -------------------------------------------------------------------------

/** Keeps `inFlight` queries outstanding for `durationMs`; returns answers per second. */
async function udpAnswersPerSecond(port: number): Promise<number> {
  const socket: Socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind({ address: client, port: 0 }, resolve));
  const query = dnsPacket.encode({
    type: 'query',
    id: 1,
    questions: [{ name: 'app.example.com', type: 'A', class: 'IN' }],
  });
  let answers = 0;
  let running = true;
  const send = () => socket.send(query, port, '127.0.0.1');
  socket.on('message', () => {
    answers++;
    if (running) send();
  });
  // A lost datagram would shrink the window for good: top it up every few milliseconds.
  let sent = 0;
  const topUp = setInterval(() => {
    const missing = dnsInFlight - (sent - answers);
    for (let index = 0; index < missing; index++, sent++) send();
  }, 5);
  socket.on('message', () => sent++);
  const startedMs = performance.now();
  await new Promise((resolve) => setTimeout(resolve, dnsDurationMs));
  running = false;
  clearInterval(topUp);
  const elapsedMs = performance.now() - startedMs;
  socket.close();
  return (answers / elapsedMs) * 1000;
}

async function benchDns(): Promise<void> {
  const dns = await startDnsServer({
    host: '127.0.0.1',
    port: 0,
    zones: topology.traffic.hostedZones,
    locations: dnsLocationsFromTopology(topology),
    latencyMs: latencyFromTopology(topology),
    isHealthy: () => true,
  });
  const echo = createSocket('udp4');
  const fixedAnswer = Buffer.alloc(64, 1);
  echo.on('message', (_message, remote) => echo.send(fixedAnswer, remote.port, remote.address));
  await new Promise<void>((resolve) => echo.bind({ address: '127.0.0.1', port: 0 }, resolve));
  const baseline = await udpAnswersPerSecond(echo.address().port);
  const served = await udpAnswersPerSecond(dns.address.port);
  echo.close();
  await dns.stop();
  console.log('DNS over UDP (latency-routed alias, app.example.com A, from europe)');
  console.log(`  ${dnsInFlight} in flight, ${dnsDurationMs} ms each`);
  console.log(`  baseline UDP echo:  ${fixed(baseline, 0)} answers/s`);
  console.log(
    `  Pangea DNS:         ${fixed(served, 0)} answers/s  (${fixed((100 * served) / baseline, 1)}% of baseline; target >= 20,000: ${served >= 20_000 ? 'met' : 'NOT met'})`,
  );
}

// -- 2. Accelerator latency --------------------------------------------------------------------

function regionServers(): Map<string, http.Server> {
  return new Map(
    topology.regions.map((region) => [
      region.name,
      http.createServer({ keepAlive: true }, (request, response) =>
        response.end(request.url === healthCheckPath ? 'OK' : region.name),
      ),
    ]),
  );
}

async function listenServer(server: http.Server, region: string): Promise<void> {
  const spec = topology.regions.find((candidate) => candidate.name === region);
  await new Promise<void>((resolve) => server.listen(lbPort, spec?.address, resolve));
}

function get(agent: http.Agent, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host, port, path: '/', agent }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        response.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

async function latencies(host: string, port: number): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: client });
  for (let index = 0; index < 50; index++) await get(agent, port, host);
  const samples: number[] = [];
  for (let index = 0; index < latencyRequests; index++) {
    const startedMs = performance.now();
    await get(agent, port, host);
    samples.push(performance.now() - startedMs);
  }
  agent.destroy();
  return samples;
}

function acceleratorConfig(passiveFailover: boolean): AcceleratorConfig {
  const groups = topology.regions.map((region) => ({
    EndpointGroupRegion: region.name,
    HealthCheckProtocol: 'HTTP' as const,
    HealthCheckPath: healthCheckPath,
    EndpointConfigurations: [{ EndpointId: `${region.name}:loadBalancer` }],
  }));
  return {
    Listeners: [
      { PortRanges: [{ FromPort: 41081, ToPort: 41081 }], ProxyMode: 'TCP', EndpointGroups: groups },
      {
        PortRanges: [{ FromPort: 41082, ToPort: 41082 }],
        ProxyMode: 'HTTP',
        PassiveFailover: { Enabled: passiveFailover, RetryIdempotent: false },
        EndpointGroups: groups,
      },
    ],
  };
}

async function benchAcceleratorLatency(): Promise<void> {
  const wanFace = topology.regions.find((region) => region.name === 'eu-west-1')?.wanAddress ?? '';
  const direct = await latencies(wanFace, lbPort);
  const tcp = await latencies('127.0.0.1', 41081);
  const httpMode = await latencies('127.0.0.1', 41082);
  const p50 = percentile(direct, 50);
  const p99 = percentile(direct, 99);
  console.log('\nAccelerator added latency (europe -> eu-west-1, keep-alive GET, one connection)');
  console.log(`  direct via WAN face: p50 ${fixed(p50)} ms  p99 ${fixed(p99)} ms`);
  for (const [mode, samples] of [
    ['TCP', tcp],
    ['HTTP', httpMode],
  ] as const) {
    const added = percentile(samples, 50) - p50;
    console.log(
      `  ${mode.padEnd(4)} mode:          p50 ${fixed(percentile(samples, 50))} ms  p99 ${fixed(percentile(samples, 99))} ms  added p50 ${fixed(added, 3)} ms, p99 ${fixed(percentile(samples, 99) - p99, 3)} ms  (ratio ${fixed(percentile(samples, 50) / p50)}x; target <= 0.3 ms p50: ${added <= 0.3 ? 'met' : 'NOT met'})`,
    );
  }
}

// -- 3. Failover -------------------------------------------------------------------------------

async function until(predicate: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const startedMs = performance.now();
  while (performance.now() - startedMs < timeoutMs) {
    if (await predicate().catch(() => false)) return performance.now() - startedMs;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Number.POSITIVE_INFINITY;
}

function digA(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('timeout'));
    }, 1_000);
    socket.once('message', (message) => {
      clearTimeout(timer);
      socket.close();
      const answer = dnsPacket.decode(message).answers?.[0] as { data?: string } | undefined;
      resolve(answer?.data ?? '');
    });
    socket.bind({ address: client, port: 0 }, () =>
      socket.send(
        dnsPacket.encode({
          type: 'query',
          id: 2,
          questions: [{ name: 'app.example.com', type: 'A', class: 'IN' }],
        }),
        port,
        '127.0.0.1',
      ),
    );
  });
}

function freshGet(port: number): Promise<string> {
  const agent = new http.Agent({ keepAlive: false, localAddress: client });
  return get(agent, port, '127.0.0.1').finally(() => agent.destroy());
}

async function benchFailover(fabric: WanFabric, servers: Map<string, http.Server>): Promise<void> {
  const checker = new HealthChecker(topology.traffic.healthChecks, {
    topology,
    links: fabric,
    random: seededRandom(1),
  });
  const dns = await startDnsServer({
    host: '127.0.0.1',
    port: 0,
    zones: topology.traffic.hostedZones,
    locations: dnsLocationsFromTopology(topology),
    latencyMs: latencyFromTopology(topology),
    isHealthy: (id) => checker.isHealthy(id),
  });
  checker.start();
  const euWan = topology.regions.find((region) => region.name === 'eu-west-1')?.wanAddress;
  await until(async () => (await digA(dns.address.port)) === euWan, 5_000);
  await new Promise((resolve) => setTimeout(resolve, 2_500)); // every checker has seen it healthy

  const { intervalMs, failureThreshold } = topology.timing.healthCheck;
  const ttlSeconds = topology.timing.dnsTtlSeconds;
  const server = servers.get('eu-west-1') as http.Server;
  const stoppedAt = performance.now();
  server.closeAllConnections();
  server.close();
  const [dnsFlipMs, tcpFailoverMs, httpFailoverMs] = await Promise.all([
    until(async () => (await digA(dns.address.port)) !== euWan, 30_000),
    until(async () => (await freshGet(41081)) === 'us-east-1', 30_000),
    until(async () => (await freshGet(41082)) === 'us-east-1', 30_000),
  ]);
  const boundMs = intervalMs * failureThreshold + ttlSeconds * 1000 + 1000;
  const clientSeesMs = dnsFlipMs + ttlSeconds * 1000;
  console.log(
    `\nFailover, fast profile (health checks every ${intervalMs} ms, threshold ${failureThreshold}, TTL ${ttlSeconds} s)`,
  );
  console.log(
    `  DNS answer changes after ${fixed(dnsFlipMs, 0)} ms; a resolver caching for the TTL sees it by ${fixed(clientSeesMs, 0)} ms (target interval x threshold + TTL + 1 s = ${boundMs} ms: ${clientSeesMs <= boundMs ? 'met' : 'NOT met'})`,
  );
  console.log(
    `  accelerator, new connections, TCP mode (health checks only): ${fixed(tcpFailoverMs, 0)} ms (target 1,000 ms: ${tcpFailoverMs <= 1000 ? 'met' : 'NOT met'})`,
  );
  console.log(
    `  accelerator, new requests, HTTP mode + PassiveFailover:      ${fixed(httpFailoverMs, 0)} ms (target 1,000 ms: ${httpFailoverMs <= 1000 ? 'met' : 'NOT met'})`,
  );
  console.log(`  (stopped at t=0; ${fixed(performance.now() - stoppedAt, 0)} ms measured in all)`);
  await checker.stop();
  await dns.stop();
}

async function main(): Promise<void> {
  const guard = setTimeout(() => {
    console.error('bench:traffic did not finish within 120 s');
    process.exit(1);
  }, 120_000);
  await benchDns();
  const fabric = new WanFabric(topology, {
    clock: systemClock,
    random: seededRandom(7),
    logger: silentLogger(),
  });
  await fabric.start();
  const servers = regionServers();
  for (const [region, server] of servers) await listenServer(server, region);
  const accelerator = new Accelerator(acceleratorConfig(true), { topology, random: seededRandom(3) });
  await accelerator.start();
  await new Promise((resolve) => setTimeout(resolve, 500)); // first health probes
  try {
    await benchAcceleratorLatency();
    await benchFailover(fabric, servers);
  } finally {
    await accelerator.stop();
    for (const server of servers.values()) {
      server.closeAllConnections();
      server.close();
    }
    await fabric.close();
    clearTimeout(guard);
  }
}

await main();
