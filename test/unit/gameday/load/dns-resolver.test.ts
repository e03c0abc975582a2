import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, describe, test } from 'node:test';
import dnsPacket from 'dns-packet';
import { CachingResolver, queryAddress } from '../../../../src/gameday/load/dns-resolver.js';
import { LoadOpError } from '../../../../src/gameday/load/errors.js';

interface FakeDns {
  port: number;
  queries: Array<{ name: string; from: string }>;
  close(): void;
}

/** Answers `<ttl>.example.com` with 127.0.4.2 and that TTL, `missing.example.com` with NXDOMAIN, ignores `silent.*`. */
function startFakeDns(): Promise<FakeDns> {
  const socket: Socket = createSocket('udp4');
  const queries: FakeDns['queries'] = [];
  socket.on('message', (bytes, peer) => {
    const query = dnsPacket.decode(bytes);
    const name = query.questions?.[0]?.name ?? '';
    queries.push({ name, from: peer.address });
    if (name.startsWith('silent.')) return;
    const ttl = Number(name.split('.')[0]);
    const answer = dnsPacket.encode({
      type: 'response',
      id: query.id,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | (name.startsWith('missing.') ? 3 : 0),
      questions: query.questions,
      answers: Number.isFinite(ttl) ? [{ type: 'A', name, ttl, class: 'IN', data: '127.0.4.2' }] : [],
    });
    // A stray reply with another id first: the resolver must wait for its own.
    socket.send(
      dnsPacket.encode({ type: 'response', id: ((query.id ?? 0) + 1) % 65536, answers: [] }),
      peer.port,
      peer.address,
    );
    socket.send(answer, peer.port, peer.address);
  });
  return new Promise((resolve) => {
    socket.bind(0, '127.0.0.1', () =>
      resolve({ port: socket.address().port, queries, close: () => socket.close() }),
    );
  });
}

async function failure(promise: Promise<unknown>): Promise<LoadOpError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof LoadOpError, String(error));
    return error;
  }
  assert.fail('expected a failure');
}

describe('DNS resolution from a client address', () => {
  let dns: FakeDns;
  const signal = new AbortController().signal;
  before(async () => {
    dns = await startFakeDns();
  });
  after(() => dns.close());

  test('queries from the client address and returns the address and TTL', async () => {
    const server = { host: '127.0.0.1', port: dns.port };
    const answer = await queryAddress(server, '30.example.com', '127.3.0.10', 1000, signal);
    assert.deepEqual(answer, { address: '127.0.4.2', ttlSeconds: 30 });
    assert.deepEqual(dns.queries.at(-1), { name: '30.example.com', from: '127.3.0.10' });
  });

  test('caches for the TTL, capped at 60 s; TTL 0 is not cached', async () => {
    const server = { host: '127.0.0.1', port: dns.port };
    let now = 0;
    const count = (name: string) => dns.queries.filter((query) => query.name === name).length;
    const one = new CachingResolver(server, '1.example.com', '127.1.0.10', () => now);
    await one.resolve(1000, signal);
    await one.resolve(1000, signal);
    assert.equal(count('1.example.com'), 1);
    now = 1000;
    await one.resolve(1000, signal);
    assert.equal(count('1.example.com'), 2, 'expired after 1 s');

    const long = new CachingResolver(server, '86400.example.com', '127.1.0.10', () => now);
    await long.resolve(1000, signal);
    now += 59_999;
    await long.resolve(1000, signal);
    assert.equal(count('86400.example.com'), 1);
    now += 1;
    await long.resolve(1000, signal);
    assert.equal(count('86400.example.com'), 2, 'capped at 60 s');

    const zero = new CachingResolver(server, '0.example.com', '127.1.0.10', () => now);
    await zero.resolve(1000, signal);
    await zero.resolve(1000, signal);
    assert.equal(count('0.example.com'), 2);
  });

  test('NXDOMAIN and empty answers are DnsNoAnswer; silence is DnsTimeout', async () => {
    const server = { host: '127.0.0.1', port: dns.port };
    assert.equal(
      (await failure(queryAddress(server, 'missing.example.com', '127.3.0.10', 1000, signal))).code,
      'DnsNoAnswer',
    );
    assert.equal(
      (await failure(queryAddress(server, 'none.example.com', '127.3.0.10', 1000, signal))).code,
      'DnsNoAnswer',
    );
    const timedOut = await failure(queryAddress(server, 'silent.example.com', '127.3.0.10', 100, signal));
    assert.equal(timedOut.code, 'DnsTimeout');
    assert.equal(timedOut.requestSent, false);
    const run = new AbortController();
    const pending = queryAddress(server, 'silent.example.com', '127.3.0.10', 5000, run.signal);
    run.abort();
    assert.equal((await failure(pending)).code, 'Aborted');
  });
});
