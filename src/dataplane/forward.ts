/**
 * Streaming HTTP forwarding of DynamoDB requests to another endpoint, shared by the world's edge
 * (edge.ts) and by regional endpoints that pass on requests signed for another region.
 *
 * Only the headers are read before forwarding; bodies flow through in both directions, and the
 * answer is relayed unchanged (status, headers such as x-amz-crc32 and x-amzn-RequestId, body).
 * Connections to each destination are kept alive, bounded per destination.
 *
 * Cross-region forwarding (`regionForwarding`): the AWS SDK reaches another region's DynamoDB with
 * `region: <other>` and, under Pangea, the same AWS_ENDPOINT_URL_DYNAMODB: the local regional
 * endpoint. On AWS that request would travel the network to the other region, so here it does:
 * the endpoint connects from its own region's address to the target region's WAN face
 * (127.0.<n>.2), where the fabric applies the link's delay, loss and partitions. When the target
 * cannot be reached (refused, reset, or nothing came back within `responseTimeoutMs`, which is what
 * a partition looks like), the client's connection is destroyed: the SDK sees a network error
 * (ECONNRESET / socket hang up), which it retries and then reports, as it does when a region's
 * endpoint is unreachable. A 503 would instead look like a reachable region that is failing.
 */
import http from 'node:http';
import type { Logger } from 'pino';
import { credentialRegion } from './protocol/sigv4.js';

export interface RegionEndpoint {
  host: string;
  port: number;
}

/** Headers that describe one hop's connection, never forwarded (RFC 9110 §7.6.1). */
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export function endToEndHeaders(rawHeaders: string[]): string[] {
  const headers: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (!hopByHop.has(rawHeaders[i]!.toLowerCase())) headers.push(rawHeaders[i]!, rawHeaders[i + 1]!);
  }
  return headers;
}

export interface ForwarderOptions {
  /** Source address of the forwarded connections (the WAN fabric reads who calls from it). */
  localAddress?: string;
  /** Idle kept-alive sockets are dropped after this (before the destination's own keep-alive timeout). */
  idleTimeoutMs?: number;
  /** Open connections per destination; requests beyond it wait for a free one. */
  maxSocketsPerDestination?: number;
  /** No response headers within this time counts as unreachable (absent: no limit). */
  responseTimeoutMs?: number;
}

export interface Forwarder {
  /**
   * Forwards one request. `onUnreachable` runs when the destination failed before answering
   * (the response is untouched then); after the answer started, the client connection is reset.
   */
  forward(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    destination: RegionEndpoint,
    onUnreachable: (error: NodeJS.ErrnoException) => void,
  ): void;
  close(): void;
}

const defaultIdleTimeoutMs = 30_000;
const defaultMaxSockets = 256;

export function createForwarder(options: ForwarderOptions = {}): Forwarder {
  const agents = new Map<string, http.Agent>();
  const agentFor = (destination: RegionEndpoint): http.Agent => {
    const key = `${destination.host}:${destination.port}`;
    let agent = agents.get(key);
    if (!agent) {
      agent = new http.Agent({
        keepAlive: true,
        scheduling: 'lifo',
        timeout: options.idleTimeoutMs ?? defaultIdleTimeoutMs,
        maxSockets: options.maxSocketsPerDestination ?? defaultMaxSockets,
        maxFreeSockets: 64,
        noDelay: true,
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      });
      agents.set(key, agent);
    }
    return agent;
  };

  return {
    forward(req, res, destination, onUnreachable) {
      const upstream = http.request({
        host: destination.host,
        port: destination.port,
        method: req.method,
        path: req.url,
        headers: endToEndHeaders(req.rawHeaders),
        agent: agentFor(destination),
      });
      let answered = false;
      let failed = false;
      const timer =
        options.responseTimeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              const error: NodeJS.ErrnoException = new Error(
                `no answer from ${destination.host}:${destination.port} within ${options.responseTimeoutMs} ms`,
              );
              error.code = 'ETIMEDOUT';
              upstream.destroy(error);
            }, options.responseTimeoutMs);
      timer?.unref();
      upstream.on('response', (answer) => {
        answered = true;
        clearTimeout(timer);
        res.writeHead(answer.statusCode ?? 502, endToEndHeaders(answer.rawHeaders));
        answer.pipe(res);
        answer.on('error', () => res.destroy());
        answer.on('aborted', () => res.destroy());
      });
      upstream.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (failed) return;
        failed = true;
        if (answered || res.headersSent) return void res.destroy();
        onUnreachable(error);
      });
      res.on('close', () => {
        clearTimeout(timer);
        if (!res.writableFinished) upstream.destroy();
      });
      req.pipe(upstream);
    },
    close() {
      for (const agent of agents.values()) agent.destroy();
      agents.clear();
    },
  };
}

export interface RegionForwardingOptions {
  /** The region this endpoint serves: requests scoped to it (or to no region) are answered here. */
  region: string;
  /** Where another region of the world is reached (its WAN face); undefined: not a world region. */
  resolveRegion(region: string): RegionEndpoint | undefined;
  /** This region's own address: forwarded connections leave from it, so they pay the WAN link. */
  localAddress: string;
  /** Default 30 s: a partitioned region looks like a blackholed route, bounded. */
  responseTimeoutMs?: number;
  logger: Logger;
}

export interface RegionForwarding {
  /** Forwards the request if it is signed for another region of the world; false: serve it here. */
  intercept(req: http.IncomingMessage, res: http.ServerResponse): boolean;
  close(): void;
}

const warnIntervalMs = 10_000;

/** The regional endpoint's pass-through for requests signed for another region (see the file comment). */
export function regionForwarding(options: RegionForwardingOptions): RegionForwarding {
  const forwarder = createForwarder({
    localAddress: options.localAddress,
    responseTimeoutMs: options.responseTimeoutMs ?? 30_000,
  });
  const lastWarnMs = new Map<string, number>();
  return {
    intercept(req, res) {
      const target = credentialRegion(req.headers, req.url ?? '/');
      if (target === undefined || target === options.region) return false;
      const destination = options.resolveRegion(target);
      if (!destination) return false;
      forwarder.forward(req, res, destination, (error) => {
        const nowMs = Date.now();
        if (nowMs - (lastWarnMs.get(target) ?? 0) >= warnIntervalMs) {
          lastWarnMs.set(target, nowMs);
          options.logger.warn(
            { targetRegion: target, code: error.code, message: error.message },
            'cross-region request: target region unreachable; resetting the client connection',
          );
        }
        // A network error for the client, as when the region's own endpoint cannot be reached.
        req.socket.destroy();
      });
      return true;
    },
    close: () => forwarder.close(),
  };
}
