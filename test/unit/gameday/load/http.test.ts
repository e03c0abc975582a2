import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { LoadOpError } from '../../../../src/gameday/load/errors.js';
import { KeepAliveHttp } from '../../../../src/gameday/load/http.js';

const clientAddress = '127.3.0.10';

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
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

describe('KeepAliveHttp', () => {
  let server: Server;
  let port = 0;
  const peers: string[] = [];
  let connections = 0;
  /** Requests on a connection after its first are dropped without an answer (a closed idle connection). */
  let dropReused = false;
  const served = new WeakMap<object, number>();

  before(async () => {
    server = createServer((request, response) => {
      peers.push(request.socket.remoteAddress ?? '');
      const count = (served.get(request.socket) ?? 0) + 1;
      served.set(request.socket, count);
      if (dropReused && count > 1) {
        request.socket.destroy();
        return;
      }
      if (request.url === '/hang') return; // never answers
      if (request.url === '/cut') {
        response.writeHead(200, { 'content-length': '100' });
        response.write('partial');
        setTimeout(() => request.socket.destroy(), 20);
        return;
      }
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'application/json', 'x-pangea-region': 'r-1' });
        response.end(JSON.stringify({ path: request.url, body: Buffer.concat(chunks).toString() }));
      });
    });
    server.on('connection', () => {
      connections += 1;
    });
    port = await listen(server);
  });

  after(() => {
    server.closeAllConnections();
    server.close();
  });

  test('sends from the client address over one kept-alive connection', async () => {
    const http = new KeepAliveHttp(clientAddress);
    const run = new AbortController();
    const before = connections;
    for (let i = 0; i < 3; i++) {
      const answer = await http.send(
        { host: '127.0.0.1', port, method: 'POST', path: `/x${i}`, json: { i } },
        2000,
        run.signal,
      );
      assert.equal(answer.status, 200);
      assert.equal(answer.headers['x-pangea-region'], 'r-1');
      assert.deepEqual(JSON.parse(answer.body.toString()), { path: `/x${i}`, body: JSON.stringify({ i }) });
    }
    assert.equal(connections - before, 1);
    assert.equal(peers.at(-1), clientAddress);
    http.close();
  });

  test('a reused connection that fails before an answer is retried once on a new one', async () => {
    const http = new KeepAliveHttp(clientAddress);
    const run = new AbortController();
    await http.send({ host: '127.0.0.1', port, method: 'GET', path: '/a' }, 2000, run.signal);
    dropReused = true;
    try {
      const answer = await http.send(
        { host: '127.0.0.1', port, method: 'POST', path: '/b' },
        2000,
        run.signal,
      );
      assert.equal(answer.status, 200);
      assert.equal(http.retried, 1);
    } finally {
      dropReused = false;
      http.close();
    }
  });

  test('a new connection that fails is not retried', async () => {
    const http = new KeepAliveHttp(clientAddress);
    const dropping = createServer((request) => request.socket.destroy());
    const droppingPort = await listen(dropping);
    try {
      const error = await failure(
        http.send(
          { host: '127.0.0.1', port: droppingPort, method: 'PUT', path: '/c' },
          2000,
          new AbortController().signal,
        ),
      );
      assert.equal(error.code, 'ECONNRESET');
      assert.equal(error.requestSent, true, 'the request went out on an established connection');
      assert.equal(http.retried, 0);
    } finally {
      dropping.close();
      http.close();
    }
  });

  test('timeouts, refused connections, cut answers and aborts are classified', async () => {
    const http = new KeepAliveHttp(clientAddress);
    const run = new AbortController();
    const timedOut = await failure(
      http.send({ host: '127.0.0.1', port, method: 'POST', path: '/hang' }, 100, run.signal),
    );
    assert.equal(timedOut.code, 'Timeout');
    assert.equal(timedOut.requestSent, true);

    const closed = createServer();
    const closedPort = await listen(closed);
    closed.close();
    const refused = await failure(
      http.send({ host: '127.0.0.1', port: closedPort, method: 'GET', path: '/' }, 1000, run.signal),
    );
    assert.equal(refused.code, 'ECONNREFUSED');
    assert.equal(refused.requestSent, false);

    const cut = await failure(
      http.send({ host: '127.0.0.1', port, method: 'GET', path: '/cut' }, 2000, run.signal),
    );
    assert.equal(cut.code, 'ECONNRESET');
    assert.equal(cut.requestSent, true);

    const pending = http.send({ host: '127.0.0.1', port, method: 'POST', path: '/hang' }, 5000, run.signal);
    setTimeout(() => run.abort(), 50);
    const startedMs = performance.now();
    const aborted = await failure(pending);
    assert.equal(aborted.code, 'Aborted');
    assert.ok(performance.now() - startedMs < 1000, 'abort ends the request promptly');
    const late = await failure(
      http.send({ host: '127.0.0.1', port, method: 'GET', path: '/' }, 1000, run.signal),
    );
    assert.equal(late.code, 'Aborted');
    assert.equal(late.requestSent, false);
    http.close();
  });
});
