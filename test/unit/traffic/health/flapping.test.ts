/**
 * Health-check flapping as a probe override: the schedule, and a Route 53 check whose status flaps
 * with its own FailureThreshold while another region's check stays healthy.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../../../src/shared/clock.js';
import { seededRandom } from '../../../../src/shared/random.js';
import { HealthChecker } from '../../../../src/traffic/health/checker.js';
import { flappingFailureStatus, HealthCheckFlapping } from '../../../../src/traffic/health/flapping.js';
import type { HealthCheckConfig } from '../../../../src/traffic/health/types.js';
import { scriptedTransport, settle, testTopology } from './support.js';

test('the schedule fails first, then alternates every period; stop ends it', () => {
  const clock = new ManualClock();
  const flapping = new HealthCheckFlapping(clock);
  assert.equal(flapping.failing('eu-west-1'), false);
  clock.advance(1_000);
  flapping.start('eu-west-1', 300);
  const phases: boolean[] = [];
  for (let step = 0; step < 8; step++) {
    phases.push(flapping.failing('eu-west-1'));
    clock.advance(150);
  }
  assert.deepEqual(phases, [true, true, false, false, true, true, false, false]);
  assert.equal(flapping.failing('us-east-1'), false, 'other regions probe for real');
  assert.deepEqual(flapping.list(), [{ region: 'eu-west-1', periodMs: 300, sinceMs: 1_000 }]);
  flapping.stop('eu-west-1');
  assert.equal(flapping.failing('eu-west-1'), false);
  assert.throws(() => flapping.start('eu-west-1', 0), RangeError);
});

test('a Route 53 check of the flapping region changes status several times; the other does not', async () => {
  const topology = testTopology({ locations: 8 });
  const clock = new ManualClock();
  const flapping = new HealthCheckFlapping(clock);
  const network = scriptedTransport(() => ({ kind: 'http', status: 200 }));
  const checks: HealthCheckConfig[] = [
    { Id: 'eu', Type: 'HTTP', TargetRegion: 'eu-west-1', ResourcePath: '/health' },
    { Id: 'us', Type: 'HTTP', TargetRegion: 'us-east-1', ResourcePath: '/health' },
  ];
  const checker = new HealthChecker(checks, {
    topology,
    clock,
    random: seededRandom(3),
    connect: network.connect,
    probeOverride: (request) =>
      flapping.failing(request.region) ? { healthy: false, status: flappingFailureStatus } : undefined,
  });
  const advance = async (ms: number) => {
    for (let elapsed = 0; elapsed < ms; elapsed += 50) {
      clock.advance(Math.min(50, ms - elapsed));
      await settle();
    }
  };
  const injectedWhenUnhealthy: boolean[] = [];
  checker.onChange((change) => {
    if (change.id === 'eu' && !change.healthy)
      injectedWhenUnhealthy.push(
        checker.status('eu').observations.some((observation) => observation.status === flappingFailureStatus),
      );
  });
  checker.start();
  await advance(3_000);
  assert.equal(checker.isHealthy('eu'), true);
  // fast profile: probes every 1 s, FailureThreshold 2; 3 s halves let every checker flip.
  flapping.start('eu-west-1', 3_000);
  await advance(13_000);
  const changes = checker.status('eu').history.slice(1);
  assert.ok(changes.length >= 3, `eu changed ${changes.length} times`);
  assert.deepEqual(
    changes.slice(0, 3).map((change) => change.healthy),
    [false, true, false],
  );
  assert.equal(checker.status('us').history.length, 1, 'us never changed');
  assert.ok(
    injectedWhenUnhealthy.length > 0 && injectedWhenUnhealthy.every(Boolean),
    'the failures are the injected ones',
  );
  flapping.stop('eu-west-1');
  await advance(4_000);
  assert.equal(checker.isHealthy('eu'), true, 'healthy again after the fault');
  await checker.stop();
});

test('a period shorter than threshold x interval is absorbed by the checkers', async () => {
  const topology = testTopology({ locations: 8 });
  const clock = new ManualClock();
  const flapping = new HealthCheckFlapping(clock);
  const network = scriptedTransport(() => ({ kind: 'http', status: 200 }));
  const checker = new HealthChecker([{ Id: 'eu', Type: 'HTTP', TargetRegion: 'eu-west-1' }], {
    topology,
    clock,
    random: seededRandom(5),
    connect: network.connect,
    probeOverride: (request) =>
      flapping.failing(request.region) ? { healthy: false, status: flappingFailureStatus } : undefined,
  });
  checker.start();
  // Halves as long as the 1 s probe interval: each checker's probes alternate, never two failures in a row.
  flapping.start('eu-west-1', 1_000);
  for (let elapsed = 0; elapsed < 10_000; elapsed += 50) {
    clock.advance(50);
    await settle();
  }
  assert.equal(checker.status('eu').history.length, 1, 'never changed');
  await checker.stop();
});
