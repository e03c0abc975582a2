/**
 * App instances held stopped (aws:ecs:stop-task), with real child processes: SIGTERM then SIGKILL
 * after the grace, no restart while held (the fleet would otherwise undo the fault within 250 ms),
 * and a normal start again when released.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type AppFleet, heldCount, startAppFleet } from '../../../src/region/apps.js';
import { silentLogger } from '../../../src/shared/logger.js';

const dir = mkdtempSync(join(tmpdir(), 'pangea-fleet-hold-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * An app that stays up; instance 1 (PORT 41001) ignores SIGTERM like a stuck task. Once its handler
 * is installed it leaves a marker named after its pid, so the test signals it only after that.
 */
const entry = join(dir, 'app.js');
writeFileSync(
  entry,
  `const { writeFileSync } = require('node:fs');
setInterval(() => {}, 1000);
process.on('SIGTERM', () => { if (process.env.PORT !== '41001') process.exit(0); });
writeFileSync(${JSON.stringify(dir)} + '/ready-' + process.pid, '');
`,
);
writeFileSync(join(dir, 'package.json'), '{"type":"commonjs"}');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function fleetOf(stoppedInstances?: number | 'all'): AppFleet {
  return startAppFleet({
    region: 'us-east-1',
    regions: ['us-east-1'],
    host: '127.0.0.1',
    basePort: 41_000,
    instances: 3,
    entry,
    dynamodbUrl: 'http://127.0.0.1:1',
    logDir: dir,
    regionDir: dir,
    logger: silentLogger(),
    stopGraceMs: 300,
    ...(stoppedInstances === undefined ? {} : { stoppedInstances }),
  });
}

const processes = (fleet: AppFleet) => fleet.status().map((instance) => instance.process);

/** Every instance with a pid has installed its signal handler. */
const handlersReady = (fleet: AppFleet, count: number) => {
  const pids = fleet.status().flatMap((instance) => (instance.pid === null ? [] : [instance.pid]));
  return pids.length === count && pids.every((pid) => existsSync(join(dir, `ready-${pid}`)));
};

test('held instances stop (SIGTERM, SIGKILL after the grace), stay down, and start again on release', async () => {
  const fleet = fleetOf();
  try {
    await until('three running instances', () => handlersReady(fleet, 3));
    const pidsBefore = fleet.status().map((instance) => instance.pid);
    const startedMs = Date.now();
    await fleet.setStoppedInstances(2);
    const tookMs = Date.now() - startedMs;
    const [first, second, third] = fleet.status();
    assert.equal(first?.process, 'stopped');
    assert.equal(first?.lastExit?.code, 0, 'instance 0 left on SIGTERM');
    assert.equal(second?.lastExit?.signal, 'SIGKILL', 'instance 1 ignored SIGTERM and was killed');
    assert.ok(tookMs >= 250, `waited for the grace before SIGKILL (${tookMs} ms)`);
    assert.equal(third?.pid, pidsBefore[2], 'instance 2 untouched');
    // Longer than the first restart backoff (250 ms): a crash would have been restarted by now.
    await sleep(700);
    assert.deepEqual(processes(fleet), ['stopped', 'stopped', 'running']);
    assert.deepEqual(
      fleet.status().map((instance) => instance.restarts),
      [0, 0, 0],
    );
    await fleet.setStoppedInstances(0);
    await until('all running again', () =>
      fleet.status().every((i) => i.process === 'running' && i.pid !== null),
    );
    assert.notEqual(fleet.status()[0]?.pid, pidsBefore[0], 'a new process');
  } finally {
    await fleet.stop();
  }
});

test("a fleet started with instances held keeps them down from the start; 'all' holds every one", async () => {
  const fleet = fleetOf(1);
  try {
    await until('two running instances', () => handlersReady(fleet, 2));
    assert.deepEqual(processes(fleet), ['stopped', 'running', 'running']);
    assert.equal(fleet.status()[0]?.pid, null);
    await fleet.setStoppedInstances('all');
    assert.deepEqual(processes(fleet), ['stopped', 'stopped', 'stopped']);
    await fleet.setStoppedInstances(1);
    await until('instances 1 and 2 back', () => handlersReady(fleet, 2));
    assert.equal(fleet.status()[0]?.process, 'stopped');
  } finally {
    await fleet.stop();
  }
});

test('heldCount clamps to the fleet', () => {
  assert.equal(heldCount(undefined, 3), 0);
  assert.equal(heldCount('all', 3), 3);
  assert.equal(heldCount(5, 3), 3);
  assert.equal(heldCount(-1, 3), 0);
});
