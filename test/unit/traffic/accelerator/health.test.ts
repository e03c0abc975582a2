import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../../../src/shared/clock.js';
import {
  type HealthChange,
  HealthMonitor,
  type ProbeTarget,
} from '../../../../src/traffic/accelerator/health.js';

const flush = () => new Promise((resolve) => setImmediate(resolve));

function setup(thresholdCount = 3, intervalMs = 10_000) {
  const clock = new ManualClock();
  const probes: ProbeTarget[] = [];
  let alive = true;
  const changes: HealthChange[] = [];
  const monitor = new HealthMonitor(
    clock,
    async (target) => {
      probes.push(target);
      return { ok: alive, detail: alive ? 'HTTP 200' : 'ECONNREFUSED' };
    },
    (change) => changes.push(change),
  );
  monitor.reconcile([
    {
      key: 'e1',
      target: { host: '127.0.1.1', port: 22000, protocol: 'HTTP', path: '/health' },
      intervalMs,
      thresholdCount,
    },
  ]);
  const tick = async (ms: number) => {
    clock.advance(ms);
    await flush();
  };
  return { clock, monitor, probes, changes, tick, setAlive: (value: boolean) => (alive = value) };
}

test('the first result decides at once; then ThresholdCount consecutive results flip the state', async () => {
  const { monitor, changes, tick, setAlive } = setup(3);
  assert.equal(monitor.isRoutable('e1'), true, 'not probed yet: routable');
  await tick(0);
  assert.equal(monitor.snapshot()[0]?.state, 'healthy');
  setAlive(false);
  await tick(10_000);
  await tick(10_000);
  assert.equal(monitor.isRoutable('e1'), true, 'two failures are below the threshold of 3');
  await tick(10_000);
  assert.equal(monitor.isRoutable('e1'), false);
  assert.deepEqual(
    changes.map((change) => [change.state, change.atMs]),
    [
      ['healthy', 0],
      ['unhealthy', 30_000],
    ],
  );
  setAlive(true);
  await tick(10_000);
  await tick(10_000);
  assert.equal(monitor.isRoutable('e1'), false);
  await tick(10_000);
  assert.equal(monitor.isRoutable('e1'), true);
});

test('a success between failures resets the count', async () => {
  const { monitor, tick, setAlive } = setup(2);
  await tick(0);
  setAlive(false);
  await tick(10_000);
  setAlive(true);
  await tick(10_000);
  setAlive(false);
  await tick(10_000);
  assert.equal(monitor.isRoutable('e1'), true);
  await tick(10_000);
  assert.equal(monitor.isRoutable('e1'), false);
});

test('passive failure takes an endpoint out at once; only the active checks bring it back', async () => {
  const { monitor, tick } = setup(2);
  await tick(0);
  monitor.markFailed('e1', 'ECONNRESET');
  assert.equal(monitor.isRoutable('e1'), false);
  assert.match(monitor.snapshot()[0]?.detail ?? '', /passive: ECONNRESET/);
  await tick(10_000);
  assert.equal(monitor.isRoutable('e1'), false);
  await tick(10_000);
  assert.equal(monitor.isRoutable('e1'), true);
});

test('probes go to the target with the interval as timeout (1-4 s); reconcile keeps state and drops removed endpoints', async () => {
  const { monitor, probes, tick, setAlive } = setup(1, 1_000);
  await tick(0);
  assert.deepEqual(probes[0], {
    host: '127.0.1.1',
    port: 22000,
    protocol: 'HTTP',
    path: '/health',
    timeoutMs: 1_000,
  });
  setAlive(false);
  await tick(1_000);
  assert.equal(monitor.isRoutable('e1'), false);
  monitor.reconcile([
    {
      key: 'e1',
      target: { host: '127.0.1.1', port: 22000, protocol: 'TCP', path: '/' },
      intervalMs: 1_000,
      thresholdCount: 1,
    },
  ]);
  assert.equal(monitor.isRoutable('e1'), false, 'a config update is no recovery');
  monitor.reconcile([]);
  assert.equal(monitor.snapshot().length, 0);
  const before = probes.length;
  await tick(5_000);
  assert.equal(probes.length, before, 'removed endpoints are not probed');
  monitor.stop();
});

test('checks more frequent than 1 s still give a probe 1 s; a dead endpoint is out after threshold x interval', async () => {
  const { monitor, probes, tick, setAlive } = setup(2, 250);
  await tick(0);
  assert.equal(probes[0]?.timeoutMs, 1_000);
  setAlive(false);
  await tick(250);
  assert.equal(monitor.isRoutable('e1'), true, 'one failure is below the threshold');
  await tick(250);
  assert.equal(monitor.isRoutable('e1'), false);
  monitor.stop();
});
