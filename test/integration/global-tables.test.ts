/**
 * Global tables end to end, with real processes and real clients: one world (its own topology and
 * ports, so it runs beside worlds on the default ports), the AWS CLI for the 2019.11.21 seed sequence
 * and the Streams API, boto3 for the legacy 2017.11.29 API, the AWS SDK v3 for a seeded chaos run
 * (partitions, one-way partitions, delay, pause, kill -9 and restart under concurrent writers in
 * every region), and the `pangea` CLI for replication pause/resume, conflicts and status.
 * Issue "Global tables: real asynchronous replication between regions", done-criteria 1 to 5.
 * Replay a chaos run with PANGEA_TEST_SEED=<seed>.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  type AttributeValue,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { type Random, randomSeed, seededRandom } from '../../src/shared/random.js';
import type { WorldStatus } from '../../src/world/status.js';
import { aws, awsJson, python, seedCreateUserSessionsArgs } from '../support/aws-cli.js';
import { makeWorkDir } from '../support/cli.js';
import { ownPortsTopologyYaml, pickPortBase } from '../support/own-ports.js';
import { endWorld, startWorld, type TestWorld } from '../support/world.js';

const regions = ['us-east-1', 'eu-west-1', 'ap-south-1'] as const;
type RegionName = (typeof regions)[number];
/** Region n of the RTT table owns 127.0.n.0/24 (.1 inside, .2 its WAN face). */
const regionRow: Record<RegionName, number> = { 'us-east-1': 1, 'eu-west-1': 4, 'ap-south-1': 6 };
const credentials = { accessKeyId: 'AKIDPANGEA', secretAccessKey: 'secret' };
const seed = process.env.PANGEA_TEST_SEED ? Number(process.env.PANGEA_TEST_SEED) : randomSeed();

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `probe` returns a value other than undefined, or fails after the deadline. */
async function eventually<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined> | T | undefined,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await sleep(intervalMs);
  }
}

// ---------------------------------------------------------------------------------------------
// A world on ports of its own.

// ---------------------------------------------------------------------------------------------
// Clients.

function sdk(endpoint: string, region: string): DynamoDBClient {
  // One attempt: a retried write could commit twice or be reported failed after it committed.
  return new DynamoDBClient({ region, endpoint, credentials, maxAttempts: 1 });
}

type ItemMap = Record<string, AttributeValue>;

async function scanAll(client: DynamoDBClient, table: string): Promise<ItemMap[]> {
  const items: ItemMap[] = [];
  let start: ItemMap | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    items.push(...((page.Items ?? []) as ItemMap[]));
    start = page.LastEvaluatedKey as ItemMap | undefined;
  } while (start);
  return items;
}

/** A canonical, order-independent text of a scan, for comparisons. */
function canonical(items: ItemMap[]): string {
  const sortKeys = (value: unknown): unknown =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
        )
      : Array.isArray(value)
        ? value.map(sortKeys)
        : value;
  return JSON.stringify(items.map((item) => JSON.stringify(sortKeys(item))).sort());
}

async function waitTableActive(client: DynamoDBClient, table: string, replicaCount: number): Promise<void> {
  await eventually(`${table} ACTIVE with ${replicaCount} ACTIVE replicas`, 30_000, async () => {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
    const replicas = Table?.Replicas ?? [];
    const active =
      Table?.TableStatus === 'ACTIVE' &&
      replicas.length === replicaCount &&
      replicas.every((replica) => replica.ReplicaStatus === 'ACTIVE');
    return active ? true : undefined;
  });
}

// ---------------------------------------------------------------------------------------------

describe('global tables end to end (own ports, real CLI, AWS CLI, boto3, SDK v3)', () => {
  let world: TestWorld | undefined;
  let dir = '';
  let controllerPid = 0;
  let edge = '';
  const clients = {} as Record<RegionName, DynamoDBClient>;

  let admin = '';
  /** GET /v1/status: the `pangea status --json` document, without a process per poll. */
  const status = async (): Promise<WorldStatus> => {
    const response = await fetch(`${admin}/v1/status`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(response.status, 200);
    return (await response.json()) as WorldStatus;
  };
  const cli = (args: string[]): Promise<string> => {
    if (!world) throw new Error('no world');
    return world.cli(args);
  };
  const cliEnv = (): Record<string, string> => ({ AWS_ENDPOINT_URL: edge });

  before(async () => {
    dir = makeWorkDir('pangea-gt-');
    const base = await pickPortBase(regions);
    writeFileSync(
      join(dir, 'pangea.yaml'),
      ownPortsTopologyYaml({ name: 'global-tables-test', base, regions: regions, appInstances: 0 }),
    );
    world = await startWorld(['--fresh', '--seed', String(seed)], dir);
    const current = await world.status();
    controllerPid = current.world.pid;
    admin = current.endpoints.admin ?? '';
    assert.equal(admin, `http://127.0.0.1:${base}`);
    edge = current.endpoints.aws ?? '';
    for (const region of regions) {
      const endpoint = current.regions.find((r) => r.name === region)?.endpoints.dynamodb;
      assert.ok(endpoint, `${region} has a DynamoDB endpoint`);
      clients[region] = sdk(endpoint, region);
    }
    assert.equal(edge, `http://127.0.0.1:${base + 1}`);
  });

  after(async () => {
    for (const client of Object.values(clients)) client.destroy();
    await endWorld(world, dir, controllerPid);
  });

  test('1. AWS CLI: seed create-table + update-table --replica-updates, replicas ACTIVE, replicated read, streams in the replica region', async () => {
    const env = cliEnv();
    // The seed commands verbatim; the endpoint comes from AWS_ENDPOINT_URL.
    awsJson([...seedCreateUserSessionsArgs], env);
    const updated = awsJson<{
      TableDescription: {
        GlobalTableVersion?: string;
        Replicas?: Array<{ RegionName: string; ReplicaStatus: string }>;
      };
    }>(
      [
        'dynamodb',
        'update-table',
        '--table-name',
        'UserSessions',
        '--replica-updates',
        'Create={RegionName=eu-west-1}',
        '--region',
        'us-east-1',
      ],
      env,
    );
    assert.equal(updated.TableDescription.GlobalTableVersion, '2019.11.21');
    assert.deepEqual(
      updated.TableDescription.Replicas?.map((r) => [r.RegionName, r.ReplicaStatus]),
      [['eu-west-1', 'CREATING']],
    );

    type Described = {
      Table: {
        TableStatus: string;
        GlobalTableVersion?: string;
        Replicas?: Array<{ RegionName: string; ReplicaStatus: string }>;
      };
    };
    const describe = (region: string): Described =>
      awsJson<Described>(
        ['dynamodb', 'describe-table', '--table-name', 'UserSessions', '--region', region],
        env,
      );
    const other: Record<string, string> = { 'us-east-1': 'eu-west-1', 'eu-west-1': 'us-east-1' };
    for (const region of ['us-east-1', 'eu-west-1']) {
      const table = await eventually(`UserSessions replica ACTIVE seen from ${region}`, 30_000, () => {
        const { Table } = describe(region);
        return Table.TableStatus === 'ACTIVE' && Table.Replicas?.[0]?.ReplicaStatus === 'ACTIVE'
          ? Table
          : undefined;
      });
      assert.equal(table.GlobalTableVersion, '2019.11.21', `${region}: GlobalTableVersion`);
      assert.ok(
        table.Replicas?.some((r) => r.RegionName === other[region] && r.ReplicaStatus === 'ACTIVE'),
        `${region}: Replicas names the other region: ${JSON.stringify(table.Replicas)}`,
      );
    }

    // Write in us-east-1, read in eu-west-1.
    const put = aws(
      [
        'dynamodb',
        'put-item',
        '--table-name',
        'UserSessions',
        '--item',
        '{"userId":{"S":"u-cli"},"cart":{"L":[{"S":"book"}]}}',
        '--region',
        'us-east-1',
      ],
      env,
    );
    assert.equal(put.status, 0, put.stderr);
    const replicated = await eventually('u-cli replicated to eu-west-1', 30_000, () => {
      const got = awsJson<{ Item?: Record<string, unknown> }>(
        [
          'dynamodb',
          'get-item',
          '--table-name',
          'UserSessions',
          '--key',
          '{"userId":{"S":"u-cli"}}',
          '--region',
          'eu-west-1',
        ],
        env,
      );
      return got.Item;
    });
    assert.deepEqual(replicated, { userId: { S: 'u-cli' }, cart: { L: [{ S: 'book' }] } });

    // Streams API in the replica region: the replicated write is an INSERT there.
    const streams = awsJson<{ Streams: Array<{ StreamArn: string; TableName: string }> }>(
      ['dynamodbstreams', 'list-streams', '--table-name', 'UserSessions', '--region', 'eu-west-1'],
      env,
    );
    assert.equal(streams.Streams.length, 1);
    const streamArn = streams.Streams[0]?.StreamArn ?? '';
    assert.match(streamArn, /^arn:aws:dynamodb:eu-west-1:\d{12}:table\/UserSessions\/stream\//);
    const stream = awsJson<{
      StreamDescription: { StreamStatus: string; StreamViewType: string; Shards: Array<{ ShardId: string }> };
    }>(['dynamodbstreams', 'describe-stream', '--stream-arn', streamArn, '--region', 'eu-west-1'], env);
    assert.equal(stream.StreamDescription.StreamStatus, 'ENABLED');
    assert.equal(stream.StreamDescription.StreamViewType, 'NEW_AND_OLD_IMAGES');
    type StreamRecord = {
      eventName: string;
      awsRegion: string;
      dynamodb: { Keys: unknown; NewImage?: unknown; OldImage?: unknown };
    };
    const records: StreamRecord[] = [];
    for (const shard of stream.StreamDescription.Shards) {
      const { ShardIterator } = awsJson<{ ShardIterator: string }>(
        [
          'dynamodbstreams',
          'get-shard-iterator',
          '--stream-arn',
          streamArn,
          '--shard-id',
          shard.ShardId,
          '--shard-iterator-type',
          'TRIM_HORIZON',
          '--region',
          'eu-west-1',
        ],
        env,
      );
      const got = awsJson<{ Records: StreamRecord[] }>(
        ['dynamodbstreams', 'get-records', '--shard-iterator', ShardIterator, '--region', 'eu-west-1'],
        env,
      );
      records.push(...got.Records);
    }
    const insert = records.find(
      (record) => JSON.stringify(record.dynamodb.Keys) === JSON.stringify({ userId: { S: 'u-cli' } }),
    );
    assert.ok(insert, `a stream record for u-cli in eu-west-1: ${JSON.stringify(records)}`);
    assert.equal(insert.eventName, 'INSERT');
    assert.equal(insert.awsRegion, 'eu-west-1');
    assert.deepEqual(insert.dynamodb.NewImage, replicated);
    assert.equal(insert.dynamodb.OldImage, undefined);
  });

  test('2. boto3: legacy create_global_table (2017.11.29), describe_global_table, the seed put_item with a condition, read in the other region', () => {
    const script = `
import json, time
from datetime import datetime
import boto3
from botocore.exceptions import ClientError, ParamValidationError

name = 'EcommerceOrders'
out = {}
for region in ('us-east-1', 'ap-south-1'):
    client = boto3.client('dynamodb', region_name=region)
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{'AttributeName': 'PK', 'AttributeType': 'S'}],
        KeySchema=[{'AttributeName': 'PK', 'KeyType': 'HASH'}],
        BillingMode='PAY_PER_REQUEST',
        StreamSpecification={'StreamEnabled': True, 'StreamViewType': 'NEW_AND_OLD_IMAGES'},
    )
    client.get_waiter('table_exists').wait(TableName=name, WaiterConfig={'Delay': 1, 'MaxAttempts': 30})

ddb = boto3.client('dynamodb', region_name='us-east-1')
# The seed (../shared/seeds/001) passes ReadCapacitySettings/WriteCapacitySettings inside each
# ReplicationGroup entry and BillingMode/StreamSpecification/SSESpecification beside it; boto3 itself
# rejects that call before sending it (CreateGlobalTable takes only RegionName per replica), as
# shown here. The valid subset is what is sent.
try:
    ddb.create_global_table(
        GlobalTableName=name,
        ReplicationGroup=[{'RegionName': 'us-east-1', 'ReadCapacitySettings': {'ReadCapacityUnits': 1000}}],
        BillingMode='PAY_PER_REQUEST',
    )
    out['seedCallRejected'] = False
except ParamValidationError as error:
    out['seedCallRejected'] = True

created = ddb.create_global_table(
    GlobalTableName=name,
    ReplicationGroup=[{'RegionName': 'us-east-1'}, {'RegionName': 'ap-south-1'}],
)
out['created'] = created['GlobalTableDescription']

described = {}
for region in ('us-east-1', 'ap-south-1'):
    client = boto3.client('dynamodb', region_name=region)
    # Each member answers from its own table, which learns the group asynchronously: until then a
    # member region answers GlobalTableNotFoundException (AWS's control plane is eventually
    # consistent too), so poll with a deadline.
    deadline = time.time() + 30
    while True:
        try:
            description = client.describe_global_table(GlobalTableName=name)['GlobalTableDescription']
            if description['GlobalTableStatus'] == 'ACTIVE':
                break
        except ClientError as error:
            if error.response['Error']['Code'] != 'GlobalTableNotFoundException' or time.time() > deadline:
                raise
        if time.time() > deadline:
            break
        time.sleep(0.2)
    described[region] = description
out['described'] = described

# The seed's put_item_global, as written.
def put_item_global(item, region='us-east-1'):
    dynamodb = boto3.resource('dynamodb', region_name=region)
    table = dynamodb.Table(name)
    item['version'] = int(datetime.utcnow().timestamp() * 1000)
    item['last_updated_region'] = region
    return table.put_item(
        Item=item,
        ConditionExpression='attribute_not_exists(PK) OR version < :version',
        ExpressionAttributeValues={':version': item['version']},
    )

put_item_global({'PK': 'order#1', 'total': 42, 'status': 'PLACED'})
written = boto3.resource('dynamodb', region_name='us-east-1').Table(name).get_item(
    Key={'PK': 'order#1'}, ConsistentRead=True)['Item']

other = boto3.resource('dynamodb', region_name='ap-south-1').Table(name)
deadline = time.time() + 30
replicated = None
while replicated is None and time.time() < deadline:
    replicated = other.get_item(Key={'PK': 'order#1'}, ConsistentRead=True).get('Item')
    if replicated is None:
        time.sleep(0.1)
out['written'] = written
out['replicated'] = replicated

# The condition sees the replicated version in ap-south-1: an older version is refused there.
try:
    other.put_item(
        Item={'PK': 'order#1', 'version': int(written['version']) - 1, 'total': 1},
        ConditionExpression='attribute_not_exists(PK) OR version < :version',
        ExpressionAttributeValues={':version': int(written['version']) - 1},
    )
    out['stalePut'] = 'accepted'
except ClientError as error:
    out['stalePut'] = error.response['Error']['Code']
print(json.dumps(out, default=str))
`;
    const result = python(script, cliEnv());
    assert.equal(result.status, 0, result.stderr);
    const out = JSON.parse(result.stdout) as {
      seedCallRejected: boolean;
      created: { GlobalTableName: string; ReplicationGroup: Array<{ RegionName: string }> };
      described: Record<
        string,
        { GlobalTableStatus: string; ReplicationGroup: Array<{ RegionName: string }> }
      >;
      written: Record<string, string>;
      replicated: Record<string, string> | null;
      stalePut: string;
    };
    assert.equal(out.seedCallRejected, true, 'boto3 rejects the seed call with capacity settings');
    assert.equal(out.created.GlobalTableName, 'EcommerceOrders');
    const group = (entries: Array<{ RegionName: string }>): string[] =>
      entries.map((r) => r.RegionName).sort();
    assert.deepEqual(group(out.created.ReplicationGroup), ['ap-south-1', 'us-east-1']);
    for (const region of ['us-east-1', 'ap-south-1']) {
      const description = out.described[region];
      assert.equal(description?.GlobalTableStatus, 'ACTIVE', `${region}: describe_global_table`);
      assert.deepEqual(group(description?.ReplicationGroup ?? []), ['ap-south-1', 'us-east-1']);
    }
    assert.ok(out.replicated, 'order#1 replicated to ap-south-1');
    assert.deepEqual(out.replicated, out.written);
    assert.equal(out.replicated.last_updated_region, 'us-east-1');
    assert.equal(out.stalePut, 'ConditionalCheckFailedException');
  });

  test('4. replication pause --duration-ms / resume, conflicts (human and --json), status --json replication.pairs', async () => {
    const table = 'PauseConflicts';
    await clients['us-east-1'].send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await clients['us-east-1'].send(
      new UpdateTableCommand({
        TableName: table,
        ReplicaUpdates: [{ Create: { RegionName: 'ap-south-1' } }],
      }),
    );
    await waitTableActive(clients['us-east-1'], table, 1);
    await waitTableActive(clients['ap-south-1'], table, 1);

    // A pause until resumed: the same key written on both sides is a conflict once replication resumes.
    assert.equal(
      (await cli(['replication', 'pause', 'ap-south-1', '--duration-ms', '600000'])).trim(),
      'ap-south-1: replication paused',
    );
    const pausedRegion = await eventually('ap-south-1 paused in status', 15_000, async () => {
      const region = (await status()).replication.regions.find((r) => r.name === 'ap-south-1');
      return region?.pause === 'paused' ? region : undefined;
    });
    assert.ok(pausedRegion.pauseEndsAt, 'a pause with --duration-ms has an end');
    const human = await cli(['replication', 'status']);
    assert.match(human, /ap-south-1: replication paused until /);
    await clients['ap-south-1'].send(
      new PutItemCommand({ TableName: table, Item: { pk: { S: 'contended' }, by: { S: 'ap-south-1' } } }),
    );
    await sleep(20);
    await clients['us-east-1'].send(
      new PutItemCommand({ TableName: table, Item: { pk: { S: 'contended' }, by: { S: 'us-east-1' } } }),
    );
    for (let i = 0; i < 20; i++) {
      await clients['us-east-1'].send(
        new PutItemCommand({ TableName: table, Item: { pk: { S: `k${i}` }, n: { N: String(i) } } }),
      );
    }
    // While paused, ap-south-1 receives nothing.
    const pending = await eventually('pending us-east-1 -> ap-south-1 > 0', 10_000, async () => {
      const pair = (await status()).replication.pairs.find(
        (p) => p.source === 'us-east-1' && p.destination === 'ap-south-1',
      );
      const count = pair?.pendingReplicationCount ?? 0;
      return count > 0 ? count : undefined;
    });
    assert.ok(pending >= 1);
    const notYet = await clients['ap-south-1'].send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: 'k0' } }, ConsistentRead: true }),
    );
    assert.equal(notYet.Item, undefined, 'a paused region applies nothing');
    assert.equal(
      (await cli(['replication', 'resume', 'ap-south-1'])).trim(),
      'ap-south-1: replication running',
    );
    const finals = await eventually('both replicas converge on "contended"', 30_000, async () => {
      const [east, south] = await Promise.all(
        (['us-east-1', 'ap-south-1'] as const).map((region) =>
          clients[region].send(
            new GetItemCommand({ TableName: table, Key: { pk: { S: 'contended' } }, ConsistentRead: true }),
          ),
        ),
      );
      return east?.Item && south?.Item && east.Item.by?.S === south.Item.by?.S ? east.Item : undefined;
    });
    type Conflict = {
      region: string;
      table: string;
      key: ItemMap;
      winner: { region: string; version: string; image: ItemMap | null };
      loser: { region: string; version: string; image: ItemMap | null };
      detectedAtRegion: string;
    };
    const conflicts = await eventually('the conflict on "contended"', 30_000, async () => {
      const answer = JSON.parse(await cli(['conflicts', '--table', table, '--json'])) as {
        conflicts: Conflict[];
      };
      return answer.conflicts.length > 0 ? answer.conflicts : undefined;
    });
    for (const conflict of conflicts) {
      assert.equal(conflict.table, table);
      assert.deepEqual(conflict.key, { pk: { S: 'contended' } });
      assert.deepEqual(conflict.winner.image, finals, 'the winner is the surviving image');
      const loserBy = conflict.loser.image?.by?.S;
      assert.ok(loserBy && loserBy !== finals.by?.S, 'the loser is the other write');
      assert.equal(conflict.loser.region, loserBy);
      assert.equal(conflict.region, conflict.detectedAtRegion);
      assert.match(conflict.winner.version, /^[0-9a-f]{12}\.[0-9a-f]{8}\./);
    }
    const humanConflicts = await cli(['conflicts', '--table', table]);
    assert.match(humanConflicts, /DETECTED\s+REGION\s+TABLE\s+KEY\s+WINNER\s+LOSER/);
    assert.match(humanConflicts, new RegExp(`${table}.*"contended"`));
    const onlyEast = JSON.parse(
      await cli(['conflicts', '--region', 'us-east-1', '--table', table, '--json']),
    ) as {
      conflicts: Conflict[];
    };
    assert.ok(onlyEast.conflicts.every((c) => c.region === 'us-east-1'));
    // After traffic and the catch-up: numbers per pair, nothing pending.
    const pairs = await eventually('pairs with latency and nothing pending', 20_000, async () => {
      const { replication } = await status();
      const east = replication.pairs.find((p) => p.source === 'us-east-1' && p.destination === 'ap-south-1');
      const south = replication.pairs.find((p) => p.source === 'ap-south-1' && p.destination === 'us-east-1');
      return east?.pendingReplicationCount === 0 &&
        south?.pendingReplicationCount === 0 &&
        typeof east.replicationLatencyMs?.average === 'number' &&
        typeof south.replicationLatencyMs?.average === 'number'
        ? replication.pairs
        : undefined;
    });
    for (const pair of pairs) {
      assert.equal(typeof pair.pendingReplicationCount, 'number', `${pair.source} -> ${pair.destination}`);
    }
    const east = pairs.find((p) => p.source === 'us-east-1' && p.destination === 'ap-south-1');
    assert.ok((east?.replicationLatencyMs?.max ?? -1) >= (east?.replicationLatencyMs?.average ?? 0));
    assert.ok(
      (await status()).replication.regions.every(
        (r) => r.pause === 'running' && typeof r.conflicts === 'number',
      ),
    );
    const humanStatus = await cli(['replication', 'status']);
    assert.match(humanStatus, /us-east-1\s+ap-south-1\s+\d+/);
    // `pangea status --json` (the CLI itself) carries the same replication document.
    const cliStatus = JSON.parse(await cli(['status', '--json'])) as WorldStatus;
    assert.equal(cliStatus.replication.pairs.length, regions.length * (regions.length - 1));
    const cliPair = cliStatus.replication.pairs.find(
      (p) => p.source === 'us-east-1' && p.destination === 'ap-south-1',
    );
    assert.equal(cliPair?.pendingReplicationCount, 0);
    assert.equal(typeof cliPair?.replicationLatencyMs?.average, 'number');

    // A pause that ends by itself: a write made while it lasts arrives without a resume.
    assert.equal(
      (await cli(['replication', 'pause', 'us-east-1', '--duration-ms', '3000'])).trim(),
      'us-east-1: replication paused',
    );
    await clients['us-east-1'].send(
      new PutItemCommand({ TableName: table, Item: { pk: { S: 'after-timed-pause' } } }),
    );
    await eventually('the write made during a timed pause to arrive after it ends', 30_000, async () => {
      const got = await clients['ap-south-1'].send(
        new GetItemCommand({
          TableName: table,
          Key: { pk: { S: 'after-timed-pause' } },
          ConsistentRead: true,
        }),
      );
      return got.Item;
    });
    await eventually('us-east-1 running again', 10_000, async () =>
      (await status()).replication.regions.find((r) => r.name === 'us-east-1')?.pause === 'running'
        ? true
        : undefined,
    );
  });

  test('5. kill -9 right after acknowledged writes: after region start the region sends them', async () => {
    const table = 'KillResume';
    await clients['us-east-1'].send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    for (const region of ['eu-west-1', 'ap-south-1']) {
      await clients['us-east-1'].send(
        new UpdateTableCommand({ TableName: table, ReplicaUpdates: [{ Create: { RegionName: region } }] }),
      );
      await waitTableActive(clients['us-east-1'], table, region === 'eu-west-1' ? 1 : 2);
    }
    for (const region of regions) await waitTableActive(clients[region], table, 2);

    const put = (region: RegionName, pk: string): Promise<unknown> =>
      clients[region].send(
        new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, from: { S: region } } }),
      );
    const get = async (region: RegionName, pk: string): Promise<ItemMap | undefined> =>
      (
        await clients[region].send(
          new GetItemCommand({ TableName: table, Key: { pk: { S: pk } }, ConsistentRead: true }),
        )
      ).Item as ItemMap | undefined;

    // (a) Paused, so nothing has left the region when it dies: the writes exist only in its log.
    await cli(['replication', 'pause', 'eu-west-1']);
    await eventually('eu-west-1 paused', 10_000, async () =>
      (await status()).replication.regions.find((r) => r.name === 'eu-west-1')?.pause === 'paused'
        ? true
        : undefined,
    );
    const held = Array.from({ length: 10 }, (_, i) => `held-${i}`);
    for (const pk of held) await put('eu-west-1', pk);
    await cli(['region', 'kill', 'eu-west-1']);
    for (const region of ['us-east-1', 'ap-south-1'] as const) {
      for (const pk of held)
        assert.equal(await get(region, pk), undefined, `${pk} has not reached ${region} yet`);
    }
    // (b) No pause: a burst, kill -9 the moment the last write is acknowledged.
    await cli(['region', 'start', 'eu-west-1']);
    const burst = Array.from({ length: 30 }, (_, i) => `burst-${i}`);
    await Promise.all(burst.map((pk) => put('eu-west-1', pk)));
    await cli(['region', 'kill', 'eu-west-1']);
    const killed = (await status()).regions.find((r) => r.name === 'eu-west-1');
    assert.equal(killed?.state, 'crashed');
    await cli(['region', 'start', 'eu-west-1']);

    for (const region of ['us-east-1', 'ap-south-1'] as const) {
      for (const pk of [...held, ...burst]) {
        const item = await eventually(`${pk} in ${region} after eu-west-1 restarted`, 30_000, () =>
          get(region, pk),
        );
        assert.deepEqual(item, { pk: { S: pk }, from: { S: 'eu-west-1' } });
      }
    }
    for (const pk of [...held, ...burst])
      assert.ok(await get('eu-west-1', pk), `${pk} survived in eu-west-1`);
    // The restart ended the pause (it is in memory).
    await eventually('eu-west-1 replication running', 10_000, async () =>
      (await status()).replication.regions.find((r) => r.name === 'eu-west-1')?.pause === 'running'
        ? true
        : undefined,
    );
  });

  test(`3. seeded chaos: writers in every region under partitions, delay, pause, kill -9; replicas converge (seed ${seed})`, async () => {
    await chaos({ seed, clients, cli, status });
  });
});

// ---------------------------------------------------------------------------------------------
// Chaos.

interface WriteRecord {
  region: RegionName;
  key: string;
  op: 'put' | 'update' | 'delete';
  /** Unique per write (null for deletes). */
  value: string | null;
  startMs: number;
  endMs: number;
  /** acked: the region answered 200; refused: nothing was sent (connection refused); uncertain: anything else. */
  outcome: 'acked' | 'refused' | 'uncertain';
  error?: string;
}

interface ChaosContext {
  seed: number;
  clients: Record<RegionName, DynamoDBClient>;
  cli: (args: string[]) => Promise<string>;
  status: () => Promise<WorldStatus>;
}

function shuffle<T>(random: Random, values: readonly T[]): T[] {
  const result = [...values];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [result[i], result[j]] = [result[j] as T, result[i] as T];
  }
  return result;
}

function isRefused(error: unknown): boolean {
  const text = `${(error as { code?: string }).code ?? ''} ${(error as Error).message ?? ''} ${String(
    (error as { cause?: unknown }).cause ?? '',
  )}`;
  return /ECONNREFUSED/.test(text);
}

async function chaos({ seed, clients, cli, status }: ChaosContext): Promise<void> {
  const table = 'Chaos';
  const fail = (message: string): never =>
    assert.fail(`[seed ${seed}; replay with PANGEA_TEST_SEED=${seed}] ${message}`);
  const random = seededRandom(seed);
  const log: string[] = [];
  const t0 = Date.now();
  const note = (what: string): void => {
    log.push(`${Date.now() - t0} ms: ${what}`);
  };

  await clients['us-east-1'].send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  for (const region of ['eu-west-1', 'ap-south-1']) {
    await clients['us-east-1'].send(
      new UpdateTableCommand({ TableName: table, ReplicaUpdates: [{ Create: { RegionName: region } }] }),
    );
    await waitTableActive(clients['us-east-1'], table, region === 'eu-west-1' ? 1 : 2);
  }
  for (const region of regions) await waitTableActive(clients[region], table, 2);

  const keys = Array.from({ length: 8 }, (_, i) => `key-${i}`);
  const writes: WriteRecord[] = [];
  let writing = true;
  const writer = async (region: RegionName): Promise<void> => {
    // Each writer has its own stream of draws so the order the three interleave in does not matter.
    const draws = seededRandom((seed ^ (regionRow[region] * 0x9e3779b1)) >>> 0);
    const client = clients[region];
    let n = 0;
    while (writing) {
      const key = keys[Math.floor(draws.next() * keys.length)] ?? 'key-0';
      const roll = draws.next();
      const op: WriteRecord['op'] = roll < 0.5 ? 'put' : roll < 0.8 ? 'update' : 'delete';
      const value = op === 'delete' ? null : `${region}#${n++}`;
      const startMs = Date.now();
      let outcome: WriteRecord['outcome'] = 'acked';
      let error: string | undefined;
      try {
        if (op === 'put') {
          await client.send(
            new PutItemCommand({
              TableName: table,
              Item: { pk: { S: key }, val: { S: value ?? '' }, op: { S: op } },
            }),
          );
        } else if (op === 'update') {
          await client.send(
            new UpdateItemCommand({
              TableName: table,
              Key: { pk: { S: key } },
              UpdateExpression: 'SET val = :v, op = :op ADD hits :one',
              ExpressionAttributeValues: { ':v': { S: value ?? '' }, ':op': { S: op }, ':one': { N: '1' } },
            }),
          );
        } else {
          await client.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: key } } }));
        }
      } catch (caught) {
        outcome = isRefused(caught) ? 'refused' : 'uncertain';
        error = (caught as Error).message;
      }
      writes.push({ region, key, op, value, startMs, endMs: Date.now(), outcome, error });
      // Writes slow down after the first 100 so that a slow machine (slow CLI steps) still sees
      // writes during every step while the conflict logs (1000 answered per region) stay complete.
      const pauseMs = n < 100 ? 40 + draws.next() * 80 : 200 + draws.next() * 300;
      await sleep(outcome === 'refused' ? 100 : Math.floor(pauseMs));
    }
  };

  // The schedule: which regions play which part is drawn from the seed.
  const [a, b, c] = shuffle(random, regions) as [RegionName, RegionName, RegionName];
  const step = async (ms: number, what: string, args: string[]): Promise<void> => {
    await sleep(ms + Math.floor(random.next() * 300));
    note(`pangea ${args.join(' ')} (${what})`);
    await cli(args);
  };
  note('table ready');
  const links = JSON.parse(await cli(['link', 'list', '--json'])) as {
    links: Array<{ from: string; to: string; latencyMs: number; configuredLatencyMs: number }>;
  };
  const configured = links.links.find((l) => l.from === c && l.to === a)?.configuredLatencyMs ?? 50;

  const writers = regions.map((region) => writer(region));
  try {
    await step(800, 'partition', ['link', 'partition', a, b]);
    await step(600, 'one-way partition', ['link', 'partition', b, c, '--one-way']);
    await step(400, 'delay', [
      'link',
      'set',
      c,
      a,
      '--latency-ms',
      '250',
      '--jitter-ms',
      '40',
      '--both-ways',
    ]);
    await step(500, 'pause', ['replication', 'pause', c]);
    await step(700, 'kill -9 during replication', ['region', 'kill', b]);
    await step(1200, 'restart', ['region', 'start', b]);
    await step(600, 'heal a-b', ['link', 'heal', a, b]);
    await step(600, 'resume', ['replication', 'resume', c]);
    await step(800, 'kill -9 again', ['region', 'kill', a]);
    await step(500, 'restart', ['region', 'start', a]);
    await step(600, 'restore delay', [
      'link',
      'set',
      c,
      a,
      '--latency-ms',
      String(configured),
      '--jitter-ms',
      '0',
      '--both-ways',
    ]);
    await sleep(800);
  } finally {
    writing = false;
    await Promise.all(writers);
    await cli(['link', 'heal']);
    const { regions: states } = await status();
    await Promise.all(
      regions.map(async (region) => {
        if (states.find((r) => r.name === region)?.state !== 'running')
          await cli(['region', 'start', region]);
        await cli(['replication', 'resume', region]);
      }),
    );
    note('healed, resumed, writers stopped');
  }

  const acked = writes.filter((w) => w.outcome === 'acked');
  const context = (): string =>
    `schedule (a=${a} b=${b} c=${c}):\n  ${log.join('\n  ')}\nwrites: ${writes.length}, acked ${acked.length}, refused ${
      writes.filter((w) => w.outcome === 'refused').length
    }, uncertain ${writes.filter((w) => w.outcome === 'uncertain').length}`;
  if (acked.length < 30) fail(`too few acknowledged writes to prove anything\n${context()}`);
  for (const region of regions) {
    if (!acked.some((w) => w.region === region)) fail(`no acknowledged write in ${region}\n${context()}`);
  }

  // Quiescence: nothing pending on any pair, and scans that agree and stop changing.
  let previous = '';
  const finalScans = await eventually<Record<RegionName, ItemMap[]>>(
    'quiescence (PendingReplicationCount 0 everywhere, identical scans twice in a row)',
    90_000,
    async () => {
      const { replication, regions: states } = await status();
      if (!states.every((r) => r.state === 'running' && r.ready)) return undefined;
      if (!replication.pairs.every((p) => p.pendingReplicationCount === 0)) return undefined;
      const scans = {} as Record<RegionName, ItemMap[]>;
      for (const region of regions) scans[region] = await scanAll(clients[region], table);
      const texts = regions.map((region) => canonical(scans[region]));
      const stable = texts.every((text) => text === texts[0]) && texts[0] === previous;
      previous = texts[0] ?? '';
      return stable ? scans : undefined;
    },
    500,
  ).catch(async (error: Error) => {
    const scans = await Promise.all(
      regions.map(async (r) => `${r}: ${canonical(await scanAll(clients[r], table))}`),
    );
    const pairs = JSON.stringify((await status()).replication.pairs);
    return fail(`${error.message}\n${context()}\npairs: ${pairs}\n${scans.join('\n')}`);
  });
  note('quiescent');

  // Full scans of all replicas are identical.
  const reference = canonical(finalScans['us-east-1']);
  for (const region of regions) {
    if (canonical(finalScans[region]) !== reference) {
      fail(`${region} differs from us-east-1 after quiescence\n${context()}`);
    }
  }

  // Conflicts recorded by every region (LWW losers).
  type Conflict = { key: ItemMap; loser: { region: string; image: ItemMap | null } };
  const conflicts: Conflict[] = [];
  for (const region of regions) {
    const answer = JSON.parse(
      await cli(['conflicts', '--table', table, '--region', region, '--limit', '1000', '--json']),
    ) as { conflicts: Conflict[] };
    if (answer.conflicts.length >= 1000)
      fail(`conflict log of ${region} is full; lower the write rate\n${context()}`);
    conflicts.push(...answer.conflicts);
  }
  const loserValues = new Set(conflicts.map((c) => c.loser.image?.val?.S).filter((v) => v !== undefined));
  const deleteLosers = new Set(
    conflicts.filter((c) => c.loser.image === null).map((c) => `${c.key.pk?.S}|${c.loser.region}`),
  );

  const finalByKey = new Map(finalScans['us-east-1'].map((item) => [item.pk?.S ?? '', item]));
  const problems: string[] = [];
  const describeWrite = (w: WriteRecord): string =>
    `${w.op} ${w.key}=${w.value ?? '(delete)'} in ${w.region} [${w.startMs - t0}..${w.endMs - t0} ms, ${w.outcome}]`;
  for (const key of keys) {
    const forKey = writes.filter((w) => w.key === key && w.outcome !== 'refused');
    const item = finalByKey.get(key);
    if (item) {
      // The final value is one of the values written to this key (acknowledged, or in doubt).
      const value = item.val?.S;
      const source = forKey.find((w) => w.value === value);
      if (!source) {
        problems.push(`${key}: final value ${value} was never written (or only by refused writes)`);
        continue;
      }
      // No later write of the same region (which had seen it) may have lost to it: no resurrection
      // after an acknowledged delete, no lost acknowledged update.
      const later = forKey.find(
        (w) => w.outcome === 'acked' && w.region === source.region && w.startMs > source.endMs,
      );
      if (source.outcome === 'acked' && later) {
        problems.push(
          `${key}: final ${describeWrite(source)} but ${describeWrite(later)} came after it in the same region`,
        );
      }
    } else if (forKey.some((w) => w.op !== 'delete') && !forKey.some((w) => w.op === 'delete')) {
      problems.push(`${key}: absent at the end, but no delete of it was ever attempted`);
    }
    // Every acknowledged write is the final value, an LWW loser, or overwritten by a later write.
    for (const w of forKey.filter((x) => x.outcome === 'acked')) {
      const isFinal = w.value !== null ? item?.val?.S === w.value : item === undefined;
      if (isFinal) continue;
      const isLoser = w.value !== null ? loserValues.has(w.value) : deleteLosers.has(`${key}|${w.region}`);
      if (isLoser) continue;
      const overwritten = forKey.some((x) => x !== w && x.outcome !== 'refused' && x.startMs > w.endMs);
      if (overwritten) continue;
      problems.push(`${key}: ${describeWrite(w)} is neither final, nor an LWW loser, nor overwritten later`);
    }
  }
  if (problems.length > 0) {
    const history = keys
      .map(
        (key) =>
          `${key}: ${writes
            .filter((w) => w.key === key)
            .map(describeWrite)
            .join('; ')}`,
      )
      .join('\n');
    fail(`${problems.join('\n')}\n${context()}\nfinal: ${reference}\nhistory:\n${history}`);
  }
  // Enough chaos happened to matter: some writes failed while a region was down.
  if (!writes.some((w) => w.outcome === 'refused'))
    fail(`no write was refused by a killed region\n${context()}`);
  process.stdout.write(
    `# chaos seed ${seed}: ${writes.length} writes (${acked.length} acknowledged), ${conflicts.length} conflict records, ${finalScans['us-east-1'].length} items at the end\n`,
  );
}
