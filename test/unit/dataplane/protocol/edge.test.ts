/** The edge endpoint routing by credential scope, against stand-in regional servers. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { type RunningEdgeServer, startEdgeServer } from '../../../../src/dataplane/edge.js';
import type { OperationContext, OperationHandler } from '../../../../src/dataplane/operations/types.js';
import { crc32 } from '../../../../src/dataplane/protocol/crc32.js';
import {
  type RunningHttpServer,
  startProtocolServer,
} from '../../../../src/dataplane/protocol/http-server.js';
import { silentLogger } from '../../../../src/shared/logger.js';
import { dynamoHeaders, rawRequest } from '../../../support/raw-http.js';

function regionOperations(region: string): Record<string, OperationHandler> {
  return {
    ListTables: async () => ({ TableNames: [region] }),
    PutItem: async (_ctx, input) => ({ region, size: JSON.stringify(input).length }),
  };
}

async function startRegion(region: string): Promise<RunningHttpServer> {
  return startProtocolServer({
    host: '127.0.0.1',
    port: 0,
    region,
    logger: silentLogger(),
    context: {} as OperationContext,
    operations: regionOperations(region),
  });
}

describe('edge endpoint', () => {
  const regions = new Map<string, RunningHttpServer>();
  let edge: RunningEdgeServer;

  before(async () => {
    for (const name of ['us-east-1', 'eu-west-1', 'ap-south-1']) regions.set(name, await startRegion(name));
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
    await edge.close();
    for (const server of regions.values()) await server.close();
  });

  test('routes each request to the region of its credential scope', async () => {
    for (const region of ['us-east-1', 'eu-west-1']) {
      const response = await rawRequest(edge.url, {
        headers: dynamoHeaders('ListTables', region),
        body: '{}',
      });
      assert.equal(response.status, 200);
      assert.deepEqual(JSON.parse(response.body.toString()), { TableNames: [region] });
      assert.equal(response.headers['x-amz-crc32'], String(crc32(response.body)));
      assert.match(String(response.headers['x-amzn-requestid']), /^[0-9A-Z]{52}$/);
    }
  });

  test('streams large bodies through', async () => {
    const big = JSON.stringify({ TableName: 't', Item: { id: { S: 'x'.repeat(3_000_000) } } });
    const response = await rawRequest(edge.url, {
      headers: dynamoHeaders('PutItem', 'eu-west-1'),
      body: big,
    });
    assert.equal(response.status, 200);
    assert.deepEqual(JSON.parse(response.body.toString()), { region: 'eu-west-1', size: big.length });
  });

  test('the AWS SDK works through the edge, per configured region', async () => {
    for (const region of ['eu-west-1', 'ap-south-1']) {
      const client = new DynamoDBClient({
        region,
        endpoint: edge.url,
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      });
      try {
        const answer = await client.send(new ListTablesCommand({}));
        assert.deepEqual(answer.TableNames, [region]);
      } finally {
        client.destroy();
      }
    }
  });

  test('a region the world does not have is an InvalidSignatureException naming the regions', async () => {
    const response = await rawRequest(edge.url, {
      headers: dynamoHeaders('ListTables', 'xx-mars-1'),
      body: '{}',
    });
    assert.equal(response.status, 400);
    const body = JSON.parse(response.body.toString()) as { __type: string; message: string };
    assert.equal(body.__type, 'com.amazon.coral.service#InvalidSignatureException');
    assert.match(body.message, /^Credential should be scoped to a valid region, not 'xx-mars-1'\. /);
    assert.match(body.message, /us-east-1, eu-west-1, ap-south-1/);
  });

  test('requests without a credential scope get the protocol answers of a region', async () => {
    const unsigned = await rawRequest(edge.url, {
      headers: {
        'Content-Type': 'application/x-amz-json-1.0',
        'X-Amz-Target': 'DynamoDB_20120810.ListTables',
      },
      body: '{}',
    });
    assert.equal(unsigned.status, 400);
    assert.equal(
      JSON.parse(unsigned.body.toString()).__type,
      'com.amazon.coral.service#MissingAuthenticationTokenException',
    );
    const unknown = await rawRequest(edge.url, {
      headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'DynamoDB_20120810.Nope' },
      body: '{}',
    });
    assert.equal(
      JSON.parse(unknown.body.toString()).__type,
      'com.amazon.coral.service#UnknownOperationException',
    );
    const health = await rawRequest(edge.url, { method: 'GET' });
    assert.equal(health.status, 200);
    assert.match(health.body.toString(), /^healthy: /);
  });

  test('a region that is down answers 503 ServiceUnavailable', async () => {
    const server = regions.get('ap-south-1')!;
    await server.close();
    const response = await rawRequest(edge.url, {
      headers: dynamoHeaders('ListTables', 'ap-south-1'),
      body: '{}',
    });
    assert.equal(response.status, 503);
    assert.equal(response.headers['x-amz-crc32'], String(crc32(response.body)));
    assert.deepEqual(JSON.parse(response.body.toString()), {
      __type: 'com.amazonaws.dynamodb.v20120810#ServiceUnavailable',
      message: 'DynamoDB is currently unavailable. (This should be a temporary state.)',
    });
    // The other regions are unaffected.
    const alive = await rawRequest(edge.url, {
      headers: dynamoHeaders('ListTables', 'us-east-1'),
      body: '{}',
    });
    assert.equal(alive.status, 200);
  });
});
