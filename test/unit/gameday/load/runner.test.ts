/**
 * runLoad against stand-ins on loopback: a fake storefront (the app's JSON API), a fake DynamoDB
 * (JSON protocol, by X-Amz-Target) and a fake DNS server, so sessions, failover, error
 * classification and aborts are checked without a world.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import dnsPacket from 'dns-packet';
import { orderIdFor } from '../../../../src/app/orders.js';
import { userIdFor } from '../../../../src/app/repositories/sessions.js';
import {
  type ClientPlan,
  type LoadTarget,
  type PlannedOp,
  planLoad,
  runLoad,
} from '../../../../src/gameday/load/index.js';
import { type LoadSpec, type OpRecord, orderSetName } from '../../../../src/gameday/model.js';

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

async function bodyOf(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString();
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** The storefront's JSON API, as far as the load uses it. */
class FakeApp {
  server: Server;
  port = 0;
  signIns = 0;
  peers = new Set<string>();
  /** Paths that answer this status instead. */
  failing = new Map<string, number>();
  /** Paths that never answer. */
  hanging = new Set<string>();
  /** Sessions are forgotten once (the next request with a cookie gets 401). */
  forgetSessionsOnce = false;
  private readonly sessions = new Map<string, string>();
  private readonly orders = new Map<string, string[]>();
  private readonly carts = new Map<string, number>();

  constructor(private readonly region: string) {
    this.server = createServer((request, response) => void this.handle(request, response));
  }

  async start(): Promise<void> {
    this.port = await listen(this.server);
  }

  close(): void {
    this.server.closeAllConnections();
    this.server.close();
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.peers.add(request.socket.remoteAddress ?? '');
    const body = await bodyOf(request);
    const path = request.url ?? '';
    response.setHeader('x-pangea-region', this.region);
    const reply = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(json));
    };
    if (this.hanging.has(path)) return;
    const failStatus = this.failing.get(path);
    if (failStatus) return reply(failStatus, { error: { code: 'Failing' } });
    if (request.method === 'POST' && path === '/api/session') {
      this.signIns += 1;
      const userId = userIdFor(String(body.name));
      const sessionId = `s-${this.signIns}`;
      this.sessions.set(sessionId, userId);
      return reply(
        201,
        { session: { userId } },
        { 'set-cookie': `session=${userId}.${sessionId}; Path=/; HttpOnly` },
      );
    }
    if (request.method === 'GET' && path === '/api/products')
      return reply(200, { products: [{ productId: 'p-a' }, { productId: 'p-b' }] });
    const sessionId = /session=[^.;]+\.([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
    if (this.forgetSessionsOnce && sessionId) {
      this.forgetSessionsOnce = false;
      this.sessions.clear();
    }
    const userId = sessionId ? this.sessions.get(sessionId) : undefined;
    if (!userId) return reply(401, { error: { code: 'Unauthorized' } });
    if (request.method === 'PUT' && path.startsWith('/api/cart/items/')) {
      this.carts.set(userId, (this.carts.get(userId) ?? 0) + 1);
      return reply(200, { quantity: body.quantity });
    }
    if (request.method === 'POST' && path === '/api/checkout') {
      if (!this.carts.get(userId)) return reply(400, { error: { code: 'BadRequest' } });
      this.carts.set(userId, 0);
      const orderId = orderIdFor(userId, String(body.idempotencyKey));
      this.orders.set(userId, [...(this.orders.get(userId) ?? []), orderId]);
      return reply(201, { order: { orderId }, created: true });
    }
    if (request.method === 'GET' && path === '/api/orders')
      return reply(200, { orders: (this.orders.get(userId) ?? []).map((orderId) => ({ orderId })) });
    return reply(404, { error: { code: 'NotFound' } });
  }
}

/** DynamoDB's JSON protocol, by X-Amz-Target; `mode` turns it into a failing endpoint. */
class FakeDynamo {
  server: Server;
  port = 0;
  mode: 'ok' | 'hang' | 'reset' | 'not-found' = 'ok';
  readonly items = new Map<string, Set<string>>();
  readonly counters = new Map<string, number>();
  regionsSeen: string[] = [];

  constructor() {
    this.server = createServer((request, response) => void this.handle(request, response));
  }

  async start(): Promise<void> {
    this.port = await listen(this.server);
  }

  close(): void {
    this.server.closeAllConnections();
    this.server.close();
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const input = await bodyOf(request);
    const region = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(String(request.headers.authorization))?.[1] ?? '';
    this.regionsSeen.push(region);
    if (this.mode === 'hang') return;
    if (this.mode === 'reset') return void request.socket.destroy();
    const reply = (status: number, json: unknown) => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify(json));
    };
    if (this.mode === 'not-found')
      return reply(400, {
        __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException',
        message: 'Requested resource not found',
      });
    const target = String(request.headers['x-amz-target']).split('.')[1];
    const attr = (key: string) => (input as { [k: string]: Record<string, { S: string }> })[key];
    if (target === 'PutItem') {
      const item = attr('Item') ?? {};
      const pk = item.pk?.S ?? '';
      this.items.set(pk, (this.items.get(pk) ?? new Set()).add(item.sk?.S ?? ''));
      return reply(200, {});
    }
    if (target === 'UpdateItem') {
      const key = attr('Key') ?? {};
      const name = `${key.pk?.S}/${key.sk?.S}`;
      this.counters.set(name, (this.counters.get(name) ?? 0) + 1);
      return reply(200, {});
    }
    if (target === 'Query') {
      const values = attr('ExpressionAttributeValues') ?? {};
      const elements = [...(this.items.get(values[':pk']?.S ?? '') ?? [])];
      return reply(200, { Items: elements.map((sk) => ({ sk: { S: sk } })), Count: elements.length });
    }
    return reply(400, { __type: 'com.amazonaws.dynamodb.v20120810#ValidationException', message: target });
  }
}

const runId = 'unit-run';

function spec(overrides: Partial<LoadSpec>): LoadSpec {
  return {
    entry: 'accelerator',
    locations: ['north-america', 'europe'],
    clientsPerLocation: 1,
    ratePerClient: 20,
    mix: { browse: 1, cart: 1, checkout: 2, orders: 2 },
    requestTimeoutMs: 2000,
    counters: 'shared',
    ...overrides,
  };
}

function plansOf(load: LoadSpec, durationMs = 1000): ClientPlan[] {
  return planLoad(load, { locations: ['north-america', 'europe'], durationMs, seed: 7, runId });
}

/** A hand-written plan: the given operations at the given times (default: all at once, in turn). */
type WithoutTiming<Op> = Op extends unknown ? Omit<Op, 'seq' | 'atMs'> & { atMs?: number } : never;
type OpInput = WithoutTiming<PlannedOp>;

function handPlan(ops: OpInput[], overrides: Partial<ClientPlan> = {}): ClientPlan {
  const client = overrides.client ?? 'europe-0';
  return {
    runId,
    client,
    location: 'europe',
    index: 0,
    entry: 'accelerator',
    counters: 'shared',
    requestTimeoutMs: 300,
    sessionName: `gd-${runId}-${client}`,
    ops: ops.map((op, seq) => ({ atMs: 0, ...op, seq }) as PlannedOp),
    ...overrides,
  };
}

async function run(plans: ClientPlan[], target: LoadTarget, signal = new AbortController().signal) {
  const records: OpRecord[] = [];
  const origin = performance.now();
  await runLoad(plans, target, {
    runId,
    nowMs: () => performance.now() - origin,
    onRecord: (record) => records.push(record),
    signal,
  });
  return records;
}

describe('runLoad against stand-ins', () => {
  const app = new FakeApp('eu-west-1');
  const nearDynamo = new FakeDynamo();
  const farDynamo = new FakeDynamo();
  let target: LoadTarget;
  let closedPort = 0;

  before(async () => {
    await Promise.all([app.start(), nearDynamo.start(), farDynamo.start()]);
    const closed = createServer();
    closedPort = await listen(closed);
    closed.close();
    target = {
      table: 'PangeaGameday',
      dns: null,
      accelerator: { host: '127.0.0.1', port: app.port },
      regions: [
        {
          name: 'eu-west-1',
          wanAddress: '127.0.0.1',
          dynamodbPort: nearDynamo.port,
          loadBalancerPort: app.port,
        },
        {
          name: 'us-east-1',
          wanAddress: '127.0.0.1',
          dynamodbPort: farDynamo.port,
          loadBalancerPort: app.port,
        },
      ],
      locations: [
        {
          name: 'north-america',
          addressRange: '127.1.0.0/16',
          regionsByProximity: ['us-east-1', 'eu-west-1'],
        },
        { name: 'europe', addressRange: '127.3.0.0/16', regionsByProximity: ['eu-west-1', 'us-east-1'] },
      ],
    };
  });

  after(() => {
    app.close();
    nearDynamo.close();
    farDynamo.close();
  });

  test('app operations: every planned op recorded, sessions, regions, orders read back', async () => {
    const plans = plansOf(spec({}));
    const records = await run(plans, target);
    assert.equal(
      records.length,
      plans.reduce((sum, plan) => sum + plan.ops.length, 0),
    );
    assert.ok(
      records.every((record) => record.ok),
      JSON.stringify(records.filter((r) => !r.ok)),
    );
    assert.ok(records.every((record) => record.region === 'eu-west-1' && record.entry === 'accelerator'));
    assert.equal(app.signIns, 2, 'one sign-in per client');
    assert.deepEqual([...app.peers].sort(), ['127.1.0.10', '127.3.0.10']);
    for (const plan of plans) {
      const mine = records.filter((record) => record.client === plan.client);
      assert.deepEqual(
        mine.map((record) => [record.kind, record.plannedMs]),
        plan.ops.map((op) => [op.kind, op.atMs]),
      );
      for (const record of mine)
        assert.ok(
          record.startMs >= record.plannedMs && record.endMs >= record.startMs,
          JSON.stringify(record),
        );
      const set = orderSetName(userIdFor(plan.sessionName));
      const written: string[] = [];
      for (const record of mine) {
        if (record.kind === 'checkout') {
          assert.equal(record.write?.set, set);
          written.push(record.write?.element ?? '');
        }
        if (record.kind === 'orders') assert.deepEqual(record.read, { set, elements: written });
      }
    }
  });

  test('a 401 signs in again and the operation succeeds', async () => {
    const signInsBefore = app.signIns;
    const first = await run(
      [handPlan([{ kind: 'orders' }, { kind: 'cart', productIndex: 1 }, { kind: 'orders' }])],
      target,
    );
    assert.equal(app.signIns - signInsBefore, 1, 'signed in once, before the first operation that needs it');
    app.forgetSessionsOnce = true;
    const second = await run([handPlan([{ kind: 'orders' }])], target);
    assert.equal(app.signIns - signInsBefore, 3, 'a new client signs in, and again after the 401');
    assert.ok([...first, ...second].every((record) => record.ok));
  });

  test('failures: HTTP status, timeout, refused; only unanswered writes are indeterminate', async () => {
    app.failing.set('/api/cart/items/p-a', 503);
    app.hanging.add('/api/checkout');
    try {
      const records = await run(
        [
          handPlan([
            { kind: 'cart', productIndex: 0 },
            { kind: 'checkout', productIndex: 1, idempotencyKey: 'gd-key-0001' },
            { kind: 'orders' },
          ]),
          handPlan([{ kind: 'checkout', productIndex: 0, idempotencyKey: 'gd-key-0002' }], {
            client: 'europe-1',
            index: 1,
          }),
          handPlan([{ kind: 'browse' }, { kind: 'cart', productIndex: 1 }], {
            client: 'north-america-0',
            location: 'north-america',
            entry: 'accelerator',
          }),
        ],
        target,
      );
      const byKey = (client: string, kind: string) =>
        records.find((record) => record.client === client && record.kind === kind);
      const cart = byKey('europe-0', 'cart');
      assert.deepEqual(
        [cart?.ok, cart?.error, cart?.status, cart?.indeterminate],
        [false, 'HTTP503', 503, false],
      );
      const checkout = byKey('europe-0', 'checkout');
      assert.deepEqual([checkout?.error, checkout?.indeterminate], ['Timeout', true]);
      assert.ok(checkout?.write?.element.startsWith('ord-'));
      assert.ok((checkout?.endMs ?? 0) - (checkout?.startMs ?? 0) >= 290, 'waited for its timeout');
      // The cart request failed before the checkout was sent: the order surely does not exist.
      const blocked = byKey('europe-1', 'checkout');
      assert.deepEqual([blocked?.error, blocked?.indeterminate], ['HTTP503', false]);
      assert.equal(byKey('europe-0', 'orders')?.ok, true);
    } finally {
      app.failing.clear();
      app.hanging.clear();
    }
    const refused = await run([handPlan([{ kind: 'cart', productIndex: 0 }])], {
      ...target,
      accelerator: { host: '127.0.0.1', port: closedPort },
    });
    assert.deepEqual(
      refused.map((record) => [record.error, record.indeterminate, record.region]),
      [['ECONNREFUSED', false, null]],
    );
  });

  test('DynamoDB operations: put, read, increment in the nearest region', async () => {
    const plans = plansOf(
      spec({ mix: { 'ddb-put': 2, 'ddb-read': 1, 'ddb-increment': 1 }, counters: 'per-region' }),
    );
    const records = await run(plans, target);
    assert.ok(records.every((record) => record.ok && record.entry === 'dynamodb'));
    for (const record of records) {
      assert.equal(record.region, record.location === 'europe' ? 'eu-west-1' : 'us-east-1');
      if (record.kind === 'ddb-increment')
        assert.deepEqual(record.increment, { counter: `region-${record.region}`, amount: 1 });
    }
    assert.ok(
      nearDynamo.regionsSeen.every((region) => region === 'eu-west-1'),
      'signed for its region',
    );
    const europePuts = records
      .filter((record) => record.location === 'europe' && record.kind === 'ddb-put')
      .map((record) => record.write?.element ?? '');
    assert.deepEqual([...(nearDynamo.items.get(`set#${runId}`) ?? [])].sort(), europePuts.sort());
    const lastRead = records
      .filter((record) => record.location === 'europe' && record.kind === 'ddb-read')
      .at(-1);
    if (lastRead) assert.equal(lastRead.read?.set, `ddb:${runId}`);
    const increments = records.filter(
      (record) => record.location === 'europe' && record.kind === 'ddb-increment',
    );
    assert.equal(nearDynamo.counters.get(`counter#${runId}/region-eu-west-1`) ?? 0, increments.length);
  });

  test('DynamoDB failures are classified and move the client after two in a row', async () => {
    const puts = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ kind: 'ddb-put' as const, element: `europe-0-x${i}` }));
    nearDynamo.mode = 'not-found';
    let records = await run([handPlan(puts(3))], target);
    assert.deepEqual(
      records.map((record) => [record.region, record.ok, record.error, record.indeterminate, record.status]),
      [
        ['eu-west-1', false, 'ResourceNotFoundException', false, 400],
        ['eu-west-1', false, 'ResourceNotFoundException', false, 400],
        ['us-east-1', true, null, false, 200],
      ],
    );
    nearDynamo.mode = 'hang';
    records = await run([handPlan(puts(1))], target);
    assert.deepEqual(
      records.map((record) => [record.error, record.indeterminate]),
      [['Timeout', true]],
    );
    nearDynamo.mode = 'reset';
    records = await run([handPlan([...puts(1), { kind: 'ddb-read' }])], target);
    assert.deepEqual(
      records.map((record) => [record.kind, record.error, record.indeterminate]),
      [
        ['ddb-put', 'ECONNRESET', true],
        ['ddb-read', 'ECONNRESET', false],
      ],
    );
    nearDynamo.mode = 'ok';
    records = await run([handPlan([{ kind: 'ddb-increment' }])], {
      ...target,
      regions: target.regions.map((region) => ({ ...region, dynamodbPort: closedPort })),
    });
    assert.deepEqual(
      records.map((record) => [record.error, record.indeterminate, record.increment]),
      [['ECONNREFUSED', false, { counter: 'shared', amount: 1 }]],
    );
  });

  test('abort: no operation starts after it, the one in flight ends as Aborted and is recorded', async () => {
    app.hanging.add('/api/orders');
    try {
      const controller = new AbortController();
      const later = [0, 400, 800, 1200].map((atMs) => ({ kind: 'orders' as const, atMs }));
      const plans = [
        handPlan(later, { requestTimeoutMs: 5000 }),
        handPlan(later, { client: 'north-america-0', location: 'north-america', requestTimeoutMs: 5000 }),
      ];
      const origin = performance.now();
      const records: OpRecord[] = [];
      let abortedAtMs = 0;
      setTimeout(() => {
        abortedAtMs = performance.now() - origin;
        controller.abort();
      }, 300);
      await runLoad(plans, target, {
        runId,
        nowMs: () => performance.now() - origin,
        onRecord: (record) => records.push(record),
        signal: controller.signal,
      });
      const endedMs = performance.now() - origin;
      assert.ok(endedMs - abortedAtMs < 500, `stopped promptly (${endedMs - abortedAtMs} ms)`);
      assert.deepEqual(
        records.map((record) => [record.client, record.plannedMs, record.error, record.ok]).sort(),
        [
          ['europe-0', 0, 'Aborted', false],
          ['north-america-0', 0, 'Aborted', false],
        ],
      );
      for (const record of records) assert.ok(record.endMs >= abortedAtMs);
    } finally {
      app.hanging.clear();
    }
  });

  test('DNS entry: resolves from the client address, HTTP to the answer on its region port', async () => {
    const dns = createSocket('udp4');
    const askedFrom: string[] = [];
    dns.on('message', (bytes, peer) => {
      const query = dnsPacket.decode(bytes);
      askedFrom.push(peer.address);
      const answer = dnsPacket.encode({
        type: 'response',
        id: query.id,
        flags: dnsPacket.AUTHORITATIVE_ANSWER,
        questions: query.questions,
        answers: [{ type: 'A', name: 'app.example.com', ttl: 60, class: 'IN', data: '127.0.4.2' }],
      });
      dns.send(answer, peer.port, peer.address);
    });
    await new Promise<void>((resolve) => dns.bind(0, '127.0.0.1', () => resolve()));
    const appOnWanFace = new FakeApp('eu-west-1');
    await new Promise<void>((resolve) => appOnWanFace.server.listen(0, '127.0.4.2', () => resolve()));
    const address = appOnWanFace.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const dnsTarget: LoadTarget = {
        ...target,
        dns: { host: '127.0.0.1', port: dns.address().port, hostname: 'app.example.com' },
        regions: [{ name: 'eu-west-1', wanAddress: '127.0.4.2', dynamodbPort: null, loadBalancerPort: port }],
      };
      const records = await run(
        [handPlan([{ kind: 'browse' }, { kind: 'orders' }], { entry: 'dns' })],
        dnsTarget,
      );
      assert.deepEqual(
        records.map((record) => [record.kind, record.ok, record.entry, record.region]),
        [
          ['browse', true, 'dns', 'eu-west-1'],
          ['orders', true, 'dns', 'eu-west-1'],
        ],
      );
      assert.deepEqual(askedFrom, ['127.3.0.10'], 'one query, cached for its TTL');
      const missing = await run([handPlan([{ kind: 'browse' }], { entry: 'dns' })], {
        ...dnsTarget,
        regions: [],
      });
      assert.equal(missing[0]?.error, 'DnsUnknownAddress');
    } finally {
      dns.close();
      appOnWanFace.close();
    }
  });
});
