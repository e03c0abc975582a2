/**
 * bench:traffic — the global traffic layer on loopback, bounded, stops by itself.
 *  1. DNS answers/s over UDP with 64 queries in flight, from a load client in its own process,
 *     against a bare UDP echo server in the server's process (the ceiling of Node's UDP path on
 *     this machine right now). Rounds alternate echo, DNS and DNS with EDNS Client Subnet so that
 *     load from other processes hits all three alike; medians are reported with every round.
 *  2. Accelerator added latency, p50/p99, TCP and HTTP mode, against going direct to the region's
 *     WAN face through the same fabric link (keep-alive requests on an established connection).
 *  3. Recovery times with the fast profile: DNS failover (health checks through the WAN, then the
 *     answer) and accelerator failover for new requests: from the region's death (its server stops
 *     listening) to the first new request that succeeds, and to the first success after which no
 *     new request failed (TCP mode: active health checks; HTTP mode: passive failover as well).
 *     aws-defaults is not run: its 30 s × 3 health checks are not divided by timeScale, so one
 *     failover takes ~90 s of wall time.
 * Everything but the DNS load client (fabric, checker, DNS server, accelerator, other clients) runs
 * in this one process, like the world controller does, on ports of their own (4xxxx) so a running
 * world is not disturbed.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createSocket } from 'node:dgram';
import http from 'node:http';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
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
import type { LoadRequest, LoadResult } from './processes/udp-load-client.js';

const dnsRounds = 5;
const dnsRoundMs = 1_500;
const dnsWarmupMs = 200;
const dnsInFlight = 64;
/** How long new requests keep going to the accelerator after the region died. */
const failoverObservationMs = 4_000;
const requestTimeoutMs = 2_000;
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

const median = (values: number[]) => percentile(values, 50);

async function startLoadClient(): Promise<ChildProcess> {
  const child = fork(fileURLToPath(new URL('./processes/udp-load-client.js', import.meta.url)));
  await new Promise((resolve) => child.once('message', resolve));
  return child;
}

/** One round: the load client keeps `dnsInFlight` copies of `query` outstanding; answers per second. */
async function answersPerSecond(loadClient: ChildProcess, port: number, query: Buffer): Promise<number> {
  const request: LoadRequest = {
    host: '127.0.0.1',
    port,
    localAddress: client,
    queryHex: query.toString('hex'),
    inFlight: dnsInFlight,
    durationMs: dnsRoundMs,
    warmupMs: dnsWarmupMs,
  };
  const result = new Promise<LoadResult>((resolve) => loadClient.once('message', resolve));
  loadClient.send(request);
  const { answers, elapsedMs } = await result;
  return (answers / elapsedMs) * 1000;
}

function dnsQuery(withClientSubnet: boolean): Buffer {
  const subnet = {
    code: 'CLIENT_SUBNET',
    family: 1,
    sourcePrefixLength: 24,
    scopePrefixLength: 0,
    ip: '127.3.5.0',
  };
  return dnsPacket.encode({
    type: 'query',
    id: 1,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name: 'app.example.com', type: 'A', class: 'IN' }],
    additionals: withClientSubnet
      ? [{ name: '.', type: 'OPT', udpPayloadSize: 1232, options: [subnet] } as never]
      : [],
  });
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
  const loadClient = await startLoadClient();
  const [plain, withSubnet] = [dnsQuery(false), dnsQuery(true)];
  const rounds = { echo: [] as number[], dns: [] as number[], ecs: [] as number[] };
  const loadBefore = os.loadavg()[0] ?? 0;
  for (let round = 0; round < dnsRounds; round++) {
    rounds.echo.push(await answersPerSecond(loadClient, echo.address().port, plain));
    rounds.dns.push(await answersPerSecond(loadClient, dns.address.port, plain));
    rounds.ecs.push(await answersPerSecond(loadClient, dns.address.port, withSubnet));
  }
  const loadAfter = os.loadavg()[0] ?? 0;
  // The load client does not read answers: check once that both query forms get the right one.
  const euWan = topology.regions.find((region) => region.name === 'eu-west-1')?.wanAddress;
  const answers = [await digA(dns.address.port, plain), await digA(dns.address.port, withSubnet)];
  const { queries, byRcode } = dns.stats;
  loadClient.disconnect();
  echo.close();
  await dns.stop();
  const line = (values: number[]) =>
    `${fixed(median(values), 0).padStart(6)} answers/s median  (rounds: ${values.map((value) => fixed(value, 0)).join(', ')})`;
  const baseline = median(rounds.echo);
  const served = median(rounds.dns);
  console.log('DNS over UDP (latency-routed alias, app.example.com A, from europe)');
  console.log(
    `  ${dnsInFlight} in flight from a separate client process; ${dnsRounds} rounds of ${dnsRoundMs} ms (after ${dnsWarmupMs} ms warm-up); ${os.cpus().length} cores, load average ${fixed(loadBefore, 1)} before, ${fixed(loadAfter, 1)} after`,
  );
  console.log(`  baseline UDP echo:   ${line(rounds.echo)}`);
  console.log(`  Pangea DNS:          ${line(rounds.dns)}`);
  console.log(`  Pangea DNS with ECS: ${line(rounds.ecs)}`);
  console.log(
    `  answers: ${answers.join(', ')} (expected ${euWan}); ${queries} queries answered, ${byRcode.NOERROR ?? 0} NOERROR`,
  );
  console.log(
    `  Pangea DNS is ${fixed((100 * served) / baseline, 1)}% of the baseline (with ECS ${fixed((100 * median(rounds.ecs)) / baseline, 1)}%); target >= 20,000 answers/s: ${served >= 20_000 ? 'met' : 'NOT met'}`,
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
      .get({ host, port, path: '/', agent, timeout: requestTimeoutMs }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        response.on('end', () => resolve(body));
        response.on('error', reject);
      })
      .on('timeout', function (this: http.ClientRequest) {
        this.destroy(new Error('timeout'));
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

function digA(
  port: number,
  query = dnsPacket.encode({
    type: 'query',
    id: 2,
    questions: [{ name: 'app.example.com', type: 'A', class: 'IN' }],
  }),
): Promise<string> {
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
    socket.bind({ address: client, port: 0 }, () => socket.send(query, port, '127.0.0.1'));
  });
}

function freshGet(port: number): Promise<string> {
  const agent = new http.Agent({ keepAlive: false, localAddress: client });
  return get(agent, port, '127.0.0.1').finally(() => agent.destroy());
}

interface Attempt {
  endedMs: number;
  ok: boolean;
}

/** New requests (each on a new connection) back to back until `endMs`; ok = served by us-east-1. */
async function newRequestsUntil(port: number, endMs: number): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  while (performance.now() < endMs) {
    const ok = await freshGet(port).then(
      (body) => body === 'us-east-1',
      () => false,
    );
    attempts.push({ endedMs: performance.now(), ok });
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return attempts;
}

/** From the death: the first success, and the first success after which nothing failed. */
function recovery(
  attempts: Attempt[],
  diedAtMs: number,
): { firstMs: number; sustainedMs: number; failed: number } {
  const first = attempts.find((attempt) => attempt.ok);
  const lastFailure = attempts.findLastIndex((attempt) => !attempt.ok);
  const sustained = attempts[lastFailure + 1];
  return {
    firstMs: first ? first.endedMs - diedAtMs : Number.POSITIVE_INFINITY,
    sustainedMs: sustained ? sustained.endedMs - diedAtMs : Number.POSITIVE_INFINITY,
    failed: attempts.filter((attempt) => !attempt.ok).length,
  };
}

function recoveryLine(label: string, attempts: Attempt[], diedAtMs: number): string {
  const { firstMs, sustainedMs, failed } = recovery(attempts, diedAtMs);
  const verdict = sustainedMs <= 1000 ? 'met' : 'NOT met';
  return `  ${label}: first success ${fixed(firstMs, 0)} ms, sustained from ${fixed(sustainedMs, 0)} ms (${failed} of ${attempts.length} new requests failed; target 1,000 ms: ${verdict})`;
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
  const { healthCheckIntervalMs, thresholdCount } = topology.timing.accelerator;
  const server = servers.get('eu-west-1') as http.Server;
  const diedAtMs = performance.now();
  server.closeAllConnections();
  server.close();
  const endMs = diedAtMs + failoverObservationMs;
  const [dnsFlipMs, tcpAttempts, httpAttempts] = await Promise.all([
    until(async () => (await digA(dns.address.port)) !== euWan, 30_000),
    newRequestsUntil(41081, endMs),
    newRequestsUntil(41082, endMs),
  ]);
  const boundMs = intervalMs * failureThreshold + ttlSeconds * 1000 + 1000;
  const clientSeesMs = dnsFlipMs + ttlSeconds * 1000;
  console.log(
    `\nFailover, fast profile (Route 53 checks every ${intervalMs} ms, threshold ${failureThreshold}, TTL ${ttlSeconds} s; accelerator checks every ${healthCheckIntervalMs} ms, threshold ${thresholdCount})`,
  );
  console.log(
    `  DNS answer changes after ${fixed(dnsFlipMs, 0)} ms; a resolver caching for the TTL sees it by ${fixed(clientSeesMs, 0)} ms (target interval x threshold + TTL + 1 s = ${boundMs} ms: ${clientSeesMs <= boundMs ? 'met' : 'NOT met'})`,
  );
  console.log(recoveryLine('accelerator TCP mode (health checks)          ', tcpAttempts, diedAtMs));
  console.log(recoveryLine('accelerator HTTP mode (+ PassiveFailover)     ', httpAttempts, diedAtMs));
  console.log(
    `  (region stopped listening at t=0; new requests on new connections every ~10 ms for ${failoverObservationMs} ms, each from europe)`,
  );
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
