import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { homeRegionOf } from '../../../src/app/affinity.js';
import { CircuitBreaker } from '../../../src/app/circuit-breaker.js';
import { ConfigError, loadConfig } from '../../../src/app/config.js';
import { fromDynamoError, isUnreachable } from '../../../src/app/errors.js';
import { estimateLagMs, lagReasons, peerLags } from '../../../src/app/lag.js';
import { canTransition, isValidIdempotencyKey, orderIdFor } from '../../../src/app/orders.js';
import { userIdFor } from '../../../src/app/repositories/sessions.js';

const regions = ['us-east-1', 'eu-west-1', 'ap-south-1'];

describe('home region hashing', () => {
  it('is stable and independent of the order regions are listed in', () => {
    for (let i = 0; i < 50; i++) {
      const userId = `u-${i}`;
      const home = homeRegionOf(userId, regions);
      assert.equal(homeRegionOf(userId, [...regions].reverse()), home);
      assert.equal(homeRegionOf(userId, regions), home);
      assert.ok(regions.includes(home));
    }
  });

  it('spreads users over every region', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const home = homeRegionOf(`user-${i}`, regions);
      counts.set(home, (counts.get(home) ?? 0) + 1);
    }
    for (const region of regions)
      assert.ok((counts.get(region) ?? 0) > 800, `${region}: ${counts.get(region)}`);
  });

  it('moves only the removed region users when a region leaves', () => {
    for (let i = 0; i < 500; i++) {
      const userId = `user-${i}`;
      const before = homeRegionOf(userId, regions);
      const after = homeRegionOf(userId, ['us-east-1', 'eu-west-1']);
      if (before !== 'ap-south-1') assert.equal(after, before);
    }
  });

  it('refuses an empty region list', () => {
    assert.throws(() => homeRegionOf('u-1', []));
  });
});

describe('idempotency key to order id', () => {
  it('is deterministic per user and key', () => {
    assert.equal(orderIdFor('u-1', 'key-12345678'), orderIdFor('u-1', 'key-12345678'));
    assert.match(orderIdFor('u-1', 'key-12345678'), /^ord-[0-9a-f]{24}$/);
  });

  it('differs between users and between keys', () => {
    assert.notEqual(orderIdFor('u-1', 'key-12345678'), orderIdFor('u-2', 'key-12345678'));
    assert.notEqual(orderIdFor('u-1', 'key-12345678'), orderIdFor('u-1', 'key-12345679'));
    // The separator keeps ("u-1a", "b...") and ("u-1", "ab...") apart.
    assert.notEqual(orderIdFor('u-1a', 'bcdefghij'), orderIdFor('u-1', 'abcdefghij'));
  });

  it('accepts only reasonable keys', () => {
    assert.ok(isValidIdempotencyKey('3f1c2a9e-0000-4000-8000-000000000000'));
    assert.ok(!isValidIdempotencyKey('short'));
    assert.ok(!isValidIdempotencyKey('has space in it'));
    assert.ok(!isValidIdempotencyKey('x'.repeat(101)));
  });

  it('status transitions follow the order lifecycle', () => {
    assert.ok(canTransition('PLACED', 'PAID'));
    assert.ok(!canTransition('DELIVERED', 'PLACED'));
    assert.ok(!canTransition('CANCELLED', 'PAID'));
  });

  it('maps a name to one user id whatever the case and spacing', () => {
    assert.equal(userIdFor('  Ada  Lovelace '), userIdFor('ada lovelace'));
    assert.match(userIdFor('Ada'), /^u-[0-9a-f]{16}$/);
  });
});

describe('circuit breaker', () => {
  function breaker() {
    let nowMs = 0;
    const instance = new CircuitBreaker({ failureThreshold: 3, openMs: 1000, maxKeys: 2, now: () => nowMs });
    return { instance, advance: (ms: number) => (nowMs += ms) };
  }

  it('opens after consecutive failures and half-opens after the cool-down with one trial', () => {
    const { instance, advance } = breaker();
    for (let i = 0; i < 2; i++) instance.recordFailure('eu-west-1');
    assert.equal(instance.state('eu-west-1'), 'closed');
    instance.recordFailure('eu-west-1');
    assert.equal(instance.state('eu-west-1'), 'open');
    assert.equal(instance.allow('eu-west-1'), false);
    advance(1000);
    assert.equal(instance.state('eu-west-1'), 'half-open');
    assert.equal(instance.allow('eu-west-1'), true);
    assert.equal(instance.allow('eu-west-1'), false, 'one trial at a time');
    instance.recordFailure('eu-west-1');
    assert.equal(instance.state('eu-west-1'), 'open', 'a failed trial opens again');
    advance(1000);
    assert.equal(instance.allow('eu-west-1'), true);
    instance.recordSuccess('eu-west-1');
    assert.equal(instance.state('eu-west-1'), 'closed');
  });

  it('a success resets the failure count', () => {
    const { instance } = breaker();
    instance.recordFailure('a');
    instance.recordFailure('a');
    instance.recordSuccess('a');
    instance.recordFailure('a');
    assert.equal(instance.state('a'), 'closed');
  });

  it('keeps bounded state', () => {
    const { instance } = breaker();
    for (const key of ['a', 'b', 'c', 'd']) instance.recordFailure(key);
    assert.equal(Object.keys(instance.snapshot()).length, 2);
  });
});

describe('replication lag estimate', () => {
  it('subtracts the heartbeat interval from the age', () => {
    assert.equal(estimateLagMs(1500, 1000), 500);
    assert.equal(estimateLagMs(300, 1000), 0);
  });

  it('reports each peer, unknown until its first heartbeat', () => {
    const lags = peerLags(
      [{ region: 'eu-west-1', writtenAtMs: 10_000, instanceId: 'i' }],
      ['eu-west-1', 'ap-south-1'],
      12_500,
      1000,
    );
    assert.deepEqual(lags, [
      { region: 'eu-west-1', heartbeatAgeMs: 2500, estimatedLagMs: 1500 },
      { region: 'ap-south-1', heartbeatAgeMs: null, estimatedLagMs: null },
    ]);
  });

  it('blames replication only when the peer itself is alive and ahead', () => {
    const stale = { region: 'eu-west-1', heartbeatAgeMs: 20_000, estimatedLagMs: 19_000 };
    const local = new Map([['eu-west-1', 1000]]);
    const alive = {
      ...stale,
      probe: { outcome: 'reachable' as const, peerWrittenAtMs: 21_000, checkedAtMs: 0 },
    };
    assert.deepEqual(lagReasons([alive], 10_000, local), [
      'replication from eu-west-1 lags 20000 ms (max 10000 ms)',
    ]);
    const dead = {
      ...stale,
      probe: { outcome: 'unreachable' as const, error: 'TimeoutError', checkedAtMs: 0 },
    };
    assert.deepEqual(lagReasons([dead], 10_000, local), []);
    const stopped = {
      ...stale,
      probe: { outcome: 'reachable' as const, peerWrittenAtMs: 1000, checkedAtMs: 0 },
    };
    assert.deepEqual(lagReasons([stopped], 10_000, local), []);
    assert.deepEqual(lagReasons([stale], 10_000, local), [], 'not probed yet');
  });
});

describe('configuration', () => {
  it('reads standard and app settings', () => {
    const config = loadConfig({ AWS_REGION: 'eu-west-1', APP_REGIONS: 'us-east-1, eu-west-1', PORT: '8101' });
    assert.deepEqual(config.regions, ['us-east-1', 'eu-west-1']);
    assert.equal(config.port, 8101);
    assert.equal(config.maxReplicationLagMs, 10_000);
  });

  it('adds the local region and rejects bad values', () => {
    assert.deepEqual(loadConfig({ AWS_REGION: 'eu-west-1', APP_REGIONS: 'us-east-1' }).regions, [
      'us-east-1',
      'eu-west-1',
    ]);
    assert.throws(() => loadConfig({}), ConfigError);
    assert.throws(() => loadConfig({ AWS_REGION: 'us-east-1', PORT: 'eighty' }), ConfigError);
    assert.throws(() => loadConfig({ AWS_REGION: 'us-east-1', APP_REGIONS: 'mars' }), ConfigError);
  });
});

describe('DynamoDB error mapping', () => {
  const sdkError = (name: string, status?: number) =>
    Object.assign(new Error(name), { name, $metadata: status ? { httpStatusCode: status } : {} });

  it('maps throttling, conflicts, missing tables and outages', () => {
    const throttled = fromDynamoError(sdkError('ProvisionedThroughputExceededException', 400));
    assert.equal(throttled.statusCode, 503);
    assert.equal(throttled.headers['retry-after'], '1');
    assert.equal(fromDynamoError(sdkError('ConditionalCheckFailedException', 400)).statusCode, 409);
    assert.equal(fromDynamoError(sdkError('ResourceNotFoundException', 400)).code, 'NotSetUp');
    assert.equal(fromDynamoError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })).statusCode, 503);
    assert.equal(fromDynamoError(sdkError('Weird', 400)).statusCode, 500);
  });

  it('tells unreachable from answered', () => {
    assert.ok(isUnreachable(sdkError('TimeoutError')));
    assert.ok(isUnreachable(sdkError('InternalServerError', 500)));
    assert.ok(!isUnreachable(sdkError('ConditionalCheckFailedException', 400)));
  });
});
