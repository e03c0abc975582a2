/**
 * One health-check attempt from one checker location, with Route 53's rules
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html):
 *  - HTTP/HTTPS: a TCP connection within 4 s (the profile's connectTimeoutMs), then an HTTP status
 *    2xx or 3xx within 2 s after connecting (responseTimeoutMs). HTTPS does not validate the
 *    certificate.
 *  - *_STR_MATCH: as above, then the body within another 2 s; the search string must lie entirely
 *    within the first 5,120 bytes.
 *  - TCP: a connection within 10 s; the profile's connectTimeoutMs × 2.5 keeps AWS's 4 s : 10 s ratio.
 * The status texts imitate GetHealthCheckStatus's StatusReport.Status.
 */
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { EndpointCheckType } from './types.js';

/** Route 53 searches only this much of the body for SearchString. */
export const searchWindowBytes = 5120;

export const healthCheckUserAgent = 'Amazon-Route53-Health-Check-Service (Pangea)';

export interface ProbeTimeouts {
  connectTimeoutMs: number;
  responseTimeoutMs: number;
  tcpConnectTimeoutMs: number;
}

export interface ProbeRequest {
  type: EndpointCheckType;
  /** The target region's name (for messages). */
  region: string;
  /** Where to connect: the target region's WAN face. */
  host: string;
  port: number;
  hostHeader: string;
  path: string;
  searchString?: string;
  /** TLS SNI (EnableSNI with a FullyQualifiedDomainName). */
  servername?: string;
  timeouts: ProbeTimeouts;
}

export interface ProbeResult {
  healthy: boolean;
  /** AWS-like status text, e.g. "Success: HTTP Status Code 200, OK". */
  status: string;
  /** Start of the attempt to the decisive answer (connect for TCP, status line for HTTP). */
  latencyMs?: number;
}

/** An outgoing connection as the transport sees it. */
export interface TransportConnection {
  /** The bytes of the connection. */
  socket: Duplex;
  /**
   * Settles when the TCP handshake has completed (resolve) or failed (reject, e.g. refused or reset).
   * Stays pending while the handshake cannot complete (a partitioned link): the probe times out.
   */
  established: Promise<void>;
}

/** Opens a TCP connection from a checker's source address; injected so tests can script the network. */
export type Connect = (fromAddress: string, host: string, port: number) => TransportConnection;

/** A plain connection bound to the checker's address: the fabric sees where it comes from. */
export const directConnect: Connect = (fromAddress, host, port) => {
  const socket = net.connect({ host, port, localAddress: fromAddress, noDelay: true });
  return { socket, established: connected(socket) };
};

/** Resolves on `connect`, rejects when the socket fails or closes first. */
export function connected(socket: net.Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (error?: Error) => reject(error ?? new Error('socket closed'));
    socket.once('connect', () => {
      socket.off('error', fail).off('close', fail);
      resolve();
    });
    socket.once('error', fail).once('close', fail);
  });
}

export interface ProbeOptions {
  connect: Connect;
  clock: Clock;
  signal?: AbortSignal;
}

export const connectionTimedOut =
  'Failure: Connection timed out. The endpoint or the internet connection is down, or requests are being blocked by your firewall.';

export function probe(
  request: ProbeRequest,
  fromAddress: string,
  options: ProbeOptions,
): Promise<ProbeResult> {
  return new Promise((resolve) => new ProbeAttempt(request, fromAddress, options, resolve).start());
}

/** The state of one attempt: every path ends in `finish`, which releases timers and sockets once. */
class ProbeAttempt {
  private readonly startedAtMs: number;
  private timer: TimerHandle | undefined;
  private socket: Duplex | undefined;
  private httpRequest: http.ClientRequest | undefined;
  private isConnected = false;
  private done = false;

  constructor(
    private readonly request: ProbeRequest,
    private readonly fromAddress: string,
    private readonly options: ProbeOptions,
    private readonly resolve: (result: ProbeResult) => void,
  ) {
    this.startedAtMs = options.clock.nowMs();
  }

  start(): void {
    const { signal } = this.options;
    if (signal?.aborted) {
      this.onAbort();
      return;
    }
    signal?.addEventListener('abort', this.onAbort, { once: true });
    const { connectTimeoutMs, tcpConnectTimeoutMs } = this.request.timeouts;
    const isTcp = this.request.type === 'TCP';
    this.arm(isTcp ? tcpConnectTimeoutMs : connectTimeoutMs, () => this.finish(false, connectionTimedOut));
    let connection: TransportConnection;
    try {
      connection = this.options.connect(this.fromAddress, this.request.host, this.request.port);
    } catch (error) {
      this.finish(false, `Failure: Could not connect: ${(error as Error).message}.`);
      return;
    }
    this.socket = connection.socket;
    this.socket.on('error', () => {});
    connection.established.then(
      () => this.onConnected(),
      (error: NodeJS.ErrnoException) => this.onConnectFailed(error),
    );
    if (!isTcp) this.sendRequest(connection.socket);
  }

  private readonly onAbort = () => this.finish(false, 'Failure: The check was cancelled.');

  private onConnected(): void {
    if (this.done) return;
    this.isConnected = true;
    if (this.request.type === 'TCP') {
      this.finish(true, 'Success: TCP connection established.');
      return;
    }
    const seconds = this.request.timeouts.responseTimeoutMs / 1000;
    this.arm(this.request.timeouts.responseTimeoutMs, () =>
      this.finish(
        false,
        `Failure: Response timed out. The endpoint did not respond with an HTTP status code within ${seconds} seconds after connecting.`,
      ),
    );
  }

  private onConnectFailed(error: NodeJS.ErrnoException): void {
    if (error.code === 'ECONNREFUSED' || !this.isConnected) {
      this.finish(
        false,
        `Failure: Connection refused. The endpoint in ${this.request.region} is not accepting connections on port ${this.request.port}.`,
      );
    }
  }

  private sendRequest(raw: Duplex): void {
    const secure = this.request.type.startsWith('HTTPS');
    const stream = secure
      ? tls.connect({ socket: raw, rejectUnauthorized: false, servername: this.request.servername })
      : raw;
    stream.on('error', () => {});
    const request = http.request({
      method: 'GET',
      path: this.request.path,
      headers: { Host: this.request.hostHeader, 'User-Agent': healthCheckUserAgent, Connection: 'close' },
      createConnection: () => stream as net.Socket,
    });
    this.httpRequest = request;
    request.on('response', (response) => this.onResponse(response));
    request.on('error', (error: NodeJS.ErrnoException) => this.onRequestError(error));
    request.end();
  }

  private onRequestError(error: NodeJS.ErrnoException): void {
    if (this.done) return;
    if (!this.isConnected) {
      this.onConnectFailed(error);
      return;
    }
    this.finish(
      false,
      `Failure: The connection was closed before the endpoint sent an HTTP status code (${error.code ?? error.message}).`,
    );
  }

  private onResponse(response: http.IncomingMessage): void {
    if (this.done) return;
    const code = response.statusCode ?? 0;
    const statusText = `HTTP Status Code ${code}, ${response.statusMessage || http.STATUS_CODES[code] || ''}`;
    const passed = code >= 200 && code < 400;
    if (!passed || this.request.searchString === undefined) {
      this.finish(passed, `${passed ? 'Success' : 'Failure'}: ${statusText}`);
      return;
    }
    const latencyMs = this.elapsedMs();
    const searchString = this.request.searchString;
    const seconds = this.request.timeouts.responseTimeoutMs / 1000;
    // Route 53 waits another 2 s (responseTimeoutMs) for the body after the status code.
    this.arm(this.request.timeouts.responseTimeoutMs, () =>
      this.finish(
        false,
        `Failure: ${statusText}. The response body did not arrive within ${seconds} seconds.`,
        latencyMs,
      ),
    );
    collectPrefix(response, searchWindowBytes, (prefix) => {
      const found = prefix.includes(Buffer.from(searchString, 'utf8'));
      const verdict = found
        ? `Success: ${statusText}. Search string "${searchString}" found in the response body.`
        : `Failure: ${statusText}. Search string "${searchString}" was not found in the first ${searchWindowBytes} bytes of the response body.`;
      this.finish(found, verdict, latencyMs);
    });
  }

  private arm(delayMs: number, onExpiry: () => void): void {
    if (this.timer) this.options.clock.clearTimer(this.timer);
    this.timer = this.options.clock.setTimer(onExpiry, delayMs);
  }

  private elapsedMs(): number {
    return Math.round((this.options.clock.nowMs() - this.startedAtMs) * 10) / 10;
  }

  private finish(healthy: boolean, status: string, latencyMs?: number): void {
    if (this.done) return;
    this.done = true;
    if (this.timer) this.options.clock.clearTimer(this.timer);
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.httpRequest?.destroy();
    this.socket?.destroy();
    const measured = latencyMs ?? (healthy ? this.elapsedMs() : undefined);
    this.resolve(measured === undefined ? { healthy, status } : { healthy, status, latencyMs: measured });
  }
}

/** Calls back with the first `limit` bytes of the body (or all of it, when shorter), then stops reading. */
function collectPrefix(body: http.IncomingMessage, limit: number, onPrefix: (prefix: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let length = 0;
  let delivered = false;
  const deliver = () => {
    if (delivered) return;
    delivered = true;
    onPrefix(Buffer.concat(chunks, length).subarray(0, limit));
  };
  body.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    length += chunk.length;
    if (length >= limit) deliver();
  });
  body.on('end', deliver);
  body.on('error', () => {});
}
