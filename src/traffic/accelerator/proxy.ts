/**
 * The accelerator's data path. Every upstream connection is opened from the client's own address
 * to the endpoint region's WAN face, so the WAN fabric charges the client's location→region link
 * exactly as if the client had connected there itself.
 *
 * TCP mode is a byte pipe (no per-byte work; backpressure through `pipe`). HTTP mode (Pangea's
 * extension) parses HTTP/1.1, routes each request, and keeps upstream keep-alive pools per
 * (client address, endpoint) so requests do not pay a fresh connection's modelled handshake.
 */
import http from 'node:http';
import net from 'node:net';
import { PangeaError } from '../../shared/errors.js';
import type { FlowKey, RouteDecision } from './routing.js';
import type { ResolvedEndpoint, ResolvedListener, RoutedEndpoint } from './types.js';

export interface ProxyLimits {
  /** Established connections close after this long without data (GA: 340 s for TCP). */
  idleTimeoutMs: number;
  maxConnections: number;
  /** Upstream keep-alive pools, one per (client address, endpoint); the least recently used is closed. */
  maxPools: number;
  maxSocketsPerPool: number;
  /** Request bodies are held so a failed attempt can be replayed; larger bodies get 413. */
  maxRequestBodyBytes: number;
}

export interface ListenerRuntime {
  /** The listener's current configuration (run-time updates swap it). */
  listener(): ResolvedListener;
  decide(flow: FlowKey, exclude?: ReadonlySet<string>): RouteDecision<RoutedEndpoint> | undefined;
  counted(flow: FlowKey, decision: RouteDecision<RoutedEndpoint>, kind: 'connections' | 'requests'): void;
  /** An upstream attempt failed; with passive failover on, the endpoint is out for new requests. */
  upstreamFailed(decision: RouteDecision<RoutedEndpoint>, detail: string): void;
  retried(flow: FlowKey, failed: RouteDecision<RoutedEndpoint>, next: RouteDecision<RoutedEndpoint>): void;
}

export interface ProxyServer {
  readonly port: number;
  readonly openConnections: number;
  /** Stops accepting; `drain` false also cuts established connections. */
  close(drain: boolean): Promise<void>;
}

const plainAddress = (address: string | undefined): string =>
  address?.startsWith('::ffff:') ? address.slice(7) : (address ?? '127.0.0.1');

function flowOf(socket: net.Socket): FlowKey {
  return {
    sourceAddress: plainAddress(socket.remoteAddress),
    sourcePort: socket.remotePort ?? 0,
    destinationAddress: plainAddress(socket.localAddress),
    destinationPort: socket.localPort ?? 0,
  };
}

function listen(server: net.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(
        new PangeaError(
          'PortInUse',
          `accelerator cannot listen on ${host}:${port}: ${error.code ?? error.message}`,
        ),
      );
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function trackSockets(server: net.Server): Set<net.Socket> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return sockets;
}

function closer(server: net.Server, sockets: Set<net.Socket>, extra: () => void = () => {}) {
  return (drain: boolean) =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      if (!drain) {
        for (const socket of sockets) socket.destroy();
        extra();
      }
    });
}

// ---------------------------------------------------------------------------------------------
// TCP mode

export async function startTcpProxy(
  host: string,
  port: number,
  runtime: ListenerRuntime,
  limits: ProxyLimits,
): Promise<ProxyServer> {
  const server = net.createServer({ noDelay: true, allowHalfOpen: true }, (client) =>
    pipeConnection(client, runtime, limits),
  );
  server.maxConnections = limits.maxConnections;
  const sockets = trackSockets(server);
  await listen(server, host, port);
  return {
    port,
    get openConnections() {
      return sockets.size;
    },
    close: closer(server, sockets),
  };
}

function pipeConnection(client: net.Socket, runtime: ListenerRuntime, limits: ProxyLimits): void {
  const flow = flowOf(client);
  const decision = runtime.decide(flow);
  if (!decision) {
    client.destroy();
    return;
  }
  runtime.counted(flow, decision, 'connections');
  const { endpoint } = decision;
  const upstream = net.connect({
    host: endpoint.wanHost,
    port: endpoint.port,
    localAddress: flow.sourceAddress,
    noDelay: true,
    allowHalfOpen: true,
  });
  const teardown = () => {
    client.destroy();
    upstream.destroy();
  };
  // Half-closes travel through `pipe` (end → end); anything else ends both sides.
  client.pipe(upstream);
  upstream.pipe(client);
  client.setTimeout(limits.idleTimeoutMs, teardown);
  client.on('error', teardown).on('close', teardown);
  upstream.on('error', teardown).on('close', teardown);
}

// ---------------------------------------------------------------------------------------------
// HTTP mode

const hopByHopHeaders = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
const idempotentMethods = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']);
/** A 5xx body held for a possible retry is at most this large; larger ones are passed through. */
const maxHeldErrorBodyBytes = 64 * 1024;

export function isIdempotent(request: http.IncomingMessage): boolean {
  return idempotentMethods.has(request.method ?? '') || request.headers['idempotency-key'] !== undefined;
}

/** Bounded keep-alive pools keyed by (client address, endpoint); Map order doubles as LRU order. */
class UpstreamPools {
  private readonly agents = new Map<string, http.Agent>();

  constructor(private readonly limits: ProxyLimits) {}

  get(clientAddress: string, endpoint: ResolvedEndpoint): http.Agent {
    const key = `${clientAddress}|${endpoint.wanHost}:${endpoint.port}`;
    let agent = this.agents.get(key);
    if (agent) {
      this.agents.delete(key);
    } else {
      agent = new http.Agent({
        keepAlive: true,
        maxSockets: this.limits.maxSocketsPerPool,
        maxFreeSockets: this.limits.maxSocketsPerPool,
        localAddress: clientAddress,
        timeout: this.limits.idleTimeoutMs,
      });
      const oldest = this.agents.size >= this.limits.maxPools ? this.agents.keys().next().value : undefined;
      if (oldest !== undefined) {
        this.agents.get(oldest)?.destroy();
        this.agents.delete(oldest);
      }
    }
    this.agents.set(key, agent);
    return agent;
  }

  destroy(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}

export async function startHttpProxy(
  host: string,
  port: number,
  runtime: ListenerRuntime,
  limits: ProxyLimits,
): Promise<ProxyServer> {
  const pools = new UpstreamPools(limits);
  const server = http.createServer({ noDelay: true, keepAlive: true }, (request, response) => {
    void proxyRequest(request, response, runtime, pools, limits);
  });
  server.maxConnections = limits.maxConnections;
  server.keepAliveTimeout = limits.idleTimeoutMs;
  server.timeout = limits.idleTimeoutMs;
  const sockets = trackSockets(server);
  await listen(server, host, port);
  return {
    port,
    get openConnections() {
      return sockets.size;
    },
    close: closer(server, sockets, () => pools.destroy()),
  };
}

type AttemptOutcome =
  | { kind: 'done' }
  | {
      kind: 'failed';
      detail: string;
      nothingSent: boolean;
      reusedSocket: boolean;
      heldResponse?: HeldResponse;
    };

interface HeldResponse {
  statusCode: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

async function proxyRequest(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  runtime: ListenerRuntime,
  pools: UpstreamPools,
  limits: ProxyLimits,
): Promise<void> {
  const flow = flowOf(request.socket);
  const body = await readBody(request, limits.maxRequestBodyBytes);
  if (body === 'aborted') return;
  if (body === 'too-large') {
    sendError(
      response,
      413,
      'RequestTooLarge',
      `request bodies above ${limits.maxRequestBodyBytes} bytes are refused`,
    );
    return;
  }
  const { passiveFailover, groups } = runtime.listener();
  const retryElsewhere = passiveFailover.Enabled && passiveFailover.RetryIdempotent && isIdempotent(request);
  const endpointCount = groups.reduce((total, group) => total + group.endpoints.length, 0);
  const maxAttempts = retryElsewhere ? Math.max(1, endpointCount) + 1 : 2;
  const tried = new Set<string>();
  let decision = runtime.decide(flow);
  let lastFailure: Extract<AttemptOutcome, { kind: 'failed' }> | undefined;
  for (let attempt = 0; decision && attempt < maxAttempts; attempt++) {
    runtime.counted(flow, decision, 'requests');
    const outcome = await forward(request, response, body, decision.endpoint, pools, retryElsewhere);
    if (outcome.kind === 'done') return;
    lastFailure = outcome;
    // A kept-alive socket the server had just closed is not the endpoint's fault: retry it once, fresh.
    const staleSocket = outcome.reusedSocket && !outcome.heldResponse && attempt === 0;
    if (!staleSocket) {
      runtime.upstreamFailed(decision, outcome.detail);
      if (response.headersSent || response.destroyed) return;
      tried.add(decision.endpoint.key);
      const mayMove = retryElsewhere || (passiveFailover.Enabled && outcome.nothingSent);
      if (!mayMove) break;
    }
    const next = staleSocket ? decision : runtime.decide(flow, tried);
    if (!next || tried.has(next.endpoint.key)) break;
    if (next.endpoint.key !== decision.endpoint.key) runtime.retried(flow, decision, next);
    decision = next;
  }
  if (response.headersSent || response.destroyed) return;
  if (lastFailure?.heldResponse) {
    const held = lastFailure.heldResponse;
    response.writeHead(held.statusCode, withoutHopByHop(held.headers));
    response.end(held.body);
    return;
  }
  if (!decision)
    sendError(response, 503, 'AcceleratorNoEndpoint', 'the listener has no endpoint to route to');
  else sendError(response, 502, 'AcceleratorUpstreamFailed', lastFailure?.detail ?? 'upstream failed');
}

function readBody(
  request: http.IncomingMessage,
  maxBytes: number,
): Promise<Buffer | 'too-large' | 'aborted'> {
  const hasBody =
    request.headers['content-length'] !== undefined || request.headers['transfer-encoding'] !== undefined;
  if (!hasBody) return Promise.resolve(Buffer.alloc(0));
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxBytes) return Promise.resolve('too-large');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        request.destroy();
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks, size)));
    request.on('error', () => resolve('aborted'));
  });
}

function withoutHopByHop(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const result: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !hopByHopHeaders.has(name)) result[name] = value;
  }
  return result;
}

function forward(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  body: Buffer,
  endpoint: ResolvedEndpoint,
  pools: UpstreamPools,
  holdServerErrors: boolean,
): Promise<AttemptOutcome> {
  const clientAddress = plainAddress(request.socket.remoteAddress);
  const headers = withoutHopByHop(request.headers);
  if (body.length > 0 || request.headers['content-length'] !== undefined)
    headers['content-length'] = body.length;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: AttemptOutcome) => {
      if (settled) return;
      settled = true;
      response.off('close', abandon);
      resolve(outcome);
    };
    const upstream = http.request({
      host: endpoint.wanHost,
      port: endpoint.port,
      method: request.method,
      path: request.url,
      headers,
      agent: pools.get(clientAddress, endpoint),
    });
    // The client went away: stop the upstream exchange too.
    const abandon = () => {
      if (!response.writableFinished) upstream.destroy();
      settle({ kind: 'done' });
    };
    response.on('close', abandon);
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      settle({
        kind: 'failed',
        detail: error.code ?? error.message,
        // Refused at connect: not one byte of the request left, so any method may go elsewhere.
        nothingSent: error.code === 'ECONNREFUSED',
        reusedSocket: upstream.reusedSocket,
      });
    });
    upstream.on('response', (upstreamResponse) => {
      const status = upstreamResponse.statusCode ?? 502;
      if (status >= 500) {
        holdOrPass(upstreamResponse, response, holdServerErrors, upstream.reusedSocket, settle);
        return;
      }
      relay(upstreamResponse, response, () => settle({ kind: 'done' }));
    });
    upstream.end(body);
  });
}

function relay(
  upstreamResponse: http.IncomingMessage,
  response: http.ServerResponse,
  done: () => void,
): void {
  response.writeHead(upstreamResponse.statusCode ?? 502, withoutHopByHop(upstreamResponse.headers));
  upstreamResponse.pipe(response);
  upstreamResponse.on('end', done);
  // Cut mid-body: the client must see a broken response, not a short one.
  upstreamResponse.on('error', () => {
    response.destroy();
    done();
  });
  upstreamResponse.on('aborted', () => response.destroy());
}

/** A 5xx marks the endpoint failed; when a retry may follow, its body is held instead of sent. */
function holdOrPass(
  upstreamResponse: http.IncomingMessage,
  response: http.ServerResponse,
  hold: boolean,
  reusedSocket: boolean,
  settle: (outcome: AttemptOutcome) => void,
): void {
  const status = upstreamResponse.statusCode ?? 502;
  const detail = `HTTP ${status}`;
  const declared = Number(upstreamResponse.headers['content-length'] ?? 0);
  if (!hold || declared > maxHeldErrorBodyBytes) {
    relay(upstreamResponse, response, () =>
      settle({ kind: 'failed', detail, nothingSent: false, reusedSocket: false }),
    );
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  upstreamResponse.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= maxHeldErrorBodyBytes) chunks.push(chunk);
  });
  upstreamResponse.on('end', () =>
    settle({
      kind: 'failed',
      detail,
      nothingSent: false,
      reusedSocket,
      heldResponse: { statusCode: status, headers: upstreamResponse.headers, body: Buffer.concat(chunks) },
    }),
  );
  upstreamResponse.on('error', () => settle({ kind: 'failed', detail, nothingSent: false, reusedSocket }));
}

function sendError(response: http.ServerResponse, status: number, code: string, message: string): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const payload = JSON.stringify({ code, message });
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  });
  response.end(payload);
}
