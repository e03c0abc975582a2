import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../../../src/shared/clock.js';
import { isPangeaError } from '../../../../src/shared/errors.js';
import { seededRandom } from '../../../../src/shared/random.js';
import { HealthChecker, type HealthCheckerOptions } from '../../../../src/traffic/health/checker.js';
import type { HealthCheckConfig, HealthStatusChange } from '../../../../src/traffic/health/types.js';
import { type Behaviour, scriptedTransport, settle, testTopology } from './support.js';

/** A world of `locations` checkers where the test decides, per location and region, what the endpoint does. */
function harness(
  configs: HealthCheckConfig[],
  options: { locations?: number; profile?: 'fast' | 'aws-defaults' } & Partial<HealthCheckerOptions> = {},
) {
  const topology = testTopology({ locations: options.locations ?? 8, profile: options.profile });
  const clock = new ManualClock();
  /** Locations (loc1..) whose probes fail, per target WAN address; '*' = every target. */
  const down = new Set<string>();
  let behaviourOverride: Behaviour | undefined;
  const locationOf = (address: string) => `loc${address.split('.')[1]}`;
  const network = scriptedTransport((from, host): Behaviour => {
    if (behaviourOverride) return behaviourOverride;
    const location = locationOf(from);
    return down.has(location) || down.has(`${location}@${host}`) || down.has(`*@${host}`)
      ? { kind: 'refuse' }
      : { kind: 'http', status: 200 };
  });
  const checker = new HealthChecker(configs, {
    topology,
    clock,
    random: seededRandom(7),
    connect: network.connect,
    ...options,
  });
  const changes: HealthStatusChange[] = [];
  checker.onChange((change) => changes.push(change));
  /** Moves time in 50 ms steps, letting each step's probes finish. */
  const advance = async (ms: number) => {
    for (let elapsed = 0; elapsed < ms; elapsed += 50) {
      clock.advance(Math.min(50, ms - elapsed));
      await settle();
    }
  };
  const setDown = (...locations: string[]) => {
    down.clear();
    for (const location of locations) down.add(location);
  };
  const allLocations = Array.from({ length: options.locations ?? 8 }, (_, i) => `loc${i + 1}`);
  return {
    checker,
    clock,
    network,
    changes,
    advance,
    setDown,
    allLocations,
    setBehaviour: (b: Behaviour | undefined) => {
      behaviourOverride = b;
    },
  };
}

const euHttp: HealthCheckConfig = {
  Id: 'eu',
  Type: 'HTTP',
  TargetRegion: 'eu-west-1',
  ResourcePath: '/health',
};
const usHttp: HealthCheckConfig = { Id: 'us', Type: 'HTTP', IPAddress: '127.0.1.1' };

test('a new check is healthy before any data; then every checker reports an observation', async () => {
  const h = harness([euHttp]);
  assert.equal(h.checker.isHealthy('eu'), true);
  assert.deepEqual(h.checker.status('eu').observations, []);
  h.checker.start();
  await h.advance(1000);
  const status = h.checker.status('eu');
  assert.equal(status.healthy, true);
  assert.equal(status.observations.length, 8);
  assert.deepEqual(
    status.observations.map((o) => o.checker),
    h.allLocations,
  );
  for (const observation of status.observations) {
    assert.equal(observation.status, 'Success: HTTP Status Code 200, OK');
    assert.match(observation.ipAddress, /^127\.\d\.0\.251$/);
  }
  // Probes go from each location to the region's WAN face on the load balancer port.
  assert.ok(h.network.connections.every((c) => c.host === '127.0.4.2' && c.port === 20080));
  await h.checker.stop();
});

test('checkers are staggered over the interval, not in lockstep', async () => {
  const h = harness([euHttp]);
  h.checker.start();
  const firstProbeAt: number[] = [];
  for (let t = 0; t < 1000; t += 50) {
    const before = h.network.connections.length;
    await h.advance(50);
    for (let i = before; i < h.network.connections.length; i++) firstProbeAt.push(t);
  }
  assert.equal(firstProbeAt.length, 8);
  assert.ok(new Set(firstProbeAt).size >= 4, `spread: ${firstProbeAt.join(',')}`);
  await h.checker.stop();
});

test('FailureThreshold: the status flips only after that many consecutive failures, and back', async () => {
  const h = harness([euHttp]); // fast profile: 1 s interval, threshold 2
  h.checker.start();
  await h.advance(2000);
  h.setDown(...h.allLocations);
  await h.advance(1000); // one failed probe per checker
  assert.equal(h.checker.isHealthy('eu'), true);
  await h.advance(1000); // the second
  assert.equal(h.checker.isHealthy('eu'), false);
  const down = h.checker.status('eu');
  assert.ok(down.observations.every((o) => o.status.startsWith('Failure: Connection refused')));
  assert.ok(down.observations.every((o) => !o.healthy));
  assert.equal(h.changes.length, 1);
  assert.ok((h.changes[0]?.atMs ?? 0) <= 4000);
  assert.match(h.changes[0]?.reason ?? '', /^1 of 8 checkers|^0 of 8 checkers/);

  h.setDown();
  await h.advance(1000);
  assert.equal(h.checker.isHealthy('eu'), false, 'one success is not enough');
  await h.advance(1000);
  assert.equal(h.checker.isHealthy('eu'), true);
  assert.deepEqual(
    h.changes.map((c) => c.healthy),
    [false, true],
  );
  await h.checker.stop();
});

test('an explicit FailureThreshold wins over the profile', async () => {
  const h = harness([{ ...euHttp, FailureThreshold: 4 }]);
  h.checker.start();
  h.setDown(...h.allLocations);
  await h.advance(3000);
  assert.equal(h.checker.isHealthy('eu'), true);
  await h.advance(1000);
  assert.equal(h.checker.isHealthy('eu'), false);
  await h.checker.stop();
});

test('18% rule with 8 checkers: 2 healthy (25%) is healthy, 1 healthy (12.5%) is not', async () => {
  const h = harness([euHttp]);
  h.checker.start();
  h.setDown('loc1', 'loc2', 'loc3', 'loc4', 'loc5', 'loc6');
  await h.advance(3000);
  assert.equal(h.checker.isHealthy('eu'), true);
  assert.match(h.checker.status('eu').history.at(-1)?.reason ?? '', /created/);
  h.setDown('loc1', 'loc2', 'loc3', 'loc4', 'loc5', 'loc6', 'loc7');
  await h.advance(3000);
  assert.equal(h.checker.isHealthy('eu'), false);
  assert.equal(h.changes.at(-1)?.reason, '1 of 8 checkers report healthy (13%; healthy above 18%)');
  await h.checker.stop();
});

test('a partial view from one location does not fail the endpoint (Route 53 tolerates isolated checkers)', async () => {
  const h = harness([euHttp], { locations: 3 });
  h.checker.start();
  h.setDown('loc1', 'loc2');
  await h.advance(3000);
  assert.equal(h.checker.isHealthy('eu'), true, '1 of 3 = 33% > 18%');
  h.setDown('loc1', 'loc2', 'loc3');
  await h.advance(3000);
  assert.equal(h.checker.isHealthy('eu'), false);
  await h.checker.stop();
});

test('Inverted swaps the result; toggling it keeps the probes and their state', async () => {
  const h = harness([{ ...euHttp, Inverted: true }]);
  assert.equal(h.checker.isHealthy('eu'), false, 'a new inverted check: healthy until data, inverted');
  h.checker.start();
  await h.advance(2000);
  assert.equal(h.checker.isHealthy('eu'), false);
  const probesBefore = h.network.connections.length;
  h.checker.update([{ ...euHttp, Inverted: false }]);
  assert.equal(h.checker.isHealthy('eu'), true);
  assert.equal(h.checker.status('eu').observations.length, 8, 'observations kept');
  await h.advance(1000);
  assert.ok(h.network.connections.length > probesBefore, 'still probing');
  await h.checker.stop();
});

test('Disabled is healthy and sends no probes; Disabled + Inverted is unhealthy', async () => {
  const h = harness([
    { ...euHttp, Disabled: true },
    { ...usHttp, Disabled: true, Inverted: true },
  ]);
  h.setDown(...h.allLocations);
  h.checker.start();
  await h.advance(5000);
  assert.equal(h.checker.isHealthy('eu'), true);
  assert.equal(h.checker.isHealthy('us'), false);
  assert.equal(h.network.connections.length, 0);
  // Enabling starts probing (and the failures then count).
  h.checker.update([euHttp, { ...usHttp, Disabled: true, Inverted: true }]);
  await h.advance(3000);
  assert.equal(h.checker.isHealthy('eu'), false);
  await h.checker.stop();
});

test('CALCULATED: OR (1 of 2), AND (2 of 2), 0 = always healthy, more than the children = never', async () => {
  const calculated = (Id: string, HealthThreshold: number): HealthCheckConfig => ({
    Id,
    Type: 'CALCULATED',
    ChildHealthChecks: ['eu', 'us'],
    HealthThreshold,
  });
  const h = harness([
    euHttp,
    usHttp,
    calculated('any', 1),
    calculated('all', 2),
    calculated('zero', 0),
    calculated('three', 3),
  ]);
  assert.equal(h.checker.isHealthy('all'), true, 'new children count as healthy');
  assert.equal(h.checker.isHealthy('three'), false);
  h.checker.start();
  h.setDown('*@127.0.4.2'); // eu-west-1 fails from everywhere
  await h.advance(3000);
  assert.equal(h.checker.isHealthy('eu'), false);
  assert.equal(h.checker.isHealthy('us'), true);
  assert.equal(h.checker.isHealthy('any'), true);
  assert.equal(h.checker.isHealthy('all'), false);
  assert.equal(h.checker.isHealthy('zero'), true);
  assert.equal(h.checker.isHealthy('three'), false);
  assert.equal(
    h.checker.status('all').history.at(-1)?.reason,
    '1 of 2 child checks healthy (at least 2 needed)',
  );
  h.setDown();
  await h.advance(3000);
  assert.equal(h.checker.isHealthy('all'), true);
  await h.checker.stop();
});

test('CALCULATED default threshold is all children; a child without data counts per InsufficientDataHealthStatus', () => {
  const h = harness([
    euHttp,
    usHttp,
    { Id: 'and', Type: 'CALCULATED', ChildHealthChecks: ['eu', 'us'] },
    {
      Id: 'strict',
      Type: 'CALCULATED',
      ChildHealthChecks: ['eu'],
      InsufficientDataHealthStatus: 'Unhealthy',
    },
  ]);
  assert.equal(h.checker.isHealthy('and'), true);
  assert.equal(h.checker.isHealthy('strict'), false);
});

test('externally fed checks (CLOUDWATCH_METRIC, RECOVERY_CONTROL) follow reports and InsufficientDataHealthStatus', () => {
  const h = harness([
    { Id: 'alarm', Type: 'CLOUDWATCH_METRIC', AlarmIdentifier: { Region: 'us-east-1', Name: 'errors' } },
    {
      Id: 'pessimist',
      Type: 'CLOUDWATCH_METRIC',
      AlarmIdentifier: { Region: 'us-east-1', Name: 'latency' },
      InsufficientDataHealthStatus: 'Unhealthy',
    },
    { Id: 'control', Type: 'RECOVERY_CONTROL', RoutingControlArn: 'arn:aws:route53-recovery-control::1:x' },
  ]);
  assert.equal(h.checker.isHealthy('alarm'), true, 'LastKnownStatus with no history: healthy');
  assert.equal(h.checker.isHealthy('pessimist'), false);
  h.checker.setExternalHealth('alarm', false);
  assert.equal(h.checker.isHealthy('alarm'), false);
  h.checker.setExternalHealth('alarm', undefined);
  assert.equal(h.checker.isHealthy('alarm'), false, 'insufficient data keeps the last known status');
  h.checker.setExternalHealth('control', false);
  assert.equal(h.checker.isHealthy('control'), false);
  h.checker.setExternalHealth('control', true);
  assert.equal(h.checker.isHealthy('control'), true);
  assert.deepEqual(
    h.changes.map((c) => `${c.id}:${c.healthy}`),
    ['alarm:false', 'control:false', 'control:true'],
  );
});

test('update adds, removes and changes checks without disturbing the others', async () => {
  const h = harness([euHttp, usHttp]);
  h.checker.start();
  await h.advance(2000);
  const usBefore = h.checker.status('us');
  h.checker.update([
    { ...euHttp, Port: 20001 }, // changed target: restarts
    usHttp, // unchanged
    { Id: 'tcp', Type: 'TCP', TargetRegion: 'us-east-1', Port: 20002 }, // new
  ]);
  assert.deepEqual(h.checker.status('us'), usBefore, 'untouched');
  assert.deepEqual(h.checker.status('eu').observations, [], 'a changed target starts over');
  assert.equal(h.checker.status('tcp').healthy, true);
  await h.advance(1000);
  assert.equal(h.checker.status('tcp').observations.length, 8);
  const euPorts = h.network.connections
    .slice(-30)
    .filter((c) => c.host === '127.0.4.2')
    .map((c) => c.port);
  assert.ok(euPorts.includes(20001));
  h.checker.update([usHttp]);
  assert.equal(h.checker.isHealthy('eu'), undefined);
  const countBefore = h.network.connections.filter((c) => c.host === '127.0.4.2').length;
  await h.advance(2000);
  assert.equal(
    h.network.connections.filter((c) => c.host === '127.0.4.2').length,
    countBefore,
    'removed: no more probes',
  );
  await h.checker.stop();
});

test('an invalid update throws and changes nothing', () => {
  const h = harness([euHttp]);
  assert.throws(
    () => h.checker.update([{ ...euHttp, FailureThreshold: 11 }]),
    (error: unknown) => isPangeaError(error) && error.code === 'HealthCheckInvalid',
  );
  assert.equal(h.checker.configs()[0]?.FailureThreshold, undefined);
});

test('status of an unknown check throws UnknownHealthCheck; isHealthy answers undefined', () => {
  const h = harness([euHttp]);
  assert.equal(h.checker.isHealthy('nope'), undefined);
  assert.throws(
    () => h.checker.status('e'),
    (error: unknown) =>
      isPangeaError(error) && error.code === 'UnknownHealthCheck' && /did you mean eu/.test(error.message),
  );
  assert.throws(
    () => h.checker.setExternalHealth('eu', true),
    (error: unknown) => isPangeaError(error) && error.code === 'HealthCheckNotExternal',
  );
});

test('history is bounded and listeners can unsubscribe', async () => {
  const h = harness([{ ...euHttp, FailureThreshold: 1 }], { historyLimit: 3 });
  const seen: boolean[] = [];
  const unsubscribe = h.checker.onChange((change) => seen.push(change.healthy));
  h.checker.start();
  for (let i = 0; i < 4; i++) {
    h.setDown(...h.allLocations);
    await h.advance(1000);
    h.setDown();
    await h.advance(1000);
  }
  assert.equal(h.checker.status('eu').history.length, 3);
  assert.equal(seen.length, 8);
  unsubscribe();
  h.setDown(...h.allLocations);
  await h.advance(1000);
  assert.equal(seen.length, 8);
  await h.checker.stop();
});

test('probes are bounded in concurrency, and a slow checker never piles up probes', async () => {
  const h = harness([euHttp, usHttp], { maxConcurrentProbes: 3 });
  h.setBehaviour({ kind: 'hang' }); // every probe waits for the 500 ms connect timeout
  h.checker.start();
  let maxOpen = 0;
  for (let t = 0; t < 6000; t += 50) {
    await h.advance(50);
    const open = h.network.connections.filter((c) => !c.socket.destroyed).length;
    maxOpen = Math.max(maxOpen, open);
  }
  assert.equal(maxOpen, 3);
  const perChecker = new Map<string, number>();
  for (const c of h.network.connections) perChecker.set(c.from, (perChecker.get(c.from) ?? 0) + 1);
  assert.ok(
    [...perChecker.values()].every((n) => n <= 12),
    'at most one probe per tick per checker',
  );
  await h.checker.stop();
  assert.ok(
    h.network.connections.every((c) => c.socket.destroyed),
    'stop aborts probes in flight',
  );
});

test('Regions choose the checker locations: by location name or by anchor region', async () => {
  const h = harness([{ ...euHttp, Regions: ['loc2', 'ap-south-1', 'loc5'] }]);
  h.checker.start();
  await h.advance(1000);
  assert.deepEqual(
    h.checker.status('eu').observations.map((o) => `${o.checker} ${o.ipAddress}`),
    ['loc2 127.2.0.251', 'loc3 127.3.0.251', 'loc5 127.5.0.251'],
  );
  await h.checker.stop();
});

test("aws-defaults: each checker probes at the check's RequestInterval (10 s here)", async () => {
  const h = harness([{ ...euHttp, RequestInterval: 10 }], { profile: 'aws-defaults', locations: 3 });
  h.checker.start();
  await h.advance(10_000);
  assert.equal(h.network.connections.length, 3);
  await h.advance(10_000);
  assert.equal(h.network.connections.length, 6);
  h.setDown(...h.allLocations);
  await h.advance(20_000);
  assert.equal(h.checker.isHealthy('eu'), true, 'threshold 3 under aws-defaults');
  await h.advance(10_000);
  assert.equal(h.checker.isHealthy('eu'), false);
  await h.checker.stop();
});

test('stop ends probing; start resumes', async () => {
  const h = harness([euHttp]);
  h.checker.start();
  await h.advance(1000);
  await h.checker.stop();
  const count = h.network.connections.length;
  await h.advance(3000);
  assert.equal(h.network.connections.length, count);
  h.checker.start();
  await h.advance(1000);
  assert.ok(h.network.connections.length > count);
  await h.checker.stop();
});
