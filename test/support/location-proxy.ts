/**
 * A tiny HTTP forward proxy that puts a client (a browser) at a client location of the world.
 *
 * The world tells where a client is from the source address of its connections (a client bound to
 * 127.3.0.10 is in Europe). A browser cannot choose its source address, so it is pointed at this
 * proxy (`--proxy-server=http://127.0.0.1:<port>` and `--proxy-bypass-list=<-loopback>`, or
 * loopback would bypass the proxy), and the proxy opens every upstream connection from the
 * location's address (`localAddress`). The browser then travels the location's WAN links and pays
 * their latency, exactly like `curl --interface 127.3.0.10`.
 *
 * Plain HTTP requests (absolute-form request targets) are forwarded over keep-alive connections
 * from the location address; like a browser, a request that fails on a reused keep-alive
 * connection before any answer came back (the server closed it meanwhile, e.g. its region died) is
 * sent once more on a new connection. CONNECT is tunnelled from the location address too. Only
 * loopback destinations are served.
 */
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
} from 'node:http';
import { connect, isIP } from 'node:net';

export interface LocationProxy {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Requests forwarded (tunnels count once). */
  readonly forwarded: number;
  /** Requests sent again after a reused connection failed. */
  readonly retried: number;
  close(): Promise<void>;
}

const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!hopByHop.has(name)) out[name] = value;
  return out;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || (isIP(host) === 4 && host.startsWith('127.'));
}

const maxBodyBytes = 1024 * 1024;

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) throw new Error('request body too large for the location proxy');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function startLocationProxy(localAddress: string, host = '127.0.0.1'): Promise<LocationProxy> {
  const agent = new Agent({ keepAlive: true, maxSockets: 16, localAddress });
  let forwarded = 0;
  let retried = 0;

  const server: Server = createServer(async (request, response) => {
    let target: URL;
    try {
      target = new URL(request.url ?? '');
    } catch {
      response
        .writeHead(400, { 'content-type': 'text/plain' })
        .end('location proxy: absolute URL expected\n');
      return;
    }
    if (target.protocol !== 'http:' || !isLoopback(target.hostname)) {
      response.writeHead(403, { 'content-type': 'text/plain' }).end('location proxy: loopback http only\n');
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(request);
    } catch (error) {
      response.writeHead(413, { 'content-type': 'text/plain' }).end(`location proxy: ${error}\n`);
      return;
    }
    forwarded += 1;
    const headers = endToEnd(request.headers);
    if (body.length > 0 || request.headers['content-length'] !== undefined)
      headers['content-length'] = String(body.length);

    const attempt = (retry: boolean) => {
      const upstream = httpRequest({
        host: target.hostname,
        port: target.port || 80,
        method: request.method,
        path: `${target.pathname}${target.search}`,
        headers,
        agent,
      });
      upstream.on('response', (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.headers));
        answer.pipe(response);
        answer.on('error', () => response.destroy());
      });
      upstream.on('error', (error: NodeJS.ErrnoException) => {
        if (!retry && upstream.reusedSocket && !response.headersSent) {
          retried += 1;
          attempt(true);
          return;
        }
        if (response.headersSent) response.destroy();
        else
          response
            .writeHead(502, { 'content-type': 'text/plain' })
            .end(`location proxy: upstream ${target.host} failed (${error.code ?? error.message})\n`);
      });
      upstream.end(body);
    };
    attempt(false);
  });

  server.on('connect', (request, clientSocket, head) => {
    const [hostname = '', portText = '443'] = (request.url ?? '').split(':');
    if (!isLoopback(hostname)) {
      clientSocket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    forwarded += 1;
    const upstream = connect({ host: hostname, port: Number(portText), localAddress }, () => {
      clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(clientSocket);
      clientSocket.pipe(upstream);
    });
    upstream.on('error', () => clientSocket.destroy());
    clientSocket.on('error', () => upstream.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://${host}:${port}`,
    port,
    get forwarded() {
      return forwarded;
    },
    get retried() {
      return retried;
    },
    async close() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
