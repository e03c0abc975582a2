/**
 * The local world end to end through the real CLI: start, status, region kill/start, link
 * partition/heal with a real effect on traffic, bad input, and no process left behind.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isAlive, makeWorkDir, regionProcessesOf, runCli, waitFor } from '../support/cli.js';
import { startWorld, type TestWorld } from '../support/world.js';

/** An HTTP GET from a place's address to a region's WAN face; resolves with the round-trip time. */
function timedGet(fromAddress: string, host: string, port: number, timeoutMs: number): Promise<number> {
  const startedMs = performance.now();
  return new Promise((resolve, reject) => {
    const request = http.get(
      { host, port, path: '/', localAddress: fromAddress, agent: false, timeout: timeoutMs },
      (response) => {
        response.resume();
        response.on('end', () => resolve(performance.now() - startedMs));
      },
    );
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', reject);
  });
}

describe('pangea world', () => {
  let world: TestWorld;

  before(async () => {
    world = await startWorld(['--fresh']);
  });

  after(async () => {
    await world?.down();
  });

  test('status --json has the stable shape with every region running', async () => {
    const status = await world.status();
    assert.deepEqual(
      status.regions.map((region) => [region.name, region.state, region.ready]),
      [
        ['us-east-1', 'running', true],
        ['eu-west-1', 'running', true],
        ['ap-south-1', 'running', true],
      ],
    );
    for (const key of ['aws', 'dns', 'accelerator', 'dashboard', 'admin'])
      assert.ok(key in status.endpoints, key);
    assert.equal(status.endpoints.aws, 'http://127.0.0.1:8000');
    assert.equal(status.endpoints.admin, 'http://127.0.0.1:7700');
    assert.equal(status.regions[1]?.endpoints.dynamodb, 'http://127.0.4.1:8000');
    const link = status.links.find(
      (candidate) => candidate.from === 'us-east-1' && candidate.to === 'eu-west-1',
    );
    assert.equal(link?.latencyMs, (70 + 69) / 4);
    assert.equal(link?.partitioned, false);
  });

  test('the human status is a table naming every region', async () => {
    const text = await world.cli(['status']);
    assert.match(text, /REGION\s+STATE/);
    for (const name of ['us-east-1', 'eu-west-1', 'ap-south-1'])
      assert.match(text, new RegExp(`${name}\\s+running`));
  });

  test('region kill is a real kill -9 of the tree: crashed, then start brings it back', async () => {
    const before = await world.status();
    const pid = before.regions.find((region) => region.name === 'eu-west-1')?.pid;
    assert.ok(pid);
    assert.match(await world.cli(['region', 'kill', 'eu-west-1']), /eu-west-1: crashed/);
    assert.equal(isAlive(pid), false);
    const crashed = await world.status();
    const region = crashed.regions.find((candidate) => candidate.name === 'eu-west-1');
    assert.equal(region?.state, 'crashed');
    assert.equal(region?.lastExit?.signal, 'SIGKILL');
    // The other regions keep running.
    assert.equal(crashed.regions.filter((candidate) => candidate.state === 'running').length, 2);
    await assert.rejects(() => timedGet('127.0.0.1', '127.0.4.1', 8000, 2000));
    assert.match(await world.cli(['region', 'start', 'eu-west-1']), /eu-west-1: running/);
    const restarted = (await world.status()).regions.find((candidate) => candidate.name === 'eu-west-1');
    assert.equal(restarted?.restarts, 1);
    assert.notEqual(restarted?.pid, pid);
  });

  test('region stop is graceful and shows stopped', async () => {
    assert.match(await world.cli(['region', 'stop', 'ap-south-1']), /ap-south-1: stopped/);
    assert.match(await world.cli(['region', 'start', 'ap-south-1']), /ap-south-1: running/);
  });

  test('traffic between regions pays the link delay; a partition holds it until the heal', async () => {
    // From inside us-east-1 (its address) to eu-west-1's WAN face: about one RTT (~69.5 ms) per
    // request on a new connection, plus the modelled handshake RTT.
    const rttMs = await timedGet('127.0.1.1', '127.0.4.2', 8000, 5000);
    assert.ok(rttMs >= 2 * 69.5 - 1, `round trip ${rttMs} ms should include handshake + request RTTs`);
    assert.match(await world.cli(['link', 'partition', 'us-east-1', 'eu-west-1']), /PARTITIONED/);
    const status = await world.status();
    assert.equal(
      status.links.find((link) => link.from === 'eu-west-1' && link.to === 'us-east-1')?.partitioned,
      true,
    );
    await assert.rejects(() => timedGet('127.0.1.1', '127.0.4.2', 8000, 1000), /timeout/);
    // Another pair is unaffected.
    await timedGet('127.0.1.1', '127.0.6.2', 8000, 5000);
    const pending = timedGet('127.0.1.1', '127.0.4.2', 8000, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await world.cli(['link', 'heal', 'us-east-1', 'eu-west-1']);
    assert.ok((await pending) > 300, 'a request held by the partition completes after the heal');
  });

  test('a one-way partition blocks one direction only', async () => {
    await world.cli(['link', 'partition', 'us-east-1', 'eu-west-1', '--one-way']);
    const links = (await world.status()).links;
    assert.equal(
      links.find((link) => link.from === 'us-east-1' && link.to === 'eu-west-1')?.partitioned,
      true,
    );
    assert.equal(
      links.find((link) => link.from === 'eu-west-1' && link.to === 'us-east-1')?.partitioned,
      false,
    );
    await world.cli(['link', 'heal']);
    assert.equal(
      (await world.status()).links.some((link) => link.partitioned),
      false,
    );
  });

  test('link set changes the delay at run time', async () => {
    await world.cli(['link', 'set', 'europe', 'eu-west-1', '--latency-ms', '150']);
    const rttMs = await timedGet('127.3.0.9', '127.0.4.2', 8000, 5000);
    // Handshake (150 + 18) + request (150 + 18).
    assert.ok(rttMs >= 2 * 168 - 1, `round trip ${rttMs} ms`);
    await world.cli(['link', 'set', 'europe', 'eu-west-1', '--latency-ms', '18']);
  });

  test('a typo in a region name gets one clear message and a non-zero exit', async () => {
    const result = await runCli(['region', 'kill', 'eu-wst-1'], world.dir);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /unknown region "eu-wst-1"; did you mean eu-west-1\?/);
    const link = await runCli(['link', 'partition', 'us-east-1', 'eu-wst-1'], world.dir);
    assert.equal(link.code, 1);
    assert.match(link.stderr, /did you mean eu-west-1\?/);
  });

  test('a second up in the same directory is refused', async () => {
    const result = await runCli(['up', '--detach'], world.dir);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /already running/);
  });

  test('logs show each region stream', async () => {
    const text = await world.cli(['logs', 'us-east-1', '--lines', '50']);
    assert.match(text, /region ready/);
  });
});

describe('pangea up with bad input', () => {
  test('a bad topology: message with file and line, non-zero exit, nothing running', async () => {
    const dir = makeWorkDir();
    writeFileSync(
      join(dir, 'pangea.yaml'),
      'version: 1\nregions:\n  - name: us-east-1\n  - name: eu-wst-1\n',
    );
    const result = await runCli(['up', '--detach'], dir);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /pangea.yaml:4 regions\[1\].name: unknown region "eu-wst-1"; did you mean eu-west-1\?/,
    );
    assert.deepEqual(regionProcessesOf(dir), []);
  });

  test('a port in use: one clear message, non-zero exit, nothing left running', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(8000, '127.0.0.1', resolve));
    const dir = makeWorkDir();
    try {
      const result = await runCli(['up', '--detach'], dir);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /127\.0\.0\.1:8000/);
      await waitFor(() => regionProcessesOf(dir).length === 0, 5000, 'no region processes');
      const status = await runCli(['status'], dir);
      assert.equal(status.code, 1);
      assert.match(status.stderr, /no world is running/);
    } finally {
      blocker.close();
    }
  });

  test('status without a world says so', async () => {
    const result = await runCli(['status', '--json'], makeWorkDir());
    assert.equal(result.code, 1);
    assert.match(result.stderr, /no world is running/);
  });
});

describe('no orphans', () => {
  test('killing the world process with -9 takes every region with it', async () => {
    const world = await startWorld();
    const status = await world.status();
    const regionPids = status.regions
      .map((region) => region.pid)
      .filter((pid): pid is number => pid !== null);
    assert.equal(regionPids.length, 3);
    process.kill(status.world.pid, 'SIGKILL');
    await waitFor(
      () => regionPids.every((pid) => !isAlive(pid)),
      10_000,
      'regions to exit after the world died',
    );
    // A new world can start in the same directory (the stale lock is taken over), then stops cleanly.
    const again = await startWorld([], world.dir);
    await again.down();
  });

  test('down leaves no process behind', async () => {
    const world = await startWorld();
    const status = await world.status();
    const dir = world.dir;
    await runCli(['down'], dir);
    assert.equal(isAlive(status.world.pid), false);
    await waitFor(() => regionProcessesOf(dir).length === 0, 5000, 'no region processes');
  });
});
