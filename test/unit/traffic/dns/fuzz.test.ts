/** Seeded fuzzing: random and mutated messages must never throw, crash or silence the server. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import dnsPacket from 'dns-packet';
import { type Random, seededRandom } from '../../../../src/shared/random.js';
import { AnswerCache } from '../../../../src/traffic/dns/answer-cache.js';
import { respond } from '../../../../src/traffic/dns/responder.js';
import { DnsServer } from '../../../../src/traffic/dns/server.js';
import { cidrCollections, latencyMs, locations, seedZone, world } from './fixtures.js';

const run = promisify(execFile);
const port = 21153;

/** Valid queries of many shapes, as mutation seeds. */
function seedMessages(): Buffer[] {
  const subnet = (ip: string, sourcePrefixLength: number) =>
    ({ code: 'CLIENT_SUBNET', family: 1, sourcePrefixLength, scopePrefixLength: 0, ip }) as never;
  const queries = [
    { name: 'app.example.com', type: 'A' as const },
    { name: 'many.example.com', type: 'AAAA' as const },
    { name: 'example.com', type: 'SOA' as const },
    { name: 'nothing.example.com', type: 'TXT' as const },
    { name: 'example.org', type: 'A' as const },
  ];
  return queries.flatMap((question, index) => [
    dnsPacket.encode({ id: index, type: 'query', flags: dnsPacket.RECURSION_DESIRED, questions: [question] }),
    dnsPacket.encode({
      id: index + 100,
      type: 'query',
      questions: [question],
      additionals: [
        { name: '.', type: 'OPT', udpPayloadSize: 4096, options: [subnet('127.3.0.0', 24)] } as never,
      ],
    }),
  ]);
}

function mutate(message: Buffer, random: Random): Buffer {
  const pick = (limit: number) => Math.floor(random.next() * limit);
  const copy = Buffer.from(message);
  switch (pick(5)) {
    case 0: // flip bytes
      for (let count = 1 + pick(6); count > 0; count--) copy[pick(copy.length)] = pick(256);
      return copy;
    case 1: // truncate
      return copy.subarray(0, pick(copy.length + 1));
    case 2: // append junk
      return Buffer.concat([copy, Buffer.from(Array.from({ length: pick(64) }, () => pick(256)))]);
    case 3: // pure noise
      return Buffer.from(Array.from({ length: pick(600) }, () => pick(256)));
    default: // corrupt counts and pointers in the header
      copy.writeUInt16BE(pick(65536), 4 + 2 * pick(4));
      if (copy.length > 14) copy[12 + pick(copy.length - 12)] = 0xc0 | pick(64);
      return copy;
  }
}

describe('fuzz', () => {
  test('respond() never throws on 50,000 seeded mutations', () => {
    const { env } = world([seedZone()], 1);
    const random = seededRandom(20240601);
    const seeds = seedMessages();
    const settings = { maxUdpPayloadBytes: 1232 };
    for (let index = 0; index < 50_000; index++) {
      const message = mutate(seeds[index % seeds.length] as Buffer, random);
      const response = respond(message, '127.3.0.1', index % 2 ? 'udp' : 'tcp', env, settings);
      if (response && index % 2 === 1) assert.ok(response.bytes.length <= 1232);
    }
  });

  test('with the answer cache, 20,000 seeded mutations get the same bytes as without it', () => {
    const cached = world([seedZone()], 1);
    const plain = world([seedZone()], 1);
    const cache = new AnswerCache(256);
    const random = seededRandom(20240602);
    const seeds = seedMessages();
    const settings = { maxUdpPayloadBytes: 1232 };
    for (let index = 0; index < 20_000; index++) {
      const message = mutate(seeds[index % seeds.length] as Buffer, random);
      const transport = index % 2 ? 'udp' : 'tcp';
      const withCache = respond(message, '127.3.0.1', transport, cached.env, settings, cache);
      const without = respond(message, '127.3.0.1', transport, plain.env, settings);
      assert.deepEqual(withCache, without, `mutation ${index}: ${message.toString('hex')}`);
    }
  });

  describe('over sockets', () => {
    let server: DnsServer;
    before(async () => {
      server = new DnsServer({
        port,
        zones: [seedZone()],
        cidrCollections,
        locations,
        latencyMs,
        random: seededRandom(3),
        limits: { maxTcpConnections: 64, tcpIdleTimeoutMs: 1000 },
      });
      await server.start();
    });
    after(async () => {
      await server.stop();
    });

    test('5,000 mutated UDP datagrams and 200 TCP connections of mutated frames; the server keeps answering', async () => {
      const random = seededRandom(77);
      const seeds = seedMessages();
      const udp = createSocket('udp4');
      for (let index = 0; index < 5000; index++) {
        udp.send(mutate(seeds[index % seeds.length] as Buffer, random), port, '127.0.0.1');
        if (index % 200 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      udp.close();

      const connections = Array.from({ length: 200 }, (_, index) => {
        const frames = Array.from({ length: 1 + Math.floor(random.next() * 8) }, () => {
          const body = mutate(seeds[index % seeds.length] as Buffer, random);
          const frame = Buffer.alloc(2 + body.length);
          // Sometimes lie about the length so framing itself is fuzzed.
          frame.writeUInt16BE(random.next() < 0.1 ? Math.floor(random.next() * 65536) : body.length, 0);
          body.copy(frame, 2);
          return frame;
        });
        return new Promise<void>((resolve) => {
          const socket = connect(port, '127.0.0.1', () => {
            socket.end(Buffer.concat(frames));
          });
          socket.on('data', () => undefined);
          socket.on('error', () => resolve());
          socket.on('close', () => resolve());
          setTimeout(() => {
            socket.destroy();
            resolve();
          }, 3000);
        });
      });
      await Promise.all(connections);

      const { stdout } = await run('/usr/bin/dig', [
        '@127.0.0.1',
        '-p',
        String(port),
        '-b',
        '127.3.0.9',
        'app.example.com',
        '+short',
      ]);
      assert.equal(stdout.trim(), '127.0.2.2');
      const { stdout: overTcp } = await run('/usr/bin/dig', [
        '@127.0.0.1',
        '-p',
        String(port),
        '+tcp',
        'app.example.com',
        '+short',
      ]);
      assert.equal(overTcp.trim(), '127.0.1.2');
      assert.ok(server.stats.queries > 1000, `answered ${server.stats.queries}`);
    });
  });
});
