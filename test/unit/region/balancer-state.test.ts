/** The balancer's pure parts: target health state machine, selection algorithms, restart backoff, app env. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { appEnvironment, restartDelayMs } from '../../../src/region/apps.js';
import { createSelector } from '../../../src/region/balancer/algorithms.js';
import { TargetHealth } from '../../../src/region/balancer/health.js';

const pass = { ok: true } as const;
const fail = { ok: false, reason: 'Target.FailedHealthChecks' } as const;

describe('target health', () => {
  test('initial until healthyThreshold consecutive passes', () => {
    const health = new TargetHealth(3, 2);
    assert.equal(health.state, 'initial');
    assert.equal(health.reason, 'Elb.InitialHealthChecking');
    assert.equal(health.record(pass), false);
    assert.equal(health.record(pass), false);
    assert.equal(health.routable, false);
    assert.equal(health.record(pass), true);
    assert.equal(health.state, 'healthy');
    assert.equal(health.reason, null);
    assert.equal(health.routable, true);
  });

  test('a failure resets the passes; unhealthyThreshold failures make it unhealthy', () => {
    const health = new TargetHealth(2, 2);
    health.record(pass);
    health.record(fail);
    health.record(pass);
    assert.equal(health.state, 'initial');
    health.record(pass);
    assert.equal(health.state, 'healthy');
    health.record(fail);
    assert.equal(health.state, 'healthy', 'one failure is below the threshold');
    health.record(pass);
    health.record(fail);
    assert.equal(health.state, 'healthy', 'failures must be consecutive');
    assert.equal(health.record({ ok: false, reason: 'Target.Timeout' }), true);
    assert.equal(health.state, 'unhealthy');
    assert.equal(health.reason, 'Target.Timeout');
    assert.equal(health.routable, false);
  });

  test('initial goes straight to unhealthy; unhealthy recovers after healthyThreshold passes', () => {
    const health = new TargetHealth(2, 2);
    health.record(fail);
    health.record(fail);
    assert.equal(health.state, 'unhealthy');
    assert.equal(health.record({ ok: false, reason: 'Target.ResponseCodeMismatch' }), true, 'reason change');
    health.record(pass);
    assert.equal(health.state, 'unhealthy');
    health.record(pass);
    assert.equal(health.state, 'healthy');
  });

  test('deregistration drains and ignores further checks; retire ends it', () => {
    const health = new TargetHealth(2, 2);
    health.record(pass);
    health.record(pass);
    assert.equal(health.deregister(), true);
    assert.equal(health.state, 'draining');
    assert.equal(health.reason, 'Target.DeregistrationInProgress');
    assert.equal(health.routable, false);
    assert.equal(health.record(pass), false);
    assert.equal(health.deregister(), false);
    assert.equal(health.retire(), true);
    assert.equal(health.state, 'unused');
    assert.equal(health.reason, 'Target.NotRegistered');
  });
});

describe('selection algorithms', () => {
  const targets = (routable: boolean[], inFlight: number[] = routable.map(() => 0)) =>
    routable.map((r, i) => ({ routable: r, inFlight: inFlight[i] ?? 0 }));

  test('round robin takes routable targets in turn, skipping the others', () => {
    const selector = createSelector('round_robin');
    const all = targets([true, true, true]);
    assert.deepEqual(
      Array.from({ length: 6 }, () => selector.pick(all)),
      [0, 1, 2, 0, 1, 2],
    );
    const some = targets([true, false, true]);
    assert.deepEqual(
      Array.from({ length: 4 }, () => selector.pick(some)),
      [0, 2, 0, 2],
    );
  });

  test('no routable target (or none at all) is -1', () => {
    assert.equal(createSelector('round_robin').pick(targets([false, false])), -1);
    assert.equal(createSelector('least_outstanding_requests').pick([]), -1);
  });

  test('least outstanding requests prefers the least busy, ties in turn', () => {
    const selector = createSelector('least_outstanding_requests');
    assert.equal(selector.pick(targets([true, true, true], [3, 1, 2])), 1);
    assert.equal(selector.pick(targets([true, true, true], [3, 5, 2])), 2);
    assert.equal(selector.pick(targets([true, false, true], [4, 0, 9])), 0, 'unhealthy is never chosen');
    const idle = targets([true, true]);
    assert.deepEqual(
      Array.from({ length: 4 }, () => selector.pick(idle)),
      [1, 0, 1, 0],
    );
  });
});

describe('app instances', () => {
  test('restart backoff doubles from 250 ms and is capped at 10 s', () => {
    assert.deepEqual([0, 1, 2, 3].map(restartDelayMs), [250, 500, 1000, 2000]);
    assert.equal(restartDelayMs(6), 10_000);
    assert.equal(restartDelayMs(1000), 10_000);
  });

  test('each instance gets its region, endpoint, address, port and id; outside AWS settings are dropped', () => {
    const env = appEnvironment(
      {
        region: 'eu-west-1',
        regions: ['us-east-1', 'eu-west-1'],
        host: '127.0.4.1',
        basePort: 8100,
        dynamodbUrl: 'http://127.0.4.1:8000',
        regionDir: '/tmp/x/.pangea/regions/eu-west-1',
      },
      1,
      { PATH: '/bin', AWS_PROFILE: 'prod', AWS_ENDPOINT_URL: 'http://elsewhere', PANGEA_REGION_CONFIG: '{}' },
    );
    assert.equal(env.PATH, '/bin');
    assert.equal(env.AWS_PROFILE, undefined);
    assert.equal(env.AWS_ENDPOINT_URL, undefined);
    assert.equal(env.PANGEA_REGION_CONFIG, undefined);
    assert.equal(env.AWS_REGION, 'eu-west-1');
    assert.equal(env.AWS_ENDPOINT_URL_DYNAMODB, 'http://127.0.4.1:8000');
    assert.ok(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY);
    assert.equal(env.HOST, '127.0.4.1');
    assert.equal(env.PORT, '8101');
    assert.equal(env.APP_INSTANCE_ID, 'eu-west-1-1');
    assert.equal(env.APP_REGIONS, 'us-east-1,eu-west-1');
  });
});
