/**
 * The regional endpoint answers DynamoDBStreams_20120810 targets with the Streams operations
 * (the SDK's and CLI's dynamodbstreams clients send those to the same endpoint).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import { startDynamoDbServer } from '../../../../../src/dataplane/server.js';

/** A SigV4 header of the right form: the server parses it but checks no signature by default. */
function authorization(): Record<string, string> {
  const date = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const scope = `AKIDEXAMPLE/${date.slice(0, 8)}/eu-west-1/dynamodb/aws4_request`;
  return {
    'x-amz-date': date,
    authorization: `AWS4-HMAC-SHA256 Credential=${scope}, SignedHeaders=host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`,
  };
}

async function post(url: string, target: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target, ...authorization() },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

test('ListStreams and DescribeStream over HTTP', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'pangea-streams-http-'));
  const server = await startDynamoDbServer({
    host: '127.0.0.1',
    port: 0,
    region: 'eu-west-1',
    dataDir,
    logger: pino({ level: 'silent' }),
  });
  try {
    const created = await post(server.url, 'DynamoDB_20120810.CreateTable', {
      TableName: 'Orders',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
    });
    assert.equal(created.status, 200);
    const streamArn = (created.json as { TableDescription: { LatestStreamArn: string } }).TableDescription
      .LatestStreamArn;
    const listed = await post(server.url, 'DynamoDBStreams_20120810.ListStreams', {});
    assert.equal(listed.status, 200);
    assert.deepEqual(
      (listed.json as { Streams: Array<{ StreamArn: string }> }).Streams.map((stream) => stream.StreamArn),
      [streamArn],
    );
    const missing = await post(server.url, 'DynamoDBStreams_20120810.DescribeStream', {
      StreamArn: streamArn.replace(/stream\/.*/, 'stream/2020-01-01T00:00:00.000'),
    });
    assert.equal(missing.status, 400);
    assert.equal(
      (missing.json as { __type: string }).__type,
      'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException',
    );
  } finally {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
