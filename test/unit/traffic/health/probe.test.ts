import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ManualClock, systemClock } from '../../../../src/shared/clock.js';
import {
  connectionTimedOut,
  directConnect,
  type ProbeRequest,
  probe,
  searchWindowBytes,
} from '../../../../src/traffic/health/probe.js';
import { type Behaviour, scriptedTransport, settle } from './support.js';

const timeouts = { connectTimeoutMs: 4000, responseTimeoutMs: 2000, tcpConnectTimeoutMs: 10000 };

function request(overrides: Partial<ProbeRequest> = {}): ProbeRequest {
  return {
    type: 'HTTP',
    region: 'eu-west-1',
    host: '127.0.4.2',
    port: 20080,
    hostHeader: 'api.example.com:20080',
    path: '/health',
    timeouts,
    ...overrides,
  };
}

async function run(behaviour: Behaviour, overrides: Partial<ProbeRequest> = {}) {
  const clock = new ManualClock();
  const network = scriptedTransport(() => behaviour);
  const result = probe(request(overrides), '127.3.0.251', { connect: network.connect, clock });
  return { clock, network, result };
}

test('HTTP 200 is a success with an AWS-like status text, sent from the checker with Host and path', async () => {
  const { network, result } = await run({ kind: 'http', status: 200 });
  const outcome = await result;
  assert.equal(outcome.healthy, true);
  assert.equal(outcome.status, 'Success: HTTP Status Code 200, OK');
  const [connection] = network.connections;
  assert.equal(connection?.from, '127.3.0.251');
  assert.equal(connection?.host, '127.0.4.2');
  assert.match(connection?.socket.received ?? '', /^GET \/health HTTP\/1\.1\r\n/);
  assert.match(connection?.socket.received ?? '', /Host: api\.example\.com:20080/);
  assert.match(connection?.socket.received ?? '', /User-Agent: Amazon-Route53-Health-Check-Service/);
});

test('3xx passes and 4xx/5xx fail (Route 53 wants 2xx or 3xx)', async () => {
  assert.equal((await (await run({ kind: 'http', status: 302, reason: 'Found' })).result).healthy, true);
  const failed = await (await run({ kind: 'http', status: 503, reason: 'Service Unavailable' })).result;
  assert.equal(failed.healthy, false);
  assert.equal(failed.status, 'Failure: HTTP Status Code 503, Service Unavailable');
});

test('no connection within connectTimeoutMs: connection timed out', async () => {
  const { clock, result } = await run({ kind: 'hang' });
  let settled = false;
  void result.then(() => {
    settled = true;
  });
  clock.advance(3999);
  await settle();
  assert.equal(settled, false);
  clock.advance(1);
  const outcome = await result;
  assert.equal(outcome.healthy, false);
  assert.equal(outcome.status, connectionTimedOut);
});

test('no status within responseTimeoutMs after connecting: response timed out', async () => {
  const { clock, result } = await run({ kind: 'silent' });
  await settle();
  clock.advance(1999);
  await settle();
  let settled = false;
  void result.then(() => {
    settled = true;
  });
  await settle();
  assert.equal(settled, false);
  clock.advance(1);
  const outcome = await result;
  assert.equal(outcome.healthy, false);
  assert.match(outcome.status, /^Failure: Response timed out/);
});

test('a refused connection fails at once', async () => {
  const outcome = await (await run({ kind: 'refuse' })).result;
  assert.equal(outcome.healthy, false);
  assert.match(outcome.status, /^Failure: Connection refused.*eu-west-1.*20080/);
});

test('TCP: connected is healthy; the TCP limit is the longer one (10 s)', async () => {
  const ok = await (await run({ kind: 'silent' }, { type: 'TCP' })).result;
  assert.equal(ok.healthy, true);
  assert.equal(ok.status, 'Success: TCP connection established.');
  const { clock, network, result } = await run({ kind: 'hang' }, { type: 'TCP' });
  clock.advance(4000);
  await settle();
  assert.equal(network.connections[0]?.socket.received, '', 'a TCP check sends nothing');
  let settled = false;
  void result.then(() => {
    settled = true;
  });
  await settle();
  assert.equal(settled, false, 'still within 10 s');
  clock.advance(6000);
  assert.equal((await result).status, connectionTimedOut);
});

test('string match: found within the first 5,120 bytes', async () => {
  const body = `${'x'.repeat(searchWindowBytes - 7)}healthy${'y'.repeat(3000)}`;
  const outcome = await (
    await run({ kind: 'http', body, chunked: true }, { type: 'HTTP_STR_MATCH', searchString: 'healthy' })
  ).result;
  assert.equal(outcome.healthy, true);
  assert.match(outcome.status, /^Success: HTTP Status Code 200, OK\. Search string "healthy" found/);
});

test('string match: a string that ends after byte 5,120 is not found', async () => {
  const body = `${'x'.repeat(searchWindowBytes - 6)}healthy`;
  const outcome = await (
    await run({ kind: 'http', body }, { type: 'HTTP_STR_MATCH', searchString: 'healthy' })
  ).result;
  assert.equal(outcome.healthy, false);
  assert.match(outcome.status, /not found in the first 5120 bytes/);
});

test('string match: a failing status code fails without looking at the body', async () => {
  const outcome = await (
    await run(
      { kind: 'http', status: 500, reason: 'Internal Server Error', body: 'healthy' },
      {
        type: 'HTTP_STR_MATCH',
        searchString: 'healthy',
      },
    )
  ).result;
  assert.equal(outcome.healthy, false);
  assert.equal(outcome.status, 'Failure: HTTP Status Code 500, Internal Server Error');
});

test('an aborted probe ends at once', async () => {
  const clock = new ManualClock();
  const network = scriptedTransport(() => ({ kind: 'hang' }));
  const controller = new AbortController();
  const result = probe(request(), '127.3.0.251', {
    connect: network.connect,
    clock,
    signal: controller.signal,
  });
  controller.abort();
  assert.equal((await result).healthy, false);
  assert.equal(network.connections[0]?.socket.destroyed, true);
});

test('HTTPS over a real socket: a self-signed certificate does not fail the check (Route 53 does not validate)', async (t) => {
  const directory = mkdtempSync(join(tmpdir(), 'pangea-health-tls-'));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=pangea.test'].concat([
        '-keyout',
        join(directory, 'key.pem'),
        '-out',
        join(directory, 'cert.pem'),
      ]),
      { stdio: 'ignore' },
    );
  } catch {
    t.skip('openssl is not available to make a test certificate');
    return;
  }
  const server = https.createServer(
    { key: readFileSync(join(directory, 'key.pem')), cert: readFileSync(join(directory, 'cert.pem')) },
    (request, response) => {
      response.writeHead(200);
      response.end(`host=${request.headers.host}`);
    },
  );
  await new Promise<void>((resolve) => server.listen(20443, '127.0.4.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  const outcome = await probe(
    request({
      type: 'HTTPS_STR_MATCH',
      host: '127.0.4.1',
      port: 20443,
      searchString: 'host=api.example.com',
    }),
    '127.3.0.251',
    { connect: directConnect, clock: systemClock },
  );
  assert.equal(outcome.healthy, true, outcome.status);
  assert.ok((outcome.latencyMs ?? -1) >= 0);
});
