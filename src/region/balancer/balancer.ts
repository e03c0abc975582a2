/**
 * A region's load balancer: an HTTP/1.1 reverse proxy in front of the region's app instances
 * with the behaviour of an Application Load Balancer's HTTP listener and one target group.
 *
 * - Target health checks: GET `healthCheck.path` on each target every interval (a new connection
 *   each time, `User-Agent: ELB-HealthChecker/2.0`); 200 passes; thresholds as health.ts.
 * - Only healthy targets get requests (round_robin or least_outstanding_requests). No healthy
 *   target → 503. (Unlike ALB, which fails open and routes to every target when all are unhealthy:
 *   a dead fleet answers 503 here, which is what the global health checks should see.)
 * - A target that fails mid-request (refused, reset, closed early) → 502; one that sends nothing
 *   for `idleTimeoutMs` (ALB's idle timeout, 60 s) → 504. Error pages are ALB's HTML.
 * - X-Forwarded-For (appended), X-Forwarded-Proto and X-Forwarded-Port (set), and X-Amzn-Trace-Id
 *   (`Root=1-<epoch hex>-<96-bit hex>`, or `Self=` added to a client's Root) go to the target.
 * - Closing deregisters every target: they drain (no new requests, in-flight ones finish, bounded
 *   by `deregistrationDelayMs`) before the connections are dropped.
 * The balancer has no page of its own: everything, `/health` included, is forwarded.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { endToEndHeaders } from '../../dataplane/forward.js';
import { createSelector } from './algorithms.js';
import { type CheckOutcome, TargetHealth } from './health.js';
import type { BalancingAlgorithm, HealthCheckSettings, TargetSpec, TargetView } from './types.js';

export interface LoadBalancerOptions {
  host: string;
  port: number;
  targets: TargetSpec[];
  algorithm: BalancingAlgorithm;
  healthCheck: HealthCheckSettings;
  logger: Logger;
  /** Called (coalesced) whenever a target's health changes. */
  onChange?: (targets: TargetView[]) => void;
  /** Longest wait for in-flight requests when targets are deregistered (default 2 s). */
  deregistrationDelayMs?: number;
  /** No bytes from a target for this long: 504 (default 60 s, ALB's idle timeout). */
  idleTimeoutMs?: number;
  /** Requests in flight across all targets; beyond it, 503 (default 4096). */
  maxInFlight?: number;
  /** Connections kept per target (default 256). */
  maxSocketsPerTarget?: number;
}

export interface RunningLoadBalancer {
  url: string;
  targets(): TargetView[];
  close(): Promise<void>;
}

interface Entry {
  spec: TargetSpec;
  health: TargetHealth;
  agent: http.Agent;
  inFlight: number;
  checking: boolean;
  timer?: NodeJS.Timeout;
}

const statusText: Record<number, string> = {
  502: '502 Bad Gateway',
  503: '503 Service Temporarily Unavailable',
  504: '504 Gateway Time-out',
};

/** ALB's own error page for a status it generates. */
function errorPage(res: http.ServerResponse, status: 502 | 503 | 504, draining: boolean): void {
  if (res.headersSent) return void res.destroy();
  const title = statusText[status]!;
  const body = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`;
  const headers = [
    'Server',
    'awselb/2.0',
    'Content-Type',
    'text/html',
    'Content-Length',
    String(body.length),
  ];
  if (draining) headers.push('Connection', 'close');
  res.writeHead(status, headers);
  res.end(body);
}

const traceRootPattern = /(?:^|;)\s*Root=([^;]+)/;

export function traceId(nowMs: number): string {
  return `1-${Math.floor(nowMs / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
}

/** The X-Amzn-Trace-Id to send on: the client's Root kept (with our Self), or a new Root. */
export function traceHeader(incoming: string | undefined, nowMs: number): string {
  if (incoming && traceRootPattern.test(incoming) && incoming.length <= 1024) {
    return `${incoming.replace(/;\s*Self=[^;]*/g, '')};Self=${traceId(nowMs)}`;
  }
  return `Root=${traceId(nowMs)}`;
}

const replacedHeaders = new Set([
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-amzn-trace-id',
]);

/** The request headers the target receives. */
export function forwardedHeaders(req: http.IncomingMessage, listenerPort: number, nowMs: number): string[] {
  const headers: string[] = [];
  const raw = endToEndHeaders(req.rawHeaders);
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (!replacedHeaders.has(raw[i]!.toLowerCase())) headers.push(raw[i]!, raw[i + 1]!);
  }
  const remote = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  const prior = req.headers['x-forwarded-for'];
  const chain = [prior, remote].filter((part) => part && part.length > 0).join(', ');
  headers.push(
    'X-Forwarded-For',
    chain,
    'X-Forwarded-Proto',
    'http',
    'X-Forwarded-Port',
    String(listenerPort),
    'X-Amzn-Trace-Id',
    traceHeader(req.headers['x-amzn-trace-id'] as string | undefined, nowMs),
  );
  return headers;
}

const idempotentBodiless = new Set(['GET', 'HEAD', 'OPTIONS']);

function hasBody(req: http.IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

export async function startLoadBalancer(options: LoadBalancerOptions): Promise<RunningLoadBalancer> {
  const { logger, healthCheck } = options;
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  const maxInFlight = options.maxInFlight ?? 4096;
  const selector = createSelector(options.algorithm);
  const entries: Entry[] = options.targets.map((spec) => ({
    spec,
    health: new TargetHealth(healthCheck.healthyThreshold, healthCheck.unhealthyThreshold),
    agent: new http.Agent({
      keepAlive: true,
      scheduling: 'lifo',
      maxSockets: options.maxSocketsPerTarget ?? 256,
      maxFreeSockets: 32,
      // Under Node's default server keep-alive (5 s), so the target is not the side closing an idle socket.
      timeout: 4_000,
      noDelay: true,
    }),
    inFlight: 0,
    checking: false,
  }));
  let totalInFlight = 0;
  /** The port clients connected to (X-Forwarded-Port), known once listening. */
  let listenerPort = options.port;
  let draining = false;
  let closed = false;
  let drained: (() => void) | undefined;

  const views = (): TargetView[] =>
    entries.map((entry) => ({
      id: entry.spec.id,
      target: `${entry.spec.host}:${entry.spec.port}`,
      health: entry.health.state,
      reason: entry.health.reason,
      inFlight: entry.inFlight,
    }));

  let changeQueued = false;
  const changed = () => {
    if (changeQueued || !options.onChange) return;
    changeQueued = true;
    setImmediate(() => {
      changeQueued = false;
      options.onChange?.(views());
    });
  };

  // ---- health checks -------------------------------------------------------------------------

  const check = (entry: Entry): Promise<CheckOutcome> =>
    new Promise((resolve) => {
      let settled = false;
      const settle = (outcome: CheckOutcome) => {
        if (settled) return;
        settled = true;
        resolve(outcome);
      };
      const request = http.get(
        {
          host: entry.spec.host,
          port: entry.spec.port,
          path: healthCheck.path,
          agent: false,
          headers: { 'User-Agent': 'ELB-HealthChecker/2.0', Connection: 'close' },
          timeout: healthCheck.timeoutMs,
        },
        (response) => {
          response.resume();
          const outcome: CheckOutcome =
            response.statusCode === 200 ? { ok: true } : { ok: false, reason: 'Target.ResponseCodeMismatch' };
          response.on('end', () => settle(outcome));
          response.on('error', () => settle(outcome));
          response.on('aborted', () => settle(outcome));
        },
      );
      request.on('timeout', () => {
        settle({ ok: false, reason: 'Target.Timeout' });
        request.destroy();
      });
      request.on('error', () => settle({ ok: false, reason: 'Target.FailedHealthChecks' }));
    });

  const schedule = (entry: Entry, delayMs: number) => {
    if (closed || draining) return;
    entry.timer = setTimeout(() => void runCheck(entry), delayMs);
  };

  const runCheck = async (entry: Entry) => {
    const startedMs = Date.now();
    if (!entry.checking) {
      entry.checking = true;
      const outcome = await check(entry);
      entry.checking = false;
      if (closed || draining) return;
      const before = entry.health.state;
      if (entry.health.record(outcome)) {
        const log = entry.health.state === 'unhealthy' ? logger.warn.bind(logger) : logger.info.bind(logger);
        log(
          { target: entry.spec.id, from: before, to: entry.health.state, reason: entry.health.reason },
          'target health changed',
        );
        changed();
      }
    }
    schedule(entry, Math.max(0, healthCheck.intervalMs - (Date.now() - startedMs)));
  };

  // ---- proxying ------------------------------------------------------------------------------

  const finishOne = (entry: Entry) => {
    entry.inFlight -= 1;
    totalInFlight -= 1;
    if (draining && totalInFlight === 0) drained?.();
  };

  const proxy = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (draining) return errorPage(res, 503, true);
    const index = totalInFlight >= maxInFlight ? -1 : selector.pick(entries.map(candidate));
    if (index < 0) return errorPage(res, 503, draining);
    const entry = entries[index]!;
    entry.inFlight += 1;
    totalInFlight += 1;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      finishOne(entry);
    };
    res.on('close', finish);
    const headers = forwardedHeaders(req, listenerPort, Date.now());
    const retriable = idempotentBodiless.has(req.method ?? '') && !hasBody(req);

    const attempt = (retriesLeft: number) => {
      const upstream = http.request({
        host: entry.spec.host,
        port: entry.spec.port,
        method: req.method,
        path: req.url,
        headers,
        agent: entry.agent,
      });
      upstream.setTimeout(idleTimeoutMs, () => {
        const error: NodeJS.ErrnoException = new Error('target idle timeout');
        error.code = 'ETIMEDOUT';
        upstream.destroy(error);
      });
      upstream.on('response', (answer) => {
        const responseHeaders = endToEndHeaders(answer.rawHeaders);
        if (draining) responseHeaders.push('Connection', 'close');
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, responseHeaders);
        answer.pipe(res);
        answer.on('aborted', () => res.destroy());
        answer.on('error', () => res.destroy());
      });
      upstream.on('error', (error: NodeJS.ErrnoException) => {
        if (res.headersSent) return void res.destroy();
        // A kept-alive socket the target had just closed: a bodiless idempotent request goes again.
        if (retriesLeft > 0 && retriable && upstream.reusedSocket && error.code === 'ECONNRESET') {
          return attempt(retriesLeft - 1);
        }
        if (res.destroyed) return;
        logger.debug({ target: entry.spec.id, code: error.code, url: req.url }, 'target failed the request');
        errorPage(res, error.code === 'ETIMEDOUT' ? 504 : 502, draining);
      });
      res.on('close', () => {
        if (!res.writableFinished) upstream.destroy();
      });
      if (retriable) upstream.end();
      else req.pipe(upstream);
    };
    if (retriable) req.resume();
    attempt(1);
  };

  const server = http.createServer({ keepAlive: true, noDelay: true }, proxy);
  server.keepAliveTimeout = idleTimeoutMs;
  server.headersTimeout = idleTimeoutMs + 1_000;
  server.requestTimeout = 5 * 60_000;
  server.maxConnections = 16_384;

  const url = await new Promise<string>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      listenerPort = address.port;
      resolve(`http://${address.address}:${address.port}`);
    });
  });
  for (const entry of entries) schedule(entry, 0);
  logger.info(
    {
      url,
      algorithm: options.algorithm,
      targets: entries.map((entry) => entry.spec.id),
      healthCheck,
    },
    'load balancer listening',
  );

  let closing: Promise<void> | undefined;
  return {
    url,
    targets: views,
    close() {
      closing ??= (async () => {
        draining = true;
        for (const entry of entries) {
          clearTimeout(entry.timer);
          entry.health.deregister();
        }
        changed();
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        if (totalInFlight > 0) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, options.deregistrationDelayMs ?? 2_000);
            drained = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
        closed = true;
        server.closeAllConnections();
        await serverClosed;
        for (const entry of entries) {
          entry.health.retire();
          entry.agent.destroy();
        }
        changed();
        logger.info('load balancer closed');
      })();
      return closing;
    },
  };
}

function candidate(entry: Entry): { routable: boolean; inFlight: number } {
  return { routable: entry.health.routable, inFlight: entry.inFlight };
}
