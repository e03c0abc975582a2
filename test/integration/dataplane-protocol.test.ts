/**
 * A regional DynamoDB endpoint in its own process, checked at the wire (raw HTTP) and with the
 * AWS SDK; then signature verification, and the edge in front of real regional processes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type RunningEdgeServer, startEdgeServer } from '../../src/dataplane/edge.js';
import { crc32 } from '../../src/dataplane/protocol/crc32.js';
import { silentLogger } from '../../src/shared/logger.js';
import { type ServerProcess, spawnDynamoDbServer } from '../support/dynamodb-server.js';
import { dynamoHeaders, type RawResponse, rawRequest } from '../support/raw-http.js';

const credentials = { accessKeyId: 'AKIDPANGEA', secretAccessKey: 'pangea-secret' };

function client(endpoint: string, region: string, keys = credentials): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region, credentials: keys, maxAttempts: 1 });
}

function assertFramed(response: RawResponse): void {
  assert.match(String(response.headers['x-amzn-requestid']), /^[0-9A-Z]{52}$/);
  assert.equal(response.headers['x-amz-crc32'], String(crc32(response.body)));
}

const json = (response: RawResponse) => JSON.parse(response.body.toString('utf8')) as Record<string, unknown>;

describe('regional DynamoDB endpoint (child process)', () => {
  let server: ServerProcess;
  let sdk: DynamoDBClient;

  before(async () => {
    server = await spawnDynamoDbServer({ region: 'eu-west-1' });
    sdk = client(server.url, 'eu-west-1');
  });

  after(async () => {
    sdk?.destroy();
    await server?.stop();
  });

  test('health check', async () => {
    const response = await rawRequest(server.url, { method: 'GET' });
    assert.equal(response.status, 200);
    assertFramed(response);
    assert.equal(response.body.toString(), 'healthy: dynamodb.eu-west-1.amazonaws.com ');
  });

  test('protocol errors have AWS shapes', async () => {
    const cases: Array<[Record<string, string>, string, number, Record<string, unknown> | string]> = [
      [
        dynamoHeaders('ListTables'),
        '{"Limit":',
        400,
        { __type: 'com.amazon.coral.service#SerializationException' },
      ],
      [
        dynamoHeaders('NoSuchOperation'),
        '{}',
        400,
        { __type: 'com.amazon.coral.service#UnknownOperationException' },
      ],
      [
        { 'Content-Type': 'application/x-amz-json-1.0' },
        '{}',
        400,
        { __type: 'com.amazon.coral.service#UnknownOperationException' },
      ],
      [
        { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'DynamoDB_20120810.ListTables' },
        '{}',
        400,
        {
          __type: 'com.amazon.coral.service#MissingAuthenticationTokenException',
          message: 'Request is missing Authentication Token',
        },
      ],
      [
        { ...dynamoHeaders('ListTables'), 'Content-Type': 'text/xml' },
        '{}',
        404,
        '<UnknownOperationException/>\n',
      ],
      [
        { ...dynamoHeaders('ListTables'), 'X-Amz-Target': 'DynamoDBStreams_20120810.PutItem' },
        '{}',
        400,
        { __type: 'com.amazon.coral.service#UnknownOperationException' },
      ],
    ];
    for (const [headers, body, status, expected] of cases) {
      const response = await rawRequest(server.url, { headers, body });
      assert.equal(response.status, status, JSON.stringify(headers));
      assertFramed(response);
      if (typeof expected === 'string') assert.equal(response.body.toString(), expected);
      else assert.deepEqual(json(response), expected);
    }
  });

  test('CreateTable, PutItem and GetItem through the AWS SDK', async () => {
    await sdk.send(
      new CreateTableCommand({
        TableName: 'games',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await sdk.send(
      new PutItemCommand({ TableName: 'games', Item: { id: { S: 'g-1' }, score: { N: '42' } } }),
    );
    const got = await sdk.send(new GetItemCommand({ TableName: 'games', Key: { id: { S: 'g-1' } } }));
    assert.deepEqual(got.Item, { id: { S: 'g-1' }, score: { N: '42' } });
    const tables = await sdk.send(new ListTablesCommand({}));
    assert.ok(tables.TableNames?.includes('games'));
  });

  test('a success response has a matching crc32, and large ones are gzipped on request', async () => {
    await sdk.send(
      new PutItemCommand({ TableName: 'games', Item: { id: { S: 'big' }, blob: { S: 'y'.repeat(20_000) } } }),
    );
    const body = JSON.stringify({ TableName: 'games', Key: { id: { S: 'big' } } });
    const plain = await rawRequest(server.url, { headers: dynamoHeaders('GetItem', 'eu-west-1'), body });
    assert.equal(plain.status, 200);
    assertFramed(plain);
    assert.equal(plain.headers['content-encoding'], undefined);
    const gzipped = await rawRequest(server.url, {
      headers: dynamoHeaders('GetItem', 'eu-west-1', { 'Accept-Encoding': 'gzip' }),
      body,
    });
    assert.equal(gzipped.status, 200);
    assert.equal(gzipped.headers['content-encoding'], 'gzip');
    assertFramed(gzipped);
    assert.deepEqual(JSON.parse(gunzipSync(gzipped.body).toString()), json(plain));
  });

  test('a service error keeps its DynamoDB namespace', async () => {
    const response = await rawRequest(server.url, {
      headers: dynamoHeaders('GetItem', 'eu-west-1'),
      body: JSON.stringify({ TableName: 'missing', Key: { id: { S: 'x' } } }),
    });
    assert.equal(response.status, 400);
    assertFramed(response);
    assert.equal(json(response).__type, 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException');
  });

  test('a request scoped to another region is served by this region', async () => {
    const other = client(server.url, 'us-east-1');
    try {
      const tables = await other.send(new ListTablesCommand({}));
      assert.ok(tables.TableNames?.includes('games'));
    } finally {
      other.destroy();
    }
  });

  test('the process logged no internal errors', () => {
    assert.equal(server.stderr(), '');
    assert.ok(server.alive());
  });
});

describe('signature verification (child process)', () => {
  let server: ServerProcess;

  before(async () => {
    server = await spawnDynamoDbServer({
      region: 'eu-west-1',
      verifySignatures: true,
      credentials: { [credentials.accessKeyId]: credentials.secretAccessKey },
    });
  });

  after(() => server?.stop());

  async function failure(
    keys: typeof credentials,
    region = 'eu-west-1',
  ): Promise<{ name: string; message: string }> {
    const sdk = client(server.url, region, keys);
    try {
      await sdk.send(new ListTablesCommand({}));
      return { name: 'none', message: '' };
    } catch (error) {
      return error as { name: string; message: string };
    } finally {
      sdk.destroy();
    }
  }

  test('a correctly signed request is served', async () => {
    const sdk = client(server.url, 'eu-west-1');
    try {
      const tables = await sdk.send(new ListTablesCommand({}));
      assert.deepEqual(tables.TableNames, []);
    } finally {
      sdk.destroy();
    }
  });

  test('an unknown access key is an UnrecognizedClientException', async () => {
    const error = await failure({ accessKeyId: 'AKIDNOBODY', secretAccessKey: 'x' });
    assert.equal(error.name, 'UnrecognizedClientException');
    assert.equal(error.message, 'The security token included in the request is invalid.');
  });

  test('a wrong secret is an InvalidSignatureException', async () => {
    const error = await failure({ accessKeyId: credentials.accessKeyId, secretAccessKey: 'wrong' });
    assert.equal(error.name, 'InvalidSignatureException');
    assert.match(error.message, /^The request signature we calculated does not match/);
  });

  test('a credential scoped to another region is refused', async () => {
    const error = await failure(credentials, 'us-east-1');
    assert.equal(error.name, 'InvalidSignatureException');
    assert.match(error.message, /^Credential should be scoped to a valid region, not 'us-east-1'\./);
  });
});

describe('edge in front of regional processes', () => {
  const regions = new Map<string, ServerProcess>();
  let edge: RunningEdgeServer;

  before(async () => {
    for (const region of ['us-east-1', 'eu-west-1'])
      regions.set(region, await spawnDynamoDbServer({ region }));
    edge = await startEdgeServer({
      host: '127.0.0.1',
      port: 0,
      logger: silentLogger(),
      resolveRegion: (name) => {
        const server = regions.get(name);
        if (!server) return undefined;
        const url = new URL(server.url);
        return { host: url.hostname, port: Number(url.port) };
      },
      listRegions: () => [...regions.keys()],
    });
  });

  after(async () => {
    await edge?.close();
    for (const server of regions.values()) await server.stop();
  });

  test('each SDK region reaches its own region', async () => {
    const eu = client(edge.url, 'eu-west-1');
    const us = client(edge.url, 'us-east-1');
    try {
      await eu.send(
        new CreateTableCommand({
          TableName: 'only-in-eu',
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      assert.ok((await eu.send(new ListTablesCommand({}))).TableNames?.includes('only-in-eu'));
      assert.ok(!(await us.send(new ListTablesCommand({}))).TableNames?.includes('only-in-eu'));
    } finally {
      eu.destroy();
      us.destroy();
    }
  });

  test('a killed region answers 503 through the edge', async () => {
    const eu = regions.get('eu-west-1')!;
    eu.child.kill('SIGKILL');
    await eu.stop();
    const response = await rawRequest(edge.url, {
      headers: dynamoHeaders('ListTables', 'eu-west-1'),
      body: '{}',
    });
    assert.equal(response.status, 503);
    assertFramed(response);
    assert.equal(json(response).__type, 'com.amazonaws.dynamodb.v20120810#ServiceUnavailable');
  });
});
