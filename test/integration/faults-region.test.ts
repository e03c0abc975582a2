/**
 * Region-side and traffic faults end to end, in a two-region world with the reference app on ports
 * of its own: aws:ecs:stop-task (the load balancer answers 503, the fleet keeps the tasks down,
 * also across a region restart), aws:network:disrupt-connectivity with scope dynamodb (the
 * region's own requests die on the network, forwarded ones and replication do not),
 * pangea:clock-skew (a region ahead wins last-writer-wins against a later write) and
 * pangea:health-check-flapping (the region's Route 53 check changes status repeatedly).
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import {
  type AttributeValue,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import type { FaultRecord } from '../../src/gameday/faults/runner.js';
import type { HealthCheckStatus } from '../../src/traffic/health/types.js';
import type { WorldStatus } from '../../src/world/status.js';
import { makeWorkDir, regionProcessesOf, waitFor } from '../support/cli.js';
import { ownPortsTopologyYaml, pickPortBase } from '../support/own-ports.js';
import { startWorld, type TestWorld } from '../support/world.js';

const east = 'us-east-1';
const west = 'eu-west-1';
const table = 'RegionFaults';
const credentials = { accessKeyId: 'AKIDPANGEA', secretAccessKey: 'secret' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type RegionView = WorldStatus['regions'][number];
type Conflict = {
  region: string;
  key: Record<string, AttributeValue>;
  winner: { region: string; image: Record<string, AttributeValue> | null };
  loser: { region: string; image: Record<string, AttributeValue> | null };
};

describe('region faults', { timeout: 120_000 }, () => {
  let world: TestWorld | undefined;
  let dir = '';
  let admin = '';
  let status: WorldStatus;
  const clients: DynamoDBClient[] = [];

  const cli = (args: string[]): Promise<string> => {
    if (!world) throw new Error('no world');
    return world.cli(args);
  };
  const regionView = async (name: string): Promise<RegionView> => {
    const view = (await world?.status())?.regions.find((region) => region.name === name);
    assert.ok(view, name);
    return view;
  };
  /** A client signed for `region` that talks to `endpoint`; one attempt, so a failure shows as it is. */
  const client = (region: string, endpoint: string): DynamoDBClient => {
    const created = new DynamoDBClient({ region, endpoint, credentials, maxAttempts: 1 });
    clients.push(created);
    return created;
  };
  const endpointOf = (region: string) => {
    const url = status.regions.find((view) => view.name === region)?.endpoints.dynamodb;
    assert.ok(url, region);
    return url;
  };
  const inject = async (action: string, parameters: Record<string, unknown>, durationMs: number) => {
    const response = await fetch(`${admin}/v1/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action, parameters, durationMs }),
    });
    const body = (await response.json()) as FaultRecord & { error?: { code: string; message: string } };
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.equal(body.state, 'active');
    return body;
  };
  const stopFault = async (id: string): Promise<FaultRecord> =>
    JSON.parse(await fetchText(`${admin}/v1/faults/${id}`, 'DELETE')) as FaultRecord;
  /** Undoes whatever a test left active, so one failing test does not take the next ones down. */
  const stopAllFaults = async () => {
    const { faults } = JSON.parse(await fetchText(`${admin}/v1/faults`, 'GET')) as { faults: FaultRecord[] };
    for (const fault of faults) if (fault.state === 'active') await stopFault(fault.id);
  };
  const get = (region: string, pk: string) =>
    client(region, endpointOf(region)).send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: pk } }, ConsistentRead: true }),
    );
  const put = (region: string, endpoint: string, pk: string, by: string) =>
    client(region, endpoint).send(
      new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, by: { S: by } } }),
    );

  before(async () => {
    dir = makeWorkDir('pangea-faults-region-');
    const base = await pickPortBase([east, west]);
    writeFileSync(
      join(dir, 'pangea.yaml'),
      ownPortsTopologyYaml({ name: 'faults-region-test', base, regions: [east, west], appInstances: 2 }),
    );
    world = await startWorld(['--fresh'], dir);
    admin = `http://127.0.0.1:${base}`;
    status = await world.status();
    // A global table over both regions, for the data tier faults.
    const eastClient = client(east, endpointOf(east));
    await eastClient.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await waitFor(
      async () =>
        (await eastClient.send(new DescribeTableCommand({ TableName: table }))).Table?.TableStatus ===
        'ACTIVE',
      15_000,
      'the table to be ACTIVE',
    );
    await eastClient.send(
      new UpdateTableCommand({ TableName: table, ReplicaUpdates: [{ Create: { RegionName: west } }] }),
    );
    await waitFor(
      async () => {
        const described = await client(west, endpointOf(west)).send(
          new DescribeTableCommand({ TableName: table }),
        );
        return (
          described.Table?.TableStatus === 'ACTIVE' &&
          (described.Table.Replicas ?? []).every((replica) => replica.ReplicaStatus === 'ACTIVE')
        );
      },
      15_000,
      'the replica in eu-west-1',
    );
  });

  afterEach(async () => {
    if (world) await stopAllFaults();
  });

  after(async () => {
    for (const created of clients) created.destroy();
    if (world) await world.down();
    else {
      for (const pid of regionProcessesOf(dir)) process.kill(pid, 'SIGKILL');
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });

  test('aws:ecs:stop-task: targets stay stopped (also across a region restart), the balancer answers 503; undo brings them back', async () => {
    const balancer = (await regionView(east)).endpoints.loadBalancer;
    assert.ok(balancer);
    const targetsHealthy = async () => {
      const { targets } = await regionView(east);
      return targets.length === 2 && targets.every((t) => t.health === 'healthy' && t.process === 'running');
    };
    await waitFor(targetsHealthy, 20_000, 'both us-east-1 targets healthy before the fault');
    const record = JSON.parse(
      await cli([
        'fault',
        'inject',
        'aws:ecs:stop-task',
        '--region',
        east,
        '--duration-ms',
        '60000',
        '--json',
      ]),
    ) as FaultRecord;
    assert.deepEqual(record.parameters, { region: east, instances: 2 });
    const answers503 = async () => (await fetch(`${balancer}/`).catch(() => undefined))?.status === 503;
    await waitFor(answers503, 10_000, 'the load balancer to answer 503');
    const stopped = async () => {
      const { targets } = await regionView(east);
      return targets.length === 2 && targets.every((t) => t.process === 'stopped' && t.pid === null);
    };
    assert.ok(await stopped(), JSON.stringify((await regionView(east)).targets));
    // Longer than the fleet's first restart backoff (250 ms): a crash would have been restarted.
    await sleep(1_000);
    assert.ok(await stopped(), 'the fleet does not restart stopped tasks');
    assert.ok((await regionView(east)).targets.every((t) => t.restarts === 0));
    // The supervisor keeps the fault as the region's desired state: a restarted region comes back with it.
    await cli(['region', 'kill', east]);
    await cli(['region', 'start', east]);
    await waitFor(
      async () => (await regionView(east)).targets.length === 2,
      10_000,
      'the restarted region to report its targets',
    );
    assert.ok(await stopped(), JSON.stringify((await regionView(east)).targets));
    await waitFor(answers503, 10_000, 'the restarted load balancer to answer 503');
    const ended = await stopFault(record.id);
    assert.equal(ended.state, 'stopped');
    await waitFor(targetsHealthy, 20_000, 'both targets healthy after the undo');
    assert.equal((await fetch(`${balancer}/health/live`)).status, 200);
  });

  test('aws:network:disrupt-connectivity scope dynamodb: own requests fail on the network, forwarded ones and replication go on', async () => {
    const westEndpoint = endpointOf(west);
    const record = await inject(
      'aws:network:disrupt-connectivity',
      { region: west, scope: 'dynamodb' },
      60_000,
    );
    assert.deepEqual(record.parameters, { region: west, scope: 'dynamodb' });
    // Signed for eu-west-1 through its own endpoint: the connection dies without an answer.
    const blocked = await put(west, westEndpoint, 'blocked', west).then(
      () => undefined,
      (error: unknown) => error as Error & { code?: string; $metadata?: { httpStatusCode?: number } },
    );
    assert.ok(blocked, 'the PutItem for eu-west-1 failed');
    assert.equal(
      blocked.$metadata?.httpStatusCode,
      undefined,
      `a network error, not an answer: ${blocked.name}`,
    );
    assert.match(`${blocked.code} ${blocked.name} ${blocked.message}`, /ECONNRESET|socket hang up|EPIPE/);
    // Through the edge, the same region looks unreachable: 503.
    const viaEdge = await put(west, status.endpoints.aws ?? '', 'blocked-edge', west).then(
      () => undefined,
      (error: unknown) => error as Error & { $metadata?: { httpStatusCode?: number } },
    );
    assert.equal(viaEdge?.$metadata?.httpStatusCode, 503);
    // Signed for us-east-1 through the same eu-west-1 endpoint: forwarded, and it works.
    await put(east, westEndpoint, 'forwarded', 'eu-west-1 app falling back to us-east-1');
    assert.equal((await get(east, 'forwarded')).Item?.by?.S, 'eu-west-1 app falling back to us-east-1');
    // A write made in us-east-1 replicates into the cut-off region (replication is AWS-internal).
    await put(east, endpointOf(east), 'replicated', east);
    await sleep(1_500);
    await waitFor(
      async () =>
        (await world?.status())?.replication.pairs.find((p) => p.source === east && p.destination === west)
          ?.pendingReplicationCount === 0,
      10_000,
      'us-east-1 -> eu-west-1 to have nothing pending',
    );
    const ended = await stopFault(record.id);
    assert.equal(ended.state, 'stopped');
    // Right after the undo, without waiting: the item arrived while eu-west-1 was cut off.
    assert.equal((await get(west, 'replicated')).Item?.by?.S, east);
    assert.equal((await get(west, 'forwarded')).Item?.by?.S, 'eu-west-1 app falling back to us-east-1');
  });

  test('pangea:clock-skew: a region 10 min ahead wins against a later write; the HLC stays ahead after the undo', async () => {
    // Replication of eu-west-1 paused, so the two writes below are concurrent (neither saw the other).
    const pause = await inject('aws:dynamodb:global-table-pause-replication', { region: west }, 60_000);
    const skew = JSON.parse(
      await cli([
        'fault',
        'inject',
        'pangea:clock-skew',
        '--region',
        east,
        '--offset-ms',
        '600000',
        '--duration-ms',
        '60000',
        '--json',
      ]),
    ) as FaultRecord;
    assert.deepEqual(skew.parameters, { region: east, offsetMilliseconds: 600_000, driftPpm: 0 });
    await put(east, endpointOf(east), 'contended', 'us-east-1 (clock ahead, earlier)');
    await sleep(300);
    await put(west, endpointOf(west), 'contended', 'eu-west-1 (later in real time)');
    await stopFault(pause.id);
    await waitFor(
      async () => {
        const [a, b] = await Promise.all([get(east, 'contended'), get(west, 'contended')]);
        return a.Item?.by?.S !== undefined && a.Item.by.S === b.Item?.by?.S;
      },
      15_000,
      'both regions to converge on "contended"',
    );
    assert.equal((await get(west, 'contended')).Item?.by?.S, 'us-east-1 (clock ahead, earlier)');
    const conflicts = JSON.parse(await cli(['conflicts', '--table', table, '--json'])) as {
      conflicts: Conflict[];
    };
    const onKey = conflicts.conflicts.filter((conflict) => conflict.key.pk?.S === 'contended');
    assert.ok(onKey.length > 0, 'the conflict is logged');
    for (const conflict of onKey) {
      assert.equal(conflict.winner.region, east);
      assert.equal(conflict.loser.region, west);
      assert.equal(conflict.loser.image?.by?.S, 'eu-west-1 (later in real time)');
    }
    assert.equal((await stopFault(skew.id)).state, 'stopped');
    // Real time again in us-east-1, 10 min behind its last version: the HLC keeps counting from that
    // version, so the next write still replaces it everywhere (a smaller version would lose).
    await put(east, endpointOf(east), 'contended', 'us-east-1 after the undo');
    await waitFor(
      async () => (await get(west, 'contended')).Item?.by?.S === 'us-east-1 after the undo',
      10_000,
      'the post-undo write to win in eu-west-1',
    );
  });

  test('pangea:health-check-flapping: the region check changes status more than once, healthy after undo', async () => {
    const checkId = `${east}-alb`;
    const check = async () =>
      JSON.parse(await cli(['health', 'show', checkId, '--json'])) as HealthCheckStatus;
    await waitFor(async () => (await check()).healthy, 20_000, `${checkId} healthy before the fault`);
    const before = (await check()).history.length;
    const record = JSON.parse(
      await cli([
        'fault',
        'inject',
        'pangea:health-check-flapping',
        '--region',
        east,
        '--period-ms',
        '3000',
        '--duration-ms',
        '30000',
        '--json',
      ]),
    ) as FaultRecord;
    assert.deepEqual(record.parameters, { region: east, periodMilliseconds: 3_000 });
    let acceleratorSawUnhealthy = false;
    await waitFor(
      async () => {
        const accelerator = (await (await fetch(`${admin}/v1/accelerator`)).json()) as {
          listeners: Array<{ groups: Array<{ region: string; healthy: boolean }> }>;
        };
        if (accelerator.listeners.some((l) => l.groups.some((g) => g.region === east && !g.healthy)))
          acceleratorSawUnhealthy = true;
        return (await check()).history.length >= before + 2;
      },
      15_000,
      `${checkId} to change status twice`,
    );
    const changes = (await check()).history.slice(before);
    assert.deepEqual(
      changes.slice(0, 2).map((change) => change.healthy),
      [false, true],
    );
    assert.ok(acceleratorSawUnhealthy, 'the accelerator endpoint group flapped too');
    assert.equal((await stopFault(record.id)).state, 'stopped');
    await waitFor(async () => (await check()).healthy, 10_000, `${checkId} healthy after the undo`);
  });
});

async function fetchText(url: string, method: string): Promise<string> {
  const response = await fetch(url, { method });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  return text;
}
