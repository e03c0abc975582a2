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
 *  4. Recovery times with aws-defaults (Route 53 checks every 30 s, threshold 3, TTL 60 s;
 *     accelerator checks every 30 s, threshold 3): the same components on a topology with
 *     `timing: { profile: aws-defaults }`. Its intervals are not divided by timeScale, so this takes
 *     ~2 minutes of wall time (each measurement stops by itself after 200 s at most). Measured times
 *     are compared with the nominal interval × threshold (+ TTL) and with a prediction from the
 *     probe schedules seen before the death. Skip with BENCH_TRAFFIC_AWS_DEFAULTS=0.
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
import { HealthChecker, healthyCheckerShare } from '../src/traffic/health/index.js';
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

/** Run section 4 (aws-defaults recovery, ~2 minutes) unless BENCH_TRAFFIC_AWS_DEFAULTS=0. */
const runAwsDefaults = process.env.BENCH_TRAFFIC_AWS_DEFAULTS !== '0';
/** Hard limit of each aws-defaults measurement, from the region's death. */
const awsDeadlineMs = 200_000;
/** aws-defaults: one new request every this many ms (the measured times are ~60-150 s). */
const awsRequestGapMs = 100;
/** aws-defaults: a run of successes this long after the last failure ends the measurement. */
const awsStableMs = 3_000;

const topologyYaml = (profile: 'fast' | 'aws-defaults') =>
  `version: 1
timing: { profile: ${profile} }
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
`;
const topology = parseTopology(topologyYaml('fast'), 'bench-traffic.yaml');
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

/** A region's load balancer: answers health checks, and every other request with the region's name. */
function regionServer(region: string): http.Server {
  return http.createServer({ keepAlive: true }, (request, response) =>
    response.end(request.url === healthCheckPath ? 'OK' : region),
  );
}

function regionServers(): Map<string, http.Server> {
  return new Map(topology.regions.map((region) => [region.name, regionServer(region.name)]));
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

async function until(predicate: () => Promise<boolean>, timeoutMs: number, pollMs = 20): Promise<number> {
  const startedMs = performance.now();
  while (performance.now() - startedMs < timeoutMs) {
    if (await predicate().catch(() => false)) return performance.now() - startedMs;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return Number.POSITIVE_INFINITY;
}

const appQuery = () =>
  dnsPacket.encode({
    type: 'query',
    id: 2,
    questions: [{ name: 'app.example.com', type: 'A', class: 'IN' }],
  });

async function digA(port: number, query = appQuery()): Promise<string> {
  return (await digAnswer(port, query)).data;
}

/** The first answer's address and TTL ('' and NaN when there is none). */
function digAnswer(port: number, query = appQuery()): Promise<{ data: string; ttl: number }> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('timeout'));
    }, 1_000);
    socket.once('message', (message) => {
      clearTimeout(timer);
      socket.close();
      const answer = dnsPacket.decode(message).answers?.[0] as { data?: string; ttl?: number } | undefined;
      resolve({ data: answer?.data ?? '', ttl: answer?.ttl ?? Number.NaN });
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

// -- 4. Failover with aws-defaults -------------------------------------------------------------

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Like newRequestsUntil, sparser: until a run of successes `awsStableMs` long, or the deadline. */
async function newRequestsUntilStable(port: number, diedAtMs: number): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  let lastFailureMs = diedAtMs;
  while (performance.now() < diedAtMs + awsDeadlineMs) {
    const ok = await freshGet(port).then(
      (body) => body === 'us-east-1',
      () => false,
    );
    const endedMs = performance.now();
    attempts.push({ endedMs, ok });
    if (!ok) lastFailureMs = endedMs;
    else if (endedMs - lastFailureMs >= awsStableMs) break;
    await sleep(awsRequestGapMs);
  }
  return attempts;
}

/** The first probe that starts after the death, on a schedule of one probe every `intervalMs` from `probeMs`. */
function nextProbeAfter(probeMs: number, diedAtMs: number, intervalMs: number): number {
  return probeMs + Math.max(1, Math.ceil((diedAtMs - probeMs) / intervalMs)) * intervalMs;
}

/**
 * When the Route 53 check should turn unhealthy, from each checker's last probe before the death:
 * a checker turns at its `threshold`-th failed probe, the check when no more than 18% of its
 * checkers are left healthy.
 */
function predictedCheckFlipMs(
  lastProbesMs: number[],
  diedAtMs: number,
  intervalMs: number,
  threshold: number,
): number {
  const flips = lastProbesMs
    .map((probeMs) => nextProbeAfter(probeMs, diedAtMs, intervalMs) + (threshold - 1) * intervalMs - diedAtMs)
    .sort((a, b) => a - b);
  const total = flips.length;
  const decisive = flips.findIndex((_, index) => (total - index - 1) / total <= healthyCheckerShare);
  return flips[decisive] ?? Number.NaN;
}

const seconds = (ms: number) =>
  Number.isFinite(ms) ? `${fixed(ms / 1000, 1)} s` : `not within ${awsDeadlineMs / 1000} s`;
const ratio = (measuredMs: number, expectedMs: number) =>
  Number.isFinite(measuredMs) ? `ratio ${fixed(measuredMs / expectedMs)}` : 'ratio n/a';

async function benchAwsDefaultsFailover(fabric: WanFabric, servers: Map<string, http.Server>): Promise<void> {
  const aws = parseTopology(topologyYaml('aws-defaults'), 'bench-traffic-aws-defaults.yaml');
  const { intervalMs, failureThreshold } = aws.timing.healthCheck;
  const { healthCheckIntervalMs, thresholdCount } = aws.timing.accelerator;
  const euCheck = aws.traffic.healthChecks.find((check) => check.TargetRegion === 'eu-west-1');
  const euWan = aws.regions.find((region) => region.name === 'eu-west-1')?.wanAddress;
  if (!euCheck || !euWan) throw new Error('the bench topology has eu-west-1 and its health check');
  // eu-west-1 died in section 3: bring it back.
  const revived = regionServer('eu-west-1');
  await listenServer(revived, 'eu-west-1');
  servers.set('eu-west-1', revived);

  const checker = new HealthChecker(aws.traffic.healthChecks, {
    topology: aws,
    links: fabric,
    random: seededRandom(1),
  });
  const dns = await startDnsServer({
    host: '127.0.0.1',
    port: 0,
    zones: aws.traffic.hostedZones,
    locations: dnsLocationsFromTopology(aws),
    latencyMs: latencyFromTopology(aws),
    isHealthy: (id) => checker.isHealthy(id),
  });
  const accelerator = new Accelerator(acceleratorConfig(true), { topology: aws, random: seededRandom(3) });
  const euStates = () =>
    accelerator
      .status()
      .listeners.map(
        (listener) =>
          listener.groups.find((group) => group.region === 'eu-west-1')?.endpoints[0]?.health?.state ??
          'none',
      );
  try {
    checker.start();
    console.log(
      `\nFailover, aws-defaults profile (Route 53 checks every ${intervalMs} ms, threshold ${failureThreshold}, TTL ${aws.timing.dnsTtlSeconds} s; accelerator checks every ${healthCheckIntervalMs} ms, threshold ${thresholdCount})`,
    );
    // Warm-up: every checker starts at a random point of its interval; wait until each has probed.
    const warmedMs = await until(
      async () => {
        const { observations } = checker.status(euCheck.Id);
        return (
          observations.length === aws.locations.length &&
          observations.every((observation) => observation.healthy && observation.latencyMs !== undefined)
        );
      },
      intervalMs + 10_000,
      100,
    );
    // The accelerator probes at once when it starts, then every interval: starting it now puts the
    // death right after one of its probes, the slowest case (interval x threshold).
    await accelerator.start();
    await until(async () => euStates().every((state) => state === 'healthy'), 5_000);
    const before = await digAnswer(dns.address.port);
    if (
      !Number.isFinite(warmedMs) ||
      before.data !== euWan ||
      euStates().some((state) => state !== 'healthy')
    ) {
      console.log(
        `  NOT measured: no healthy start (warm-up ${seconds(warmedMs)}, answer ${before.data}, accelerator endpoints ${euStates().join(', ')})`,
      );
      return;
    }
    const lastProbesMs = checker
      .status(euCheck.Id)
      .observations.map((observation) => observation.checkedAtMs - (observation.latencyMs ?? 0));
    const firstAcceleratorProbeMs =
      accelerator.status().listeners[0]?.groups.find((group) => group.region === 'eu-west-1')?.endpoints[0]
        ?.health?.changedAtMs ?? Number.NaN;

    const diedAtMs = performance.now();
    revived.closeAllConnections();
    revived.close();
    const [dnsFlipMs, tcpAttempts, httpAttempts] = await Promise.all([
      until(async () => (await digA(dns.address.port)) !== euWan, awsDeadlineMs, 100),
      newRequestsUntilStable(41081, diedAtMs),
      newRequestsUntilStable(41082, diedAtMs),
    ]);
    const tcpMarkedMs =
      (accelerator
        .status()
        .healthChanges.find(
          (change) =>
            change.key.startsWith('0/eu-west-1/') && change.state === 'unhealthy' && change.atMs > diedAtMs,
        )?.atMs ?? Number.POSITIVE_INFINITY) - diedAtMs;

    const ttlMs = before.ttl * 1000;
    const nominalDnsMs = intervalMs * failureThreshold;
    const predictedDnsMs = predictedCheckFlipMs(lastProbesMs, diedAtMs, intervalMs, failureThreshold);
    const sinceProbe = lastProbesMs.map((probeMs) => (diedAtMs - probeMs) % intervalMs);
    console.log(
      `  warm-up ${seconds(warmedMs)} until all ${aws.locations.length} checkers had probed eu-west-1; answer ${before.data}, TTL ${before.ttl} s; at the death the checkers' last probes were ${seconds(Math.min(...sinceProbe))} to ${seconds(Math.max(...sinceProbe))} old, the accelerator's ${seconds(diedAtMs - firstAcceleratorProbeMs)}`,
    );
    console.log(
      `  DNS answer changes after ${seconds(dnsFlipMs)}: expected interval x threshold = ${seconds(nominalDnsMs)} (${ratio(dnsFlipMs, nominalDnsMs)}); from the checkers' probe phases (the check turns when <= ${healthyCheckerShare * 100}% of checkers are healthy) ${seconds(predictedDnsMs)} (${ratio(dnsFlipMs, predictedDnsMs)})`,
    );
    console.log(
      `  a resolver caching for the TTL sees it by ${seconds(dnsFlipMs + ttlMs)}: expected ${seconds(nominalDnsMs)} + TTL ${seconds(ttlMs)} = ${seconds(nominalDnsMs + ttlMs)} (${ratio(dnsFlipMs + ttlMs, nominalDnsMs + ttlMs)}); from the probe phases ${seconds(predictedDnsMs + ttlMs)} (${ratio(dnsFlipMs + ttlMs, predictedDnsMs + ttlMs)})`,
    );
    const nominalAcceleratorMs = healthCheckIntervalMs * thresholdCount;
    const predictedAcceleratorMs =
      nextProbeAfter(firstAcceleratorProbeMs, diedAtMs, healthCheckIntervalMs) +
      (thresholdCount - 1) * healthCheckIntervalMs -
      diedAtMs;
    const tcp = recovery(tcpAttempts, diedAtMs);
    console.log(
      `  accelerator TCP mode (health checks): endpoint marked unhealthy after ${seconds(tcpMarkedMs)}; new requests: first success ${seconds(tcp.firstMs)}, sustained from ${seconds(tcp.sustainedMs)} (${tcp.failed} of ${tcpAttempts.length} failed)`,
    );
    console.log(
      `    expected interval x threshold = ${seconds(nominalAcceleratorMs)} (${ratio(tcp.sustainedMs, nominalAcceleratorMs)}); from the accelerator's probe phase ${seconds(predictedAcceleratorMs)} (${ratio(tcp.sustainedMs, predictedAcceleratorMs)})`,
    );
    const passive = recovery(httpAttempts, diedAtMs);
    console.log(
      `  accelerator HTTP mode (+ PassiveFailover): first success ${seconds(passive.firstMs)}, sustained from ${seconds(passive.sustainedMs)} (${passive.failed} of ${httpAttempts.length} failed; expected: the first failed request takes the region out, independent of the profile)`,
    );
    console.log(
      `  (detection takes (threshold - 1) to threshold intervals, ${seconds((failureThreshold - 1) * intervalMs)}-${seconds(nominalDnsMs)}, depending on where in the probe interval the region died; new requests every ${awsRequestGapMs} ms until ${awsStableMs / 1000} s without failures, at most ${awsDeadlineMs / 1000} s)`,
    );
  } finally {
    await accelerator.stop();
    await checker.stop();
    await dns.stop();
  }
}

async function main(): Promise<void> {
  const guardMs = 120_000 + (runAwsDefaults ? 260_000 : 0);
  const guard = setTimeout(() => {
    console.error(`bench:traffic did not finish within ${guardMs / 1000} s`);
    process.exit(1);
  }, guardMs);
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
    try {
      await benchAcceleratorLatency();
      await benchFailover(fabric, servers);
    } finally {
      await accelerator.stop(); // section 4 runs its own accelerator on the same ports
    }
    if (runAwsDefaults) await benchAwsDefaultsFailover(fabric, servers);
    else console.log('\nFailover, aws-defaults profile: skipped (BENCH_TRAFFIC_AWS_DEFAULTS=0)');
  } finally {
    for (const server of servers.values()) {
      server.closeAllConnections();
      server.close();
    }
    await fabric.close();
    clearTimeout(guard);
  }
}

await main();
