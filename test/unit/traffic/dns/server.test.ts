import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import dnsPacket from 'dns-packet';
import { seededRandom } from '../../../../src/shared/random.js';
import { DnsServer } from '../../../../src/traffic/dns/server.js';
import type { ResourceRecordSet } from '../../../../src/traffic/dns/types.js';
import { cidrCollections, latencyMs, locations, seedZone } from './fixtures.js';

const run = promisify(execFile);
const port = 21053;
const health = new Map<string, boolean>();

const manyRecords: ResourceRecordSet = {
  Name: 'many.example.com',
  Type: 'A',
  TTL: 60,
  ResourceRecords: Array.from({ length: 100 }, (_, index) => ({
    Value: `10.1.${Math.floor(index / 250)}.${index % 250}`,
  })),
};

let server: DnsServer;

async function dig(...args: string[]): Promise<string> {
  const { stdout } = await run('/usr/bin/dig', [
    '@127.0.0.1',
    '-p',
    String(port),
    '+time=2',
    '+tries=1',
    ...args,
  ]);
  return stdout;
}

function udpExchange(message: Buffer, timeoutMs = 1000): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      resolve(undefined);
    }, timeoutMs);
    socket.on('message', (reply) => {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    });
    socket.send(message, port, '127.0.0.1');
  });
}

describe('DNS server over real sockets (dig)', () => {
  before(async () => {
    server = new DnsServer({
      port,
      zones: [seedZone([manyRecords])],
      cidrCollections,
      locations,
      latencyMs,
      isHealthy: (id) => health.get(id),
      random: seededRandom(5),
      limits: { tcpIdleTimeoutMs: 2000 },
    });
    await server.start();
  });
  after(async () => {
    await server.stop();
  });

  test('each location gets its own answer (dig -b <location address>)', async () => {
    assert.equal((await dig('-b', '127.1.0.10', 'app.example.com', 'A', '+short')).trim(), '127.0.1.2');
    assert.equal((await dig('-b', '127.3.0.10', 'app.example.com', 'A', '+short')).trim(), '127.0.2.2');
  });

  test('a failed health check moves Europe to us-east-1; recovery moves it back', async () => {
    health.set('hc-euw1', false);
    assert.equal((await dig('-b', '127.3.0.10', 'app.example.com', '+short')).trim(), '127.0.1.2');
    health.delete('hc-euw1');
    assert.equal((await dig('-b', '127.3.0.10', 'app.example.com', '+short')).trim(), '127.0.2.2');
  });

  test('EDNS Client Subnet overrides the source and is echoed with a scope', async () => {
    const output = await dig('-b', '127.1.0.10', '+subnet=127.3.5.0/24', 'app.example.com', 'A');
    assert.match(output, /app\.example\.com\.\s+5\s+IN\s+A\s+127\.0\.2\.2/);
    assert.match(output, /CLIENT-SUBNET: 127\.3\.5\.0\/24\/16/);
    assert.match(output, /flags: qr aa/);
  });

  test('TCP answers the same', async () => {
    assert.equal((await dig('+tcp', '-b', '127.3.0.10', 'app.example.com', '+short')).trim(), '127.0.2.2');
  });

  test('large answers: TC over UDP, complete over TCP retry', async () => {
    const truncated = await dig('+ignore', '+noedns', 'many.example.com', 'A');
    assert.match(truncated, /flags: qr aa tc/);
    assert.match(truncated, /ANSWER: 0/);
    const retried = await dig('many.example.com', 'A', '+short');
    assert.equal(retried.trim().split('\n').length, 100);
  });

  test('EDNS payload size raises the UDP limit up to our maximum', async () => {
    const output = await dig('+ignore', '+bufsize=4096', 'many.example.com', 'A');
    assert.match(output, /flags: qr aa tc/); // 100 A records exceed our 1232-byte cap
    const small = await dig('+ignore', '+bufsize=4096', 'app.example.com', 'A');
    assert.doesNotMatch(small, /flags: qr aa tc/);
  });

  test('unknown zone → REFUSED; missing name → NXDOMAIN with SOA', async () => {
    assert.match(await dig('example.org', 'A'), /status: REFUSED/);
    const nxdomain = await dig('nothing.example.com', 'A');
    assert.match(nxdomain, /status: NXDOMAIN/);
    assert.match(nxdomain, /AUTHORITY SECTION:\nexample\.com\.\s+900\s+IN\s+SOA/);
  });

  test('garbage → FORMERR, non-QUERY opcode → NOTIMP, too-short messages dropped', async () => {
    const garbage = Buffer.from([0x12, 0x34, 0x01, 0x00, 0x00, 0x05, 0, 0, 0, 0, 0, 0, 0xff, 0xff]);
    const formerr = await udpExchange(garbage);
    assert.ok(formerr);
    assert.equal(formerr.readUInt16BE(2) & 0xf, 1, 'FORMERR');
    assert.equal(formerr.readUInt16BE(0), 0x1234);
    const query = dnsPacket.encode({
      id: 7,
      type: 'query',
      flags: 2 << 11,
      questions: [{ name: 'example.com', type: 'A' }],
    });
    const notimp = await udpExchange(query);
    assert.ok(notimp);
    assert.equal(notimp.readUInt16BE(2) & 0xf, 4, 'NOTIMP');
    assert.equal(await udpExchange(Buffer.from([1, 2, 3]), 200), undefined);
  });

  test('updateZones changes answers at run time', async () => {
    const extra: ResourceRecordSet = {
      Name: 'new.example.com',
      Type: 'A',
      TTL: 1,
      ResourceRecords: [{ Value: '10.9.9.9' }],
    };
    server.updateZones([seedZone([manyRecords, extra])], cidrCollections);
    assert.equal((await dig('new.example.com', '+short')).trim(), '10.9.9.9');
    assert.throws(
      () => server.updateZones([{ Name: 'bad', ResourceRecordSets: [{ Name: 'x.bad', Type: 'A' }] }]),
      {
        code: 'DnsZonesInvalid',
      },
    );
  });

  test('counts queries by rcode', () => {
    const stats = server.stats;
    assert.ok(stats.queries >= 10);
    assert.ok((stats.byRcode.NOERROR ?? 0) > 0);
    assert.ok((stats.byRcode.REFUSED ?? 0) >= 1);
    assert.ok(stats.truncated >= 2);
    assert.ok(stats.tcpQueries >= 2);
  });

  test('an idle TCP connection is closed after the idle timeout', async () => {
    const socket = connect(port, '127.0.0.1');
    const closedAfterMs = await new Promise<number>((resolve) => {
      const startedMs = Date.now();
      socket.on('close', () => resolve(Date.now() - startedMs));
      socket.on('error', () => undefined);
    });
    assert.ok(closedAfterMs >= 1500 && closedAfterMs < 5000, `closed after ${closedAfterMs} ms`);
  });
});
