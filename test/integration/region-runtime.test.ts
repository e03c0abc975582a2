/**
 * A region's runtime end to end through the real CLI: app instances behind the regional load
 * balancer, target health, app restarts, region kill/stop/start taking the apps along, and
 * DynamoDB requests signed for another region travelling there through the WAN.
 * Uses its own ports (admin 47700, edge 48000, ...; dynamodb 48100, balancer 48180, apps 48200+)
 * and the stand-in app (test/support/stand-in-app.ts), so it runs alongside default-port worlds.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { WorldStatus } from '../../src/world/status.js';
import { isAlive, makeWorkDir, waitFor } from '../support/cli.js';
import { startWorld, type TestWorld } from '../support/world.js';

const standInApp = fileURLToPath(new URL('../support/stand-in-app.js', import.meta.url));
const east = { name: 'us-east-1', address: '127.0.1.1', wan: '127.0.1.2' };
const west = { name: 'eu-west-1', address: '127.0.4.1', wan: '127.0.4.2' };
const balancerPort = 48180;
const dynamodbPort = 48100;

const topology = `version: 1
name: region-runtime-test
regions: [{ name: us-east-1 }, { name: eu-west-1 }]
locations:
  - { name: europe, continent: EU, country: DE, coordinates: { lat: 50.1, lon: 8.7 }, addressRange: 127.3.0.0/16, anchorRegion: eu-central-1, accessRttMs: 10 }
timing: { profile: fast }
services:
  dynamodb: { port: ${dynamodbPort} }
  replication: { port: 48101 }
  app: { instances: 2, basePort: 48200, entry: ${JSON.stringify(standInApp)} }
  loadBalancer: { port: ${balancerPort}, algorithm: round_robin }
global: { host: 127.0.0.1, adminPort: 47700, edgePort: 48000, dnsPort: 48053, acceleratorPort: 48080, dashboardPort: 47701 }
`;

interface Answer {
  status: number;
  body: string;
}

function get(host: string, path = '/', localAddress?: string, timeoutMs = 5_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      {
        host,
        port: balancerPort,
        path,
        agent: false,
        timeout: timeoutMs,
        ...(localAddress ? { localAddress } : {}),
      },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', reject);
  });
}

const instanceOf = (answer: Answer): string => (JSON.parse(answer.body) as { instance: string }).instance;

function regionOf(status: WorldStatus, name: string) {
  const region = status.regions.find((candidate) => candidate.name === name);
  assert.ok(region, name);
  return region;
}

function client(endpointAddress: string, region: string, requestTimeout?: number): DynamoDBClient {
  return new DynamoDBClient({
    region,
    endpoint: `http://${endpointAddress}:${dynamodbPort}`,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
    ...(requestTimeout
      ? { requestHandler: { requestTimeout, connectionTimeout: requestTimeout, throwOnRequestTimeout: true } }
      : {}),
  });
}

/** The status document straight from the admin API (the CLI's own start-up would dominate the polling). */
async function adminStatus(): Promise<WorldStatus> {
  const response = await fetch('http://127.0.0.1:47700/v1/status');
  return (await response.json()) as WorldStatus;
}

describe('region runtime: apps, load balancer, cross-region DynamoDB', () => {
  let world: TestWorld;

  const allHealthy = async (name: string) => {
    const region = regionOf(await adminStatus(), name);
    return region.targets.length === 2 && region.targets.every((target) => target.health === 'healthy');
  };

  before(async () => {
    const dir = makeWorkDir('pangea-region-runtime-');
    writeFileSync(join(dir, 'pangea.yaml'), topology);
    // The fixed ports sit in Linux's ephemeral range: another test's outgoing connection can hold
    // one for a moment (EADDRINUSE), so a failed start is retried a few times.
    for (let attempt = 1; ; attempt++) {
      try {
        world = await startWorld(['--fresh'], dir);
        break;
      } catch (error) {
        if (attempt >= 6 || !/PortInUse/.test(String(error))) throw error;
        await new Promise((resolve) => setTimeout(resolve, 5_000));
      }
    }
    await waitFor(() => allHealthy(east.name), 15_000, 'us-east-1 targets healthy');
    await waitFor(() => allHealthy(west.name), 15_000, 'eu-west-1 targets healthy');
  });

  after(async () => {
    await world?.down();
  });

  test('status shows the balancer endpoint and every target', async () => {
    const status = await world.status();
    const region = regionOf(status, east.name);
    assert.equal(region.endpoints.loadBalancer, `http://${east.address}:${balancerPort}`);
    assert.deepEqual(
      region.targets.map((target) => [target.id, target.target, target.health, target.process]),
      [
        ['us-east-1-0', `${east.address}:48200`, 'healthy', 'running'],
        ['us-east-1-1', `${east.address}:48201`, 'healthy', 'running'],
      ],
    );
    for (const target of region.targets) assert.ok(target.pid && isAlive(target.pid));
    assert.match(await world.cli(['status']), /us-east-1\s+running.*2\/2 healthy/);
  });

  test('requests through the balancer go round robin across the instances, inside and through the WAN', async () => {
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) seen.push(instanceOf(await get(east.address)));
    assert.deepEqual(new Set(seen), new Set(['us-east-1-0', 'us-east-1-1']));
    assert.notEqual(seen[0], seen[1]);
    assert.equal(seen[0], seen[2]);
    // From a client location, through the region's WAN face.
    const remote = await get(east.wan, '/', '127.3.0.9');
    assert.equal(remote.status, 200);
    assert.equal((JSON.parse(remote.body) as { region: string }).region, east.name);
    assert.equal((await get(east.address, '/health')).status, 200, '/health is forwarded to the app');
  });

  test('a killed instance is marked unhealthy within interval x threshold; no errors after that; it restarts', async () => {
    const before = regionOf(await adminStatus(), east.name);
    const victim = before.targets[0]!;
    assert.ok(victim.pid);
    // Keep it down (its restarts exit at once) long enough for the balancer to notice.
    const downFlag = join(world.dir, '.pangea', 'regions', east.name, `stand-in-down-${victim.id}`);
    writeFileSync(downFlag, '');
    process.kill(victim.pid, 'SIGKILL');
    const killedAt = Date.now();
    await waitFor(
      async () => regionOf(await adminStatus(), east.name).targets[0]?.health === 'unhealthy',
      5_000,
      'the killed instance to be unhealthy',
    );
    // fast profile: 500 ms x 2 plus the check timeout and the status round trip.
    assert.ok(Date.now() - killedAt < 3_000, `unhealthy after ${Date.now() - killedAt} ms`);
    const answers = await Promise.all(Array.from({ length: 20 }, () => get(east.address)));
    assert.deepEqual(
      answers.map((answer) => answer.status),
      answers.map(() => 200),
    );
    assert.ok(answers.every((answer) => instanceOf(answer) === 'us-east-1-1'));
    const crashing = regionOf(await adminStatus(), east.name).targets[0]!;
    assert.ok(crashing.restarts >= 1, 'restarts are reported');
    rmSync(downFlag);
    await waitFor(
      async () => {
        const target = regionOf(await adminStatus(), east.name).targets[0];
        return target?.process === 'running' && target.health === 'healthy' && target.pid !== victim.pid;
      },
      10_000,
      'the instance to restart and be healthy again',
    );
    const after = regionOf(await adminStatus(), east.name).targets[0]!;
    assert.ok(after.restarts >= 1);
  });

  test('app output is in the region logs', async () => {
    const text = await world.cli(['logs', east.name, '--lines', '200', '--json']);
    assert.match(text, /stand-in app listening/);
    assert.match(text, /app instance exited; restarting/);
  });

  test('a request signed for another region reaches it through the WAN and pays the link delay', async () => {
    const table = `OnlyInWest${Date.now()}`;
    await client(west.address, west.name).send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const viaEastForWest = client(east.address, west.name);
    const viaEastForEast = client(east.address, east.name);
    const westTables = await viaEastForWest.send(new ListTablesCommand({}));
    assert.ok(westTables.TableNames?.includes(table), 'the west table is visible through the east endpoint');
    const eastTables = await viaEastForEast.send(new ListTablesCommand({}));
    assert.ok(!eastTables.TableNames?.includes(table), 'east itself does not have it');
    // us-east-1 <-> eu-west-1 round trip is about 69.5 ms; a local call is a few ms.
    const timings: number[] = [];
    for (let i = 0; i < 5; i++) {
      const startedMs = performance.now();
      await viaEastForWest.send(new ListTablesCommand({}));
      timings.push(performance.now() - startedMs);
    }
    timings.sort((a, b) => a - b);
    assert.ok(timings[2]! >= 60, `cross-region median ${timings[2]} ms`);
    assert.ok(timings[2]! < 500, `cross-region median ${timings[2]} ms`);
  });

  test('a partition makes cross-region calls fail; the heal brings them back', async () => {
    await world.cli(['link', 'partition', east.name, west.name]);
    try {
      await assert.rejects(client(east.address, west.name, 1_500).send(new ListTablesCommand({})));
      const local = await client(east.address, east.name, 1_500).send(new ListTablesCommand({}));
      assert.ok(Array.isArray(local.TableNames), 'the local region still answers');
    } finally {
      await world.cli(['link', 'heal', east.name, west.name]);
    }
    const healed = await client(east.address, west.name, 5_000).send(new ListTablesCommand({}));
    assert.ok(Array.isArray(healed.TableNames));
  });

  test('a dead target region is a network error for the client, not an answer', async () => {
    await world.cli(['region', 'kill', west.name]);
    try {
      const error = await client(east.address, west.name, 5_000)
        .send(new ListTablesCommand({}))
        .then(
          () => undefined,
          (failure: unknown) => failure as { $metadata?: { httpStatusCode?: number }; name?: string },
        );
      assert.ok(error, 'the call fails');
      assert.equal(error.$metadata?.httpStatusCode, undefined, `no HTTP answer (${error.name})`);
    } finally {
      await world.cli(['region', 'start', west.name]);
    }
  });

  test('region kill takes the apps down; region start brings them back', async () => {
    const pids = regionOf(await adminStatus(), east.name).targets.map((target) => target.pid);
    assert.equal(pids.length, 2);
    await world.cli(['region', 'kill', east.name]);
    for (const pid of pids) {
      assert.ok(pid);
      await waitFor(() => !isAlive(pid), 2_000, `app pid ${pid} to be gone`);
    }
    assert.deepEqual(regionOf(await adminStatus(), east.name).targets, []);
    await assert.rejects(get(east.address), /ECONNREFUSED/);
    await world.cli(['region', 'start', east.name]);
    await waitFor(() => allHealthy(east.name), 10_000, 'targets healthy after the start');
    const fresh = regionOf(await adminStatus(), east.name).targets.map((target) => target.pid);
    assert.ok(fresh.every((pid) => pid && !pids.includes(pid)));
    assert.equal((await get(east.address)).status, 200);
  });

  test('a graceful region stop drains and stops the apps', async () => {
    const pids = regionOf(await adminStatus(), west.name).targets.map((target) => target.pid);
    const slow = get(west.address, '/slow?ms=300');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await world.cli(['region', 'stop', west.name]);
    const answer = await slow;
    assert.equal(answer.status, 200, 'the in-flight request finished');
    for (const pid of pids) assert.ok(pid && !isAlive(pid));
    const text = await world.cli(['logs', west.name, '--lines', '200', '--json']);
    assert.match(text, /stand-in app draining/);
    await world.cli(['region', 'start', west.name]);
    await waitFor(() => allHealthy(west.name), 10_000, 'targets healthy after the start');
  });
});
