/**
 * The answer cache must be invisible: with and without it, the same queries in the same order get
 * byte-identical responses (both worlds share a seed, so weighted and multivalue draws line up
 * only if the cache never stores a random answer).
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { describe, test } from 'node:test';
import dnsPacket from 'dns-packet';
import { type Random, seededRandom } from '../../../../src/shared/random.js';
import { AnswerCache } from '../../../../src/traffic/dns/answer-cache.js';
import { respond, type Transport } from '../../../../src/traffic/dns/responder.js';
import { DnsServer } from '../../../../src/traffic/dns/server.js';
import type { ResourceRecordSet } from '../../../../src/traffic/dns/types.js';
import { cidrCollections, latencyMs, locations, seedZone, type TestWorld, world } from './fixtures.js';

const settings = { maxUdpPayloadBytes: 1232 };
const collectionId = cidrCollections[0]?.Id ?? '';

const aRecord = (name: string, value: string, extra: Partial<ResourceRecordSet> = {}): ResourceRecordSet => ({
  Name: name,
  Type: 'A',
  TTL: 30,
  ResourceRecords: [{ Value: value }],
  ...extra,
});

/** Every routing policy, a CNAME chain and a large answer, next to the seed's latency aliases. */
const policyRecords: ResourceRecordSet[] = [
  aRecord('w.example.com', '10.0.0.1', { SetIdentifier: 'a', Weight: 3 }),
  aRecord('w.example.com', '10.0.0.2', { SetIdentifier: 'b', Weight: 1, HealthCheckId: 'hc-use1' }),
  aRecord('mv.example.com', '10.0.1.1', { SetIdentifier: 'a', MultiValueAnswer: true }),
  aRecord('mv.example.com', '10.0.1.2', { SetIdentifier: 'b', MultiValueAnswer: true }),
  aRecord('fo.example.com', '10.0.2.1', {
    SetIdentifier: 'p',
    Failover: 'PRIMARY',
    HealthCheckId: 'hc-euw1',
  }),
  aRecord('fo.example.com', '10.0.2.2', { SetIdentifier: 's', Failover: 'SECONDARY' }),
  aRecord('geo.example.com', '10.0.3.1', { SetIdentifier: 'eu', GeoLocation: { ContinentCode: 'EU' } }),
  aRecord('geo.example.com', '10.0.3.2', { SetIdentifier: 'any', GeoLocation: { CountryCode: '*' } }),
  aRecord('ip.example.com', '10.0.4.1', {
    SetIdentifier: 'berlin',
    CidrRoutingConfig: { CollectionId: collectionId, LocationName: 'berlin-office' },
  }),
  aRecord('ip.example.com', '10.0.4.2', {
    SetIdentifier: 'rest',
    CidrRoutingConfig: { CollectionId: collectionId, LocationName: '*' },
  }),
  { Name: 'www.example.com', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'app.example.com' }] },
  {
    Name: 'big.example.com',
    Type: 'A',
    TTL: 60,
    ResourceRecords: Array.from({ length: 60 }, (_, index) => ({ Value: `10.9.0.${index}` })),
  },
];

function twinWorlds(): {
  cached: TestWorld;
  plain: TestWorld;
  setHealth: (id: string, up?: boolean) => void;
} {
  const cached = world([seedZone(policyRecords)], 11);
  const plain = world([seedZone(policyRecords)], 11);
  const setHealth = (id: string, up?: boolean) => {
    for (const side of [cached, plain]) {
      if (up === undefined) side.health.delete(id);
      else side.health.set(id, up);
    }
  };
  return { cached, plain, setHealth };
}

interface QueryShape {
  name: string;
  type: string;
  id: number;
  recursionDesired: boolean;
  edns?: { payloadBytes: number; subnet?: { ip: string; prefix: number; family?: number } };
}

function encodeQuery(shape: QueryShape): Buffer {
  const subnet = shape.edns?.subnet;
  const options = subnet
    ? [
        {
          code: 'CLIENT_SUBNET',
          family: subnet.family ?? 1,
          sourcePrefixLength: subnet.prefix,
          scopePrefixLength: 0,
          ip: subnet.ip,
        },
      ]
    : [];
  return dnsPacket.encode({
    id: shape.id,
    type: 'query',
    flags: shape.recursionDesired ? dnsPacket.RECURSION_DESIRED : 0,
    questions: [{ name: shape.name, type: shape.type as 'A', class: 'IN' }],
    additionals: shape.edns
      ? [{ name: '.', type: 'OPT', udpPayloadSize: shape.edns.payloadBytes, options } as never]
      : [],
  });
}

function randomShape(random: Random): { shape: QueryShape; source: string; transport: Transport } {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random.next() * items.length)] as T;
  const names = [
    'app.example.com',
    'APP.example.com',
    'w.example.com',
    'mv.example.com',
    'fo.example.com',
    'geo.example.com',
    'ip.example.com',
    'www.example.com',
    'big.example.com',
    'nothing.example.com',
    'example.com',
    'example.org',
  ];
  const subnets = [
    undefined,
    { ip: '127.3.7.0', prefix: 24 },
    { ip: '127.3.9.0', prefix: 24 },
    { ip: '127.1.0.0', prefix: 16 },
    { ip: '0.0.0.0', prefix: 0 },
    { ip: '2001:db8::', prefix: 48, family: 2 },
  ];
  const edns =
    random.next() < 0.5 ? undefined : { payloadBytes: pick([512, 1232, 4096]), subnet: pick(subnets) };
  return {
    shape: {
      name: pick(names),
      type: pick(['A', 'A', 'AAAA', 'SOA', 'NS', 'TXT', 'CNAME']),
      id: Math.floor(random.next() * 65536),
      recursionDesired: random.next() < 0.5,
      ...(edns ? { edns } : {}),
    },
    source: pick(['127.3.0.9', '127.3.7.20', '127.1.0.10', '127.4.0.1', '10.20.30.40', '::ffff:127.3.0.9']),
    transport: random.next() < 0.8 ? 'udp' : 'tcp',
  };
}

describe('answer cache', () => {
  test('cached and uncached responses are byte-identical over 20,000 random queries and health flips', () => {
    const { cached, plain, setHealth } = twinWorlds();
    const cache = new AnswerCache(256);
    const random = seededRandom(99);
    for (let index = 0; index < 20_000; index++) {
      if (index % 500 === 0) {
        setHealth('hc-euw1', random.next() < 0.5 ? false : undefined);
        setHealth('hc-use1', random.next() >= 0.3);
      }
      const { shape, source, transport } = randomShape(random);
      const message = encodeQuery(shape);
      const withCache = respond(message, source, transport, cached.env, settings, cache);
      const without = respond(message, source, transport, plain.env, settings);
      assert.deepEqual(withCache, without, `query ${index}: ${JSON.stringify({ shape, source, transport })}`);
    }
    assert.ok(cache.size > 0 && cache.size <= 256);
  });

  test('repeated queries are served from the cache and still carry their own ID, RD and subnet', () => {
    const { cached } = twinWorlds();
    const cache = new AnswerCache();
    const first = encodeQuery({
      name: 'app.example.com',
      type: 'A',
      id: 1,
      recursionDesired: true,
      edns: { payloadBytes: 1232, subnet: { ip: '127.3.5.0', prefix: 24 } },
    });
    const second = encodeQuery({
      name: 'app.example.com',
      type: 'A',
      id: 2,
      recursionDesired: false,
      edns: { payloadBytes: 1232, subnet: { ip: '127.3.6.0', prefix: 24 } },
    });
    respond(first, '127.1.0.1', 'udp', cached.env, settings, cache);
    assert.equal(cache.size, 1);
    const reply = respond(second, '127.1.0.1', 'udp', cached.env, settings, cache);
    assert.equal(cache.size, 1);
    const decoded = dnsPacket.decode(reply?.bytes as Buffer);
    assert.equal(decoded.id, 2);
    assert.equal((decoded.flags ?? 0) & dnsPacket.RECURSION_DESIRED, 0);
    const opt = decoded.additionals?.[0] as { options?: Array<{ ip?: string; scopePrefixLength?: number }> };
    assert.equal(opt.options?.[0]?.ip, '127.3.6.0');
    assert.equal(opt.options?.[0]?.scopePrefixLength, 16);
  });

  test('a health change the answer depended on is seen at once', () => {
    const { cached } = twinWorlds();
    const cache = new AnswerCache();
    const query = encodeQuery({ name: 'app.example.com', type: 'A', id: 5, recursionDesired: false });
    const answerFor = () => {
      const reply = respond(query, '127.3.0.9', 'udp', cached.env, settings, cache);
      const first = dnsPacket.decode(reply?.bytes as Buffer).answers?.[0] as { data?: string } | undefined;
      return first?.data;
    };
    assert.equal(answerFor(), '127.0.2.2');
    assert.equal(answerFor(), '127.0.2.2');
    cached.health.set('hc-euw1', false);
    assert.equal(answerFor(), '127.0.1.2');
    cached.health.delete('hc-euw1');
    assert.equal(answerFor(), '127.0.2.2');
  });

  test('weighted and IP-based answers are not stored', () => {
    const { cached } = twinWorlds();
    const cache = new AnswerCache();
    for (const name of ['w.example.com', 'mv.example.com', 'ip.example.com']) {
      const query = encodeQuery({ name, type: 'A', id: 1, recursionDesired: false });
      respond(query, '127.3.7.1', 'udp', cached.env, settings, cache);
    }
    assert.equal(cache.size, 0);
  });

  test('the least recently used entry goes first', () => {
    const cache = new AnswerCache(2);
    const entry = {
      full: Buffer.alloc(12),
      truncated: Buffer.alloc(12),
      rcode: 'NOERROR',
      healthIds: [],
      healthAnswers: [],
    };
    const healthy = () => undefined;
    cache.set('a', entry);
    cache.set('b', entry);
    assert.ok(cache.get('a', healthy));
    cache.set('c', entry);
    assert.ok(cache.get('a', healthy));
    assert.equal(cache.get('b', healthy), undefined);
    assert.ok(cache.get('c', healthy));
  });

  test('updateZones drops stored answers', async () => {
    const server = new DnsServer({
      port: 0,
      zones: [seedZone([aRecord('moving.example.com', '10.7.7.1')])],
      cidrCollections,
      locations,
      latencyMs,
      random: seededRandom(1),
    });
    const { port } = await server.start();
    const ask = () =>
      udpAnswer(port, encodeQuery({ name: 'moving.example.com', type: 'A', id: 9, recursionDesired: false }));
    try {
      assert.equal(await ask(), '10.7.7.1');
      assert.equal(await ask(), '10.7.7.1');
      server.updateZones([seedZone([aRecord('moving.example.com', '10.7.7.2')])], cidrCollections);
      assert.equal(await ask(), '10.7.7.2');
    } finally {
      await server.stop();
    }
  });
});

function udpAnswer(port: number, message: Buffer): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('no answer'));
    }, 2000);
    socket.once('message', (reply) => {
      clearTimeout(timer);
      socket.close();
      resolve((dnsPacket.decode(reply).answers?.[0] as { data?: string } | undefined)?.data);
    });
    socket.send(message, port, '127.0.0.1');
  });
}
