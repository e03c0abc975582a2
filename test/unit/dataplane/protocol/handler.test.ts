/** The protocol pipeline over a real socket, with a stand-in operation registry. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gunzipSync, inflateSync } from 'node:zlib';
import { DynamoError } from '../../../../src/dataplane/model.js';
import type { OperationContext, OperationHandler } from '../../../../src/dataplane/operations/types.js';
import { crc32 } from '../../../../src/dataplane/protocol/crc32.js';
import {
  type RunningHttpServer,
  startProtocolServer,
} from '../../../../src/dataplane/protocol/http-server.js';
import { silentLogger } from '../../../../src/shared/logger.js';
import { dynamoHeaders, type RawResponse, rawRequest } from '../../../support/raw-http.js';

const operations: Record<string, OperationHandler> = {
  Echo: async (_ctx, input) => ({ echoed: input }),
  Big: async () => ({ data: 'x'.repeat(10_000) }),
  Crash: async () => {
    throw new Error('secret internal detail');
  },
  Conditional: async () => {
    throw new DynamoError('ConditionalCheckFailedException', 'The conditional request failed', 400, {
      Item: { id: { S: 'a' } },
    });
  },
  Unserialisable: async () => ({ n: 1n }),
};

function assertFramed(response: RawResponse): void {
  assert.match(String(response.headers['x-amzn-requestid']), /^[0-9A-Z]{52}$/);
  assert.equal(response.headers['x-amz-crc32'], String(crc32(response.body)));
  assert.equal(Number(response.headers['content-length']), response.body.length);
}

const json = (response: RawResponse) => JSON.parse(response.body.toString('utf8')) as Record<string, unknown>;

describe('DynamoDB protocol handler', () => {
  let server: RunningHttpServer;
  const post = (operation: string, body: string, extra: Record<string, string> = {}) =>
    rawRequest(server.url, { headers: dynamoHeaders(operation, 'us-east-1', extra), body });

  before(async () => {
    server = await startProtocolServer({
      host: '127.0.0.1',
      port: 0,
      region: 'eu-west-1',
      logger: silentLogger(),
      context: {} as OperationContext,
      operations,
    });
  });
  after(() => server.close());

  test('an operation answers 200 JSON with request id and crc32', async () => {
    const response = await post('Echo', '{"a":1}');
    assert.equal(response.status, 200);
    assertFramed(response);
    assert.equal(response.headers['content-type'], 'application/x-amz-json-1.0');
    assert.deepEqual(json(response), { echoed: { a: 1 } });
  });

  test('a request scoped to another region is served anyway (no verification)', async () => {
    const response = await post('Echo', '{}');
    assert.equal(response.status, 200);
  });

  test('GET answers like DynamoDB health checks', async () => {
    const response = await rawRequest(server.url, { method: 'GET' });
    assert.equal(response.status, 200);
    assertFramed(response);
    assert.equal(response.body.toString(), 'healthy: dynamodb.eu-west-1.amazonaws.com ');
  });

  test('other methods and non-JSON content types are a 404 UnknownOperationException', async () => {
    for (const request of [
      { method: 'PUT', body: '{}', headers: dynamoHeaders('Echo') },
      { method: 'POST', body: '{}', headers: { ...dynamoHeaders('Echo'), 'Content-Type': 'text/plain' } },
    ]) {
      const response = await rawRequest(server.url, request);
      assert.equal(response.status, 404);
      assertFramed(response);
      assert.equal(response.body.toString(), '<UnknownOperationException/>\n');
    }
  });

  test('malformed JSON, a non-object body, or no body is a SerializationException', async () => {
    for (const body of ['{"a":', '[1,2]', '"text"', 'null', '']) {
      const response = await post('Echo', body);
      assert.equal(response.status, 400, body);
      assertFramed(response);
      assert.deepEqual(json(response), { __type: 'com.amazon.coral.service#SerializationException' });
    }
  });

  test('absurdly deep JSON is refused before any operation sees it', async () => {
    const response = await post('Echo', `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    assert.equal(response.status, 400);
    assert.equal(json(response).__type, 'com.amazon.coral.service#SerializationException');
  });

  test('unknown, missing or foreign targets are an UnknownOperationException', async () => {
    const targets = [
      'DynamoDB_20120810.Nope',
      'DynamoDB_20120810.constructor',
      'DynamoDB_20120810.__proto__',
      'Nope',
      'DynamoDBStreams_20120810.GetRecords',
      'DynamoDB_20111205.Echo',
    ];
    for (const target of targets) {
      const response = await post('Echo', '{}', { 'X-Amz-Target': target });
      assert.equal(response.status, 400, target);
      assert.deepEqual(json(response), { __type: 'com.amazon.coral.service#UnknownOperationException' });
    }
    const headers: Record<string, string> = dynamoHeaders('Echo');
    delete headers['X-Amz-Target'];
    const missing = await rawRequest(server.url, { headers, body: '{}' });
    assert.deepEqual(json(missing), { __type: 'com.amazon.coral.service#UnknownOperationException' });
  });

  test('an unsigned request is missing its authentication token', async () => {
    const response = await rawRequest(server.url, {
      headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'DynamoDB_20120810.Echo' },
      body: '{}',
    });
    assert.equal(response.status, 400);
    assert.deepEqual(json(response), {
      __type: 'com.amazon.coral.service#MissingAuthenticationTokenException',
      message: 'Request is missing Authentication Token',
    });
  });

  test('a DynamoError becomes its status and body, extra fields included', async () => {
    const response = await post('Conditional', '{}');
    assert.equal(response.status, 400);
    assertFramed(response);
    assert.deepEqual(json(response), {
      __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
      Item: { id: { S: 'a' } },
      message: 'The conditional request failed',
    });
  });

  test('an unexpected failure is a 500 InternalServerError without internals', async () => {
    for (const operation of ['Crash', 'Unserialisable']) {
      const response = await post(operation, '{}');
      assert.equal(response.status, 500);
      assertFramed(response);
      assert.equal(json(response).__type, 'com.amazonaws.dynamodb.v20120810#InternalServerError');
      assert.doesNotMatch(response.body.toString(), /secret internal detail|at /);
    }
  });

  test('large answers are compressed when the client accepts it, and crc32 covers the sent bytes', async () => {
    const plain = await post('Big', '{}');
    assert.equal(plain.headers['content-encoding'], undefined);
    const gzipped = await post('Big', '{}', { 'Accept-Encoding': 'gzip' });
    assert.equal(gzipped.headers['content-encoding'], 'gzip');
    assertFramed(gzipped);
    assert.ok(gzipped.body.length < 1000);
    assert.deepEqual(JSON.parse(gunzipSync(gzipped.body).toString()), json(plain));
    const deflated = await post('Big', '{}', { 'Accept-Encoding': 'deflate' });
    assert.equal(deflated.headers['content-encoding'], 'deflate');
    assertFramed(deflated);
    assert.deepEqual(JSON.parse(inflateSync(deflated.body).toString()), json(plain));
    const identity = await post('Big', '{}', { 'Accept-Encoding': 'identity' });
    assert.equal(identity.headers['content-encoding'], undefined);
    const small = await post('Echo', '{}', { 'Accept-Encoding': 'gzip' });
    assert.equal(small.headers['content-encoding'], undefined);
  });

  test('application/json requests are answered as application/json', async () => {
    const response = await post('Echo', '{}', { 'Content-Type': 'application/json; charset=utf-8' });
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-type'], 'application/json');
  });

  test('CORS preflight and simple requests', async () => {
    const preflight = await rawRequest(server.url, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://app.local',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'x-amz-target',
      },
    });
    assert.equal(preflight.status, 200);
    assert.equal(preflight.headers['access-control-allow-origin'], '*');
    assert.equal(preflight.headers['access-control-allow-headers'], 'x-amz-target');
    const simple = await post('Echo', '{}', { Origin: 'http://app.local' });
    assert.equal(simple.headers['access-control-allow-origin'], '*');
  });
});

describe('request size limit', () => {
  test('a body over the limit is a 413 and the connection closes', async () => {
    const server = await startProtocolServer({
      host: '127.0.0.1',
      port: 0,
      region: 'eu-west-1',
      logger: silentLogger(),
      context: {} as OperationContext,
      operations,
      maxBodyBytes: 1024,
    });
    try {
      const response = await rawRequest(server.url, {
        headers: dynamoHeaders('Echo'),
        body: 'x'.repeat(4096),
      });
      assert.equal(response.status, 413);
      assert.match(String(response.headers['x-amzn-requestid']), /^[0-9A-Z]{52}$/);
      const fine = await rawRequest(server.url, { headers: dynamoHeaders('Echo'), body: '{}' });
      assert.equal(fine.status, 200);
    } finally {
      await server.close();
    }
  });
});
