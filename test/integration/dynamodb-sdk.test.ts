/**
 * The DynamoDB endpoint of every region through the official AWS SDK v3 (client-dynamodb and
 * lib-dynamodb) against a real world: the edge routes by the SigV4 region, regions are isolated,
 * acknowledged writes survive kill -9, data survives down/up and --fresh wipes it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  ResourceNotFoundException,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { waitFor } from '../support/cli.js';
import { startWorld, type TestWorld } from '../support/world.js';

const credentials = { accessKeyId: 'AKIDPANGEA', secretAccessKey: 'secret' };

function client(region: string, endpoint = 'http://127.0.0.1:8000'): DynamoDBClient {
  return new DynamoDBClient({ region, endpoint, credentials, maxAttempts: 1 });
}

async function createOrdersTable(ddb: DynamoDBClient, name: string): Promise<void> {
  await ddb.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [
        { AttributeName: 'customerId', AttributeType: 'S' },
        { AttributeName: 'orderId', AttributeType: 'S' },
        { AttributeName: 'status', AttributeType: 'S' },
        { AttributeName: 'total', AttributeType: 'N' },
      ],
      KeySchema: [
        { AttributeName: 'customerId', KeyType: 'HASH' },
        { AttributeName: 'orderId', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byStatus',
          KeySchema: [
            { AttributeName: 'status', KeyType: 'HASH' },
            { AttributeName: 'total', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await waitUntilTableExists({ client: ddb, maxWaitTime: 20, minDelay: 1 }, { TableName: name });
}

describe('DynamoDB endpoint through the AWS SDK', () => {
  let world: TestWorld;
  const east = client('us-east-1');
  const west = client('eu-west-1');
  const eastDocs = DynamoDBDocumentClient.from(east);

  before(async () => {
    world = await startWorld(['--fresh']);
    await createOrdersTable(east, 'Orders');
  });

  after(async () => {
    east.destroy();
    west.destroy();
    await world?.down();
  });

  test('the edge routes by the signing region: tables are per region', async () => {
    const eastTables = await east.send(new ListTablesCommand({}));
    assert.deepEqual(eastTables.TableNames, ['Orders']);
    const westTables = await west.send(new ListTablesCommand({}));
    assert.deepEqual(westTables.TableNames, []);
    await assert.rejects(
      () => west.send(new DescribeTableCommand({ TableName: 'Orders' })),
      ResourceNotFoundException,
    );
    const described = await east.send(new DescribeTableCommand({ TableName: 'Orders' }));
    assert.equal(described.Table?.TableStatus, 'ACTIVE');
    assert.match(described.Table?.TableArn ?? '', /^arn:aws:dynamodb:us-east-1:\d{12}:table\/Orders$/);
  });

  test('the direct regional endpoint serves the same data', async () => {
    const status = await world.status();
    const direct = client('us-east-1', status.regions[0]?.endpoints.dynamodb ?? '');
    const tables = await direct.send(new ListTablesCommand({}));
    direct.destroy();
    assert.deepEqual(tables.TableNames, ['Orders']);
  });

  test('document client: put, get, conditional update, query on the table and a GSI', async () => {
    await eastDocs.send(
      new PutCommand({
        TableName: 'Orders',
        Item: { customerId: 'c1', orderId: 'o1', status: 'NEW', total: 10, version: 1 },
      }),
    );
    await eastDocs.send(
      new PutCommand({
        TableName: 'Orders',
        Item: { customerId: 'c1', orderId: 'o2', status: 'NEW', total: 25.5, version: 1 },
      }),
    );
    const got = await eastDocs.send(
      new GetCommand({ TableName: 'Orders', Key: { customerId: 'c1', orderId: 'o1' } }),
    );
    assert.equal(got.Item?.total, 10);
    // The seeds' optimistic-locking pattern.
    const updated = await eastDocs.send(
      new UpdateCommand({
        TableName: 'Orders',
        Key: { customerId: 'c1', orderId: 'o1' },
        UpdateExpression: 'SET #status = :new, #ver = :next',
        ConditionExpression: '#ver = :current',
        ExpressionAttributeNames: { '#status': 'status', '#ver': 'version' },
        ExpressionAttributeValues: { ':new': 'SHIPPED', ':next': 2, ':current': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    assert.equal(updated.Attributes?.status, 'SHIPPED');
    await assert.rejects(
      () =>
        eastDocs.send(
          new UpdateCommand({
            TableName: 'Orders',
            Key: { customerId: 'c1', orderId: 'o1' },
            UpdateExpression: 'SET #status = :new',
            ConditionExpression: '#ver = :current',
            ExpressionAttributeNames: { '#status': 'status', '#ver': 'version' },
            ExpressionAttributeValues: { ':new': 'CANCELLED', ':current': 1 },
          }),
        ),
      ConditionalCheckFailedException,
    );
    const query = await eastDocs.send(
      new QueryCommand({
        TableName: 'Orders',
        KeyConditionExpression: 'customerId = :c',
        ExpressionAttributeValues: { ':c': 'c1' },
        ScanIndexForward: false,
      }),
    );
    assert.deepEqual(
      query.Items?.map((item) => item.orderId),
      ['o2', 'o1'],
    );
    const byStatus = await eastDocs.send(
      new QueryCommand({
        TableName: 'Orders',
        IndexName: 'byStatus',
        KeyConditionExpression: '#s = :s AND #t > :min',
        ExpressionAttributeNames: { '#s': 'status', '#t': 'total' },
        ExpressionAttributeValues: { ':s': 'NEW', ':min': 20 },
      }),
    );
    assert.deepEqual(
      byStatus.Items?.map((item) => item.orderId),
      ['o2'],
    );
  });

  test('batch write then paginated scan sees every item exactly once', async () => {
    const items = Array.from({ length: 60 }, (_, i) => ({
      customerId: `batch${i % 7}`,
      orderId: `b${i}`,
      status: 'NEW',
      total: i,
    }));
    for (let start = 0; start < items.length; start += 25) {
      await eastDocs.send(
        new BatchWriteCommand({
          RequestItems: { Orders: items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } })) },
        }),
      );
    }
    const seen: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await eastDocs.send(
        new ScanCommand({
          TableName: 'Orders',
          Limit: 7,
          ExclusiveStartKey: startKey,
          FilterExpression: 'begins_with(orderId, :b)',
          ExpressionAttributeValues: { ':b': 'b' },
        }),
      );
      seen.push(...(page.Items ?? []).map((item) => String(item.orderId)));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    assert.equal(seen.length, 60);
    assert.equal(new Set(seen).size, 60);
  });

  test('transactions cancel with reasons in request order', async () => {
    await assert.rejects(
      () =>
        east.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Put: { TableName: 'Orders', Item: { customerId: { S: 't' }, orderId: { S: '1' } } } },
              {
                ConditionCheck: {
                  TableName: 'Orders',
                  Key: { customerId: { S: 'c1' }, orderId: { S: 'o1' } },
                  ConditionExpression: 'attribute_not_exists(customerId)',
                },
              },
            ],
          }),
        ),
      (error: unknown) => {
        assert.ok(error instanceof TransactionCanceledException);
        assert.deepEqual(
          error.CancellationReasons?.map((reason) => reason.Code),
          ['None', 'ConditionalCheckFailed'],
        );
        return true;
      },
    );
    const untouched = await east.send(
      new GetItemCommand({ TableName: 'Orders', Key: { customerId: { S: 't' }, orderId: { S: '1' } } }),
    );
    assert.equal(untouched.Item, undefined);
  });

  test('TTL really expires items', async () => {
    await east.send(
      new CreateTableCommand({
        TableName: 'Sessions',
        AttributeDefinitions: [{ AttributeName: 'userId', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await waitUntilTableExists({ client: east, maxWaitTime: 20, minDelay: 1 }, { TableName: 'Sessions' });
    await east.send(
      new UpdateTimeToLiveCommand({
        TableName: 'Sessions',
        TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' },
      }),
    );
    const ttl = await east.send(new DescribeTimeToLiveCommand({ TableName: 'Sessions' }));
    assert.equal(ttl.TimeToLiveDescription?.AttributeName, 'expiresAt');
    const nowS = Math.floor(Date.now() / 1000);
    await eastDocs.send(
      new PutCommand({ TableName: 'Sessions', Item: { userId: 'gone', expiresAt: nowS - 10 } }),
    );
    await eastDocs.send(
      new PutCommand({ TableName: 'Sessions', Item: { userId: 'stays', expiresAt: nowS + 3600 } }),
    );
    await waitFor(
      async () =>
        !(await eastDocs.send(new GetCommand({ TableName: 'Sessions', Key: { userId: 'gone' } }))).Item,
      20_000,
      'the expired item to be deleted',
    );
    const stays = await eastDocs.send(new GetCommand({ TableName: 'Sessions', Key: { userId: 'stays' } }));
    assert.equal(stays.Item?.userId, 'stays');
  });

  test('acknowledged writes survive kill -9 of the region; the other regions keep serving meanwhile', async () => {
    const keys = Array.from({ length: 200 }, (_, i) => `durable${i}`);
    await Promise.all(
      keys.map((orderId) =>
        east.send(
          new PutItemCommand({
            TableName: 'Orders',
            Item: { customerId: { S: 'dur' }, orderId: { S: orderId } },
          }),
        ),
      ),
    );
    await world.cli(['region', 'kill', 'us-east-1']);
    await assert.rejects(() => east.send(new ListTablesCommand({})));
    assert.deepEqual((await west.send(new ListTablesCommand({}))).TableNames, []);
    await world.cli(['region', 'start', 'us-east-1']);
    const query = await eastDocs.send(
      new QueryCommand({
        TableName: 'Orders',
        KeyConditionExpression: 'customerId = :c',
        ExpressionAttributeValues: { ':c': 'dur' },
      }),
    );
    assert.equal(query.Count, 200);
  });

  test('data survives down and up; --fresh wipes it', async () => {
    const dir = world.dir;
    await world.cli(['down']);
    world = await startWorld([], dir);
    assert.deepEqual((await east.send(new ListTablesCommand({}))).TableNames, ['Orders', 'Sessions']);
    await world.cli(['down']);
    world = await startWorld(['--fresh'], dir);
    assert.deepEqual((await east.send(new ListTablesCommand({}))).TableNames, []);
  });

  test('errors arrive as the SDK expects them', async () => {
    await assert.rejects(
      () => east.send(new DeleteTableCommand({ TableName: 'Nope' })),
      ResourceNotFoundException,
    );
    await assert.rejects(
      () => east.send(new GetItemCommand({ TableName: 'Nope', Key: { id: { S: 'x' } } })),
      ResourceNotFoundException,
    );
  });
});
