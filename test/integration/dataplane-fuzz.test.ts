/**
 * Fuzzing a regional endpoint in its own process: thousands of random and mutated requests
 * (every operation's valid shape mutated, random JSON, deep nesting, huge strings, wrong types,
 * bad headers). Every answer must be a well-formed DynamoDB answer below 500, no connection may be
 * reset, and the process must survive. The seed is printed on failure; rerun one with
 * PANGEA_FUZZ_SEED=<seed>. PANGEA_FUZZ_REQUESTS changes the count (default 3000).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { gunzipSync, inflateSync } from 'node:zlib';
import { crc32 } from '../../src/dataplane/protocol/crc32.js';
import { dynamoDbOperationNames } from '../../src/dataplane/protocol/operation-names.js';
import { type ServerProcess, spawnDynamoDbServer } from '../support/dynamodb-server.js';
import { dynamoHeaders, type RawResponse, rawRequest } from '../support/raw-http.js';

/** mulberry32: small, fast, and reproducible from one 32-bit seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

class Gen {
  constructor(readonly next: () => number) {}
  int(max: number): number {
    return Math.floor(this.next() * max);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  string(maxLength = 12): string {
    const alphabet = [
      'a',
      'Z',
      '0',
      ' ',
      '#',
      ':',
      '.',
      '"',
      '\\',
      '\u00e9',
      '\u4e2d',
      '\ud83d\ude00',
      '\u0000',
      '$',
      '[',
      ']',
    ];
    let text = '';
    const length = this.int(maxLength + 1);
    for (let i = 0; i < length; i++) text += this.pick(alphabet);
    return text;
  }
  /** Printable ASCII only: what an HTTP client will put in a header. */
  headerString(maxLength = 20): string {
    let text = '';
    const length = this.int(maxLength + 1);
    for (let i = 0; i < length; i++) text += String.fromCharCode(0x21 + this.int(0x5e));
    return text;
  }
  scalar(): Json {
    return this.pick<() => Json>([
      () => null,
      () => this.chance(0.5),
      () => this.int(1000) - 500,
      () => this.pick([0, -0, 1e308, -1e-308, 2 ** 53 + 1, 0.1]),
      () => this.string(),
      () =>
        this.pick([
          '',
          'S',
          'N',
          'NaN',
          '1e400',
          '-0',
          '00012',
          'HASH',
          'RANGE',
          'ALL_NEW',
          'PAY_PER_REQUEST',
          'games',
        ]),
    ])();
  }
  attributeValue(depth = 0): Json {
    const kinds: Array<() => Json> = [
      () => ({ S: this.string() }),
      () => ({
        N: this.pick([
          '1',
          '-1.5',
          '1e125',
          '1e-131',
          'abc',
          '',
          ' 1',
          '0x10',
          '99999999999999999999999999999999999999999',
        ]),
      }),
      () => ({ B: this.pick(['AAEC', '', '!!notbase64', 'YQ==']) }),
      () => ({ BOOL: this.chance(0.5) }),
      () => ({ NULL: this.pick<Json>([true, false, 'true']) }),
      () => ({ SS: [this.string(), this.string()] }),
      () => ({ NS: ['1', this.pick(['1', '2', 'x'])] }),
      () => ({ BS: ['AA==', 'AQ=='] }),
      () => ({ SS: [] }),
      () => ({ S: 'a', N: '1' }),
      () => ({}),
      () => this.scalar(),
    ];
    if (depth < 4) {
      kinds.push(() => ({ L: [this.attributeValue(depth + 1), this.attributeValue(depth + 1)] }));
      kinds.push(() => ({ M: { [this.string(4)]: this.attributeValue(depth + 1) } }));
    }
    return this.pick(kinds)();
  }
  json(depth = 0): Json {
    if (depth > 4 || this.chance(0.4)) return this.scalar();
    if (this.chance(0.5)) return Array.from({ length: this.int(4) }, () => this.json(depth + 1));
    const object: Record<string, Json> = {};
    for (let i = this.int(4); i > 0; i--)
      object[this.pick(['TableName', 'Key', 'Item', this.string(6)])] = this.json(depth + 1);
    return object;
  }
}

/** A valid-looking request for each operation the fuzzer knows well; others start from `{}`. */
function template(operation: string, g: Gen): Record<string, Json> {
  const key = { id: { S: g.pick(['g-1', 'g-2', 'x']) } };
  const item = {
    ...key,
    score: { N: String(g.int(100)) },
    tags: { SS: ['a', 'b'] },
    doc: { M: { n: { L: [{ N: '1' }] } } },
  };
  const names = { '#s': 'score' };
  const values = { ':v': { N: '5' } };
  const templates: Record<string, () => Record<string, Json>> = {
    GetItem: () => ({
      TableName: 'fuzz',
      Key: key,
      ProjectionExpression: '#s, id',
      ExpressionAttributeNames: names,
      ConsistentRead: true,
    }),
    PutItem: () => ({
      TableName: 'fuzz',
      Item: item,
      ConditionExpression: 'attribute_not_exists(id)',
      ReturnValues: 'ALL_OLD',
    }),
    UpdateItem: () => ({
      TableName: 'fuzz',
      Key: key,
      UpdateExpression: g.pick([
        'SET #s = #s + :v',
        'ADD #s :v',
        'REMOVE #s',
        'SET #s = if_not_exists(#s, :v)',
        'SET a[3].b = :v',
      ]),
      ConditionExpression: g.pick([
        '#s < :v',
        'attribute_exists(id)',
        'size(#s) > :v',
        'begins_with(id, :v)',
      ]),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ReturnValues: 'UPDATED_NEW',
    }),
    DeleteItem: () => ({ TableName: 'fuzz', Key: key, ReturnValues: 'ALL_OLD' }),
    Query: () => ({
      TableName: 'fuzz',
      KeyConditionExpression: 'id = :v',
      FilterExpression: '#s > :v',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ':v': { S: 'g-1' } },
      Limit: 5,
      ScanIndexForward: false,
    }),
    Scan: () => ({ TableName: 'fuzz', Limit: 10, Segment: 0, TotalSegments: 2, Select: 'ALL_ATTRIBUTES' }),
    BatchGetItem: () => ({ RequestItems: { fuzz: { Keys: [key, { id: { S: 'zz' } }] } } }),
    BatchWriteItem: () => ({
      RequestItems: {
        fuzz: [{ PutRequest: { Item: item } }, { DeleteRequest: { Key: { id: { S: 'zz' } } } }] as Json[],
      },
    }),
    TransactGetItems: () => ({ TransactItems: [{ Get: { TableName: 'fuzz', Key: key } }] }),
    TransactWriteItems: () => ({
      TransactItems: [
        { Put: { TableName: 'fuzz', Item: item } },
        {
          ConditionCheck: {
            TableName: 'fuzz',
            Key: { id: { S: 'other' } },
            ConditionExpression: 'attribute_exists(id)',
          },
        },
      ] as Json[],
      ClientRequestToken: g.string(10),
    }),
    CreateTable: () => ({
      TableName: `fz-${g.int(5)}`,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'N' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: [
        {
          IndexName: 'bySk',
          KeySchema: [{ AttributeName: 'sk', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    }),
    DescribeTable: () => ({ TableName: g.pick(['fuzz', 'fz-1', 'missing']) }),
    UpdateTable: () => ({
      TableName: `fz-${g.int(5)}`,
      BillingMode: 'PROVISIONED',
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
    }),
    DeleteTable: () => ({ TableName: `fz-${g.int(5)}` }),
    ListTables: () => ({ Limit: g.int(120), ExclusiveStartTableName: g.string(5) }),
    UpdateTimeToLive: () => ({
      TableName: 'fuzz',
      TimeToLiveSpecification: { Enabled: g.chance(0.5), AttributeName: 'ttl' },
    }),
    DescribeTimeToLive: () => ({ TableName: 'fuzz' }),
    TagResource: () => ({
      ResourceArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/fuzz',
      Tags: [{ Key: 'k', Value: 'v' }],
    }),
    ListTagsOfResource: () => ({ ResourceArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/fuzz' }),
  };
  return (templates[operation] ?? (() => ({})))();
}

/** Replaces, removes or adds something at a random place of a JSON value. */
function mutate(value: Json, g: Gen, depth = 0): Json {
  if (value === null || typeof value !== 'object' || depth > 6 || g.chance(0.25)) {
    return g.pick<() => Json>([
      () => g.scalar(),
      () => g.attributeValue(),
      () => g.json(),
      () => [value],
      () => ({ M: value }),
    ])();
  }
  if (Array.isArray(value)) {
    const copy = [...value];
    if (copy.length === 0 || g.chance(0.2)) copy.push(g.attributeValue());
    else copy[g.int(copy.length)] = mutate(copy[g.int(copy.length)]!, g, depth + 1);
    return copy;
  }
  const copy = { ...value };
  const keys = Object.keys(copy);
  const roll = g.next();
  if (keys.length === 0 || roll < 0.15)
    copy[g.pick(['__proto__', 'constructor', g.string(6), 'Extra'])] = g.json();
  else if (roll < 0.3) delete copy[g.pick(keys)];
  else {
    const key = g.pick(keys);
    copy[key] = mutate(copy[key]!, g, depth + 1);
  }
  return copy;
}

function deep(g: Gen): string {
  const levels = g.pick([40, 200, 2000, 20_000]);
  if (g.chance(0.5))
    return `{"TableName":"fuzz","Item":{"id":{"S":"d"},"d":${'{"L":['.repeat(levels)}{"S":"x"}${']}'.repeat(levels)}}}`;
  return `{"TableName":"fuzz","Key":${'['.repeat(levels)}${']'.repeat(levels)}}`;
}

interface FuzzRequest {
  label: string;
  headers: Record<string, string>;
  body: string | Buffer;
  method: string;
}

function randomRequest(g: Gen): FuzzRequest {
  const operation = g.chance(0.95)
    ? g.pick(dynamoDbOperationNames)
    : g.pick(['Nope', '', 'getitem', 'GetItem ', 'constructor']);
  const headers: Record<string, string> = dynamoHeaders(operation, 'us-east-1');
  let body: string | Buffer;
  let label: string;
  const roll = g.next();
  if (roll < 0.45) {
    let value: Json = template(operation, g);
    for (let i = 1 + g.int(3); i > 0; i--) value = mutate(value, g);
    body = JSON.stringify(value);
    label = `mutated ${operation}`;
  } else if (roll < 0.55) {
    body = JSON.stringify(template(operation, g));
    label = `valid ${operation}`;
  } else if (roll < 0.7) {
    body = JSON.stringify(g.json());
    label = `random json ${operation}`;
  } else if (roll < 0.77) {
    body = deep(g);
    label = `deep ${operation}`;
  } else if (roll < 0.82) {
    const huge = 'h'.repeat(g.pick([100_000, 500_000, 2_000_000]));
    body = JSON.stringify({
      ...template(operation, g),
      TableName: g.chance(0.5) ? huge : 'fuzz',
      Item: { id: { S: huge } },
    });
    label = `huge ${operation}`;
  } else if (roll < 0.9) {
    const text = JSON.stringify(template(operation, g));
    body = g.pick([
      text.slice(0, g.int(text.length)),
      `${text}}`,
      text.replace(/"/g, "'"),
      '\u0000',
      Buffer.from([0xff, 0xfe, 0x7b, 0x7d]),
    ]);
    label = `broken json ${operation}`;
  } else {
    body = JSON.stringify(template(operation, g));
    label = `bad headers ${operation}`;
    const mess = g.pick<() => void>([
      () => delete headers.Authorization,
      () =>
        (headers.Authorization = g.pick([
          'AWS4-HMAC-SHA256',
          'AWS4-HMAC-SHA256 Credential=a/b',
          'AWS4-HMAC-SHA256 Credential=a/b/c/d/e',
          'Basic x',
          `AWS4-${g.headerString(30)}`,
        ])),
      () => delete headers['X-Amz-Date'],
      () =>
        (headers['Content-Type'] = g.pick([
          'text/plain',
          '',
          'application/json',
          'application/x-amz-json-1.1',
          'application/x-amz-json-1.0; charset=utf-8',
        ])),
      () =>
        (headers['X-Amz-Target'] = g.pick([
          '',
          '.',
          'DynamoDB_20120810.',
          '.GetItem',
          'DynamoDB_20120810.GetItem.Extra',
          g.headerString(20),
        ])),
      () =>
        (headers['Accept-Encoding'] = g.pick([
          'gzip',
          'deflate',
          '*',
          'gzip;q=0',
          'br, gzip',
          g.headerString(10),
        ])),
    ]);
    mess();
  }
  if (g.chance(0.1)) headers['Accept-Encoding'] = 'gzip, deflate';
  return {
    label,
    headers,
    body,
    method: g.chance(0.98) ? 'POST' : g.pick(['GET', 'PUT', 'DELETE', 'OPTIONS']),
  };
}

const errorType = /^com\.amazon(aws\.dynamodb\.v20120810|\.coral\.[a-z]+)#[A-Za-z]+$/;

function checkResponse(request: FuzzRequest, response: RawResponse): void {
  const preview = response.headers['content-encoding']
    ? '(compressed)'
    : response.body.subarray(0, 300).toString();
  const what = `${request.label} (${request.method}) → ${response.status} ${preview}`;
  assert.ok(response.status < 500, what);
  assert.equal(response.headers['x-amz-crc32'], String(crc32(response.body)), `crc32: ${what}`);
  assert.ok(response.headers['x-amzn-requestid'], `request id: ${what}`);
  if (request.method === 'GET' || response.status === 404 || response.status === 413) return;
  if (request.method === 'OPTIONS' && response.body.length === 0) return;
  const encoding = response.headers['content-encoding'];
  let bytes = response.body;
  if (encoding !== undefined) {
    assert.match(
      String(request.headers['Accept-Encoding']),
      /gzip|deflate|\*/,
      `compressed unasked: ${what}`,
    );
    assert.ok(bytes.length > 0, what);
    bytes = encoding === 'gzip' ? gunzipSync(bytes) : inflateSync(bytes);
    assert.ok(bytes.length > 4096, `only bodies over 4 KiB are compressed: ${what}`);
  }
  const body = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  assert.equal(typeof body, 'object', what);
  if (response.status === 200) return;
  assert.match(String(body.__type), errorType, what);
  const message = body.message ?? body.Message;
  if (message !== undefined) assert.equal(typeof message, 'string', what);
}

describe('protocol fuzzing (child process)', () => {
  const seed = Number(process.env.PANGEA_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const total = Number(process.env.PANGEA_FUZZ_REQUESTS ?? 3000);
  let server: ServerProcess;

  before(async () => {
    server = await spawnDynamoDbServer({ region: 'us-east-1' });
    const created = await rawRequest(server.url, {
      headers: dynamoHeaders('CreateTable'),
      body: JSON.stringify({
        TableName: 'fuzz',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    });
    assert.equal(created.status, 200, created.body.toString());
  });

  after(() => server?.stop());

  test(`${total} random and mutated requests get well-formed answers (seed ${seed})`, {
    timeout: 120_000,
  }, async (t) => {
    t.diagnostic(`PANGEA_FUZZ_SEED=${seed}`);
    const g = new Gen(prng(seed));
    const requests = Array.from({ length: total }, () => randomRequest(g));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const request = requests[next++]!;
        let response: RawResponse;
        try {
          response = await rawRequest(server.url, { ...request, agent, timeoutMs: 30_000 });
        } catch (error) {
          assert.fail(
            `seed ${seed}: ${request.label} failed at the connection level: ${String(error)}\n${server.stderr()}`,
          );
        }
        try {
          checkResponse(request, response);
        } catch (error) {
          (error as Error).message =
            `seed ${seed}: ${(error as Error).message}\nserver stderr:\n${server.stderr().slice(0, 4000)}`;
          throw error;
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: 8 }, worker));
    } finally {
      agent.destroy();
    }
    const health = await rawRequest(server.url, { method: 'GET' });
    assert.equal(health.status, 200, `seed ${seed}: health after fuzzing`);
    assert.ok(server.alive(), `seed ${seed}: the server process died`);
    assert.equal(server.stderr(), '', `seed ${seed}: internal errors were logged`);
  });
});
