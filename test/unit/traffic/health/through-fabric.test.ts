/**
 * Real sockets: HTTP servers inside two regions (127.0.n.1, ports 20000-20999), the real WAN fabric
 * on their WAN faces, checkers bound to real location addresses. A server stop or a partition must
 * flip the status within interval × threshold (plus one probe), and recovery must flip it back.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { systemClock } from '../../../../src/shared/clock.js';
import { silentLogger } from '../../../../src/shared/logger.js';
import { seededRandom } from '../../../../src/shared/random.js';
import { HealthChecker } from '../../../../src/traffic/health/checker.js';
import { connectionTimedOut } from '../../../../src/traffic/health/probe.js';
import type { HealthCheckConfig } from '../../../../src/traffic/health/types.js';
import { WanFabric } from '../../../../src/wan/fabric.js';
import { testTopology } from './support.js';

const intervalMs = 200;
const failureThreshold = 2;
const connectTimeoutMs = 300;
/** Detection bound: threshold probes, each at most one interval apart, the last one timing out, plus slack. */
const detectionBoundMs = intervalMs * (failureThreshold + 1) + connectTimeoutMs + 500;

const topology = testTopology({
  locations: 3,
  timing: `healthCheck: { intervalMs: ${intervalMs}, failureThreshold: ${failureThreshold}, connectTimeoutMs: ${connectTimeoutMs}, responseTimeoutMs: 1000 }`,
});
const lbPort = 20080;
const tcpPort = 20002;

const checks: HealthCheckConfig[] = [
  { Id: 'eu-http', Type: 'HTTP', TargetRegion: 'eu-west-1', ResourcePath: '/health' },
  {
    Id: 'eu-str',
    Type: 'HTTP_STR_MATCH',
    IPAddress: '127.0.4.1',
    ResourcePath: '/health',
    SearchString: 'green',
  },
  { Id: 'eu-tcp', Type: 'TCP', TargetRegion: 'eu-west-1', Port: tcpPort },
  { Id: 'us-http', Type: 'HTTP', TargetRegion: 'us-east-1', ResourcePath: '/health' },
];

const servers = new Map<string, http.Server>();
let tcpServer: net.Server;
let fabric: WanFabric;
let checker: HealthChecker;

function startHttp(address: string): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    response.writeHead(request.url === '/health' ? 200 : 404, { 'content-type': 'text/plain' });
    response.end('status: green\n');
  });
  return new Promise((resolve) => server.listen(lbPort, address, () => resolve(server)));
}

function stopHttp(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

async function waitFor(what: string, predicate: () => boolean, timeoutMs: number): Promise<number> {
  const startedAt = performance.now();
  while (!predicate()) {
    if (performance.now() - startedAt > timeoutMs)
      assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return performance.now() - startedAt;
}

before(async () => {
  servers.set('us-east-1', await startHttp('127.0.1.1'));
  servers.set('eu-west-1', await startHttp('127.0.4.1'));
  tcpServer = net.createServer((socket) => socket.on('error', () => {}));
  await new Promise<void>((resolve) => tcpServer.listen(tcpPort, '127.0.4.1', resolve));
  fabric = new WanFabric(topology, { clock: systemClock, random: seededRandom(1), logger: silentLogger() });
  await fabric.start();
  checker = new HealthChecker(checks, { topology, links: fabric, random: seededRandom(3) });
  checker.start();
});

after(async () => {
  await checker.stop();
  await fabric.close();
  for (const server of servers.values()) if (server.listening) await stopHttp(server);
  await new Promise((resolve) => tcpServer.close(resolve));
});

test('every checker location reaches the endpoints through the fabric', async () => {
  await waitFor(
    'observations from all 3 checkers',
    () => checks.every((check) => checker.status(check.Id).observations.length === 3),
    3000,
  );
  for (const check of checks) assert.equal(checker.isHealthy(check.Id), true, check.Id);
  const observations = checker.status('eu-http').observations;
  assert.deepEqual(
    observations.map((o) => `${o.checker} ${o.ipAddress} ${o.status}`),
    [
      'loc1 127.1.0.251 Success: HTTP Status Code 200, OK',
      'loc2 127.2.0.251 Success: HTTP Status Code 200, OK',
      'loc3 127.3.0.251 Success: HTTP Status Code 200, OK',
    ],
  );
  // The probe paid the link: at least the modelled round trip (handshake) of loc1 → eu-west-1.
  const link = fabric.getLink('loc1', 'eu-west-1');
  const back = fabric.getLink('eu-west-1', 'loc1');
  assert.ok(
    (observations[0]?.latencyMs ?? 0) >= link.latencyMs + back.latencyMs,
    JSON.stringify(observations[0]),
  );
  assert.match(checker.status('eu-str').observations[0]?.status ?? '', /Search string "green" found/);
  assert.equal(checker.status('eu-tcp').observations[0]?.status, 'Success: TCP connection established.');
});

test("stopping the region's server makes the HTTP checks unhealthy in time; restarting heals them", async () => {
  const server = servers.get('eu-west-1') as http.Server;
  await stopHttp(server);
  const detectedMs = await waitFor('eu-http unhealthy', () => checker.isHealthy('eu-http') === false, 5000);
  assert.ok(detectedMs <= detectionBoundMs, `detected after ${Math.round(detectedMs)} ms`);
  assert.equal(checker.isHealthy('us-http'), true, 'the other region is unaffected');
  assert.equal(checker.isHealthy('eu-tcp'), true, 'another port of the region still accepts');
  assert.ok(
    checker.status('eu-http').observations.every((o) => o.status.startsWith('Failure: Connection refused')),
    JSON.stringify(checker.status('eu-http').observations),
  );
  servers.set('eu-west-1', await startHttp('127.0.4.1'));
  const recoveredMs = await waitFor('eu-http healthy', () => checker.isHealthy('eu-http') === true, 5000);
  assert.ok(recoveredMs <= detectionBoundMs, `recovered after ${Math.round(recoveredMs)} ms`);
  await waitFor('eu-str healthy', () => checker.isHealthy('eu-str') === true, 5000);
});

const everyCheckerHealthy = () =>
  checks.every((check) => checker.status(check.Id).observations.every((observation) => observation.healthy));

test('a partition from some checkers is tolerated (18%); from all of them it fails every check type', async () => {
  // The endpoint is healthy as soon as one checker of three agrees: wait for all of them.
  await waitFor('every checker to see every endpoint healthy', everyCheckerHealthy, 5000);
  fabric.partition('loc1', 'eu-west-1', false);
  fabric.partition('loc2', 'eu-west-1', false);
  await waitFor(
    'loc1 and loc2 to see eu-west-1 down',
    () => checker.status('eu-http').observations.filter((o) => !o.healthy).length === 2,
    5000,
  );
  assert.equal(checker.isHealthy('eu-http'), true, '1 of 3 checkers (33%) still healthy');
  const isolated = checker.status('eu-http').observations.find((o) => o.checker === 'loc1');
  assert.equal(isolated?.status, connectionTimedOut);

  fabric.partition('loc3', 'eu-west-1', true); // one way is enough to lose the handshake
  const detectedMs = await waitFor(
    'every eu check unhealthy',
    () => ['eu-http', 'eu-str', 'eu-tcp'].every((id) => checker.isHealthy(id) === false),
    5000,
  );
  assert.ok(
    detectedMs <= detectionBoundMs + connectTimeoutMs * 2.5,
    `detected after ${Math.round(detectedMs)} ms`,
  );
  assert.equal(checker.isHealthy('us-http'), true);

  fabric.heal();
  const recoveredMs = await waitFor(
    'every eu check healthy',
    () => ['eu-http', 'eu-str', 'eu-tcp'].every((id) => checker.isHealthy(id) === true),
    5000,
  );
  assert.ok(recoveredMs <= detectionBoundMs, `recovered after ${Math.round(recoveredMs)} ms`);
  const history = checker.status('eu-http').history.map((change) => change.healthy);
  assert.deepEqual(history.slice(-2), [false, true]);
});
