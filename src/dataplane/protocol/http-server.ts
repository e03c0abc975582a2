/**
 * The HTTP listener of a regional DynamoDB endpoint: keep-alive, no Nagle delay, and a close that
 * lets in-flight requests finish (bounded) before dropping connections.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequestHandler, type ProtocolOptions } from './handler.js';

/**
 * Longer than the SDKs' idle socket lifetimes, so the server is not the side that closes an idle
 * keep-alive connection just as a client reuses it (which the client sees as ECONNRESET).
 */
export const keepAliveTimeoutMs = 65_000;
const closeGraceMs = 5_000;

export interface ProtocolServerOptions extends ProtocolOptions {
  host: string;
  port: number;
  /** Runs first on every request; true when it took the request (cross-region forwarding, forward.ts). */
  intercept?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
}

export interface RunningHttpServer {
  url: string;
  server: http.Server;
  close(): Promise<void>;
}

export function listen(server: http.Server, host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      resolve(
        `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`,
      );
    });
  });
}

/** Stops accepting, waits up to `closeGraceMs` for in-flight requests, then drops what is left. */
export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    const timer = setTimeout(() => server.closeAllConnections(), closeGraceMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}

export function createHttpServer(listener: http.RequestListener): http.Server {
  const server = http.createServer({ noDelay: true, keepAlive: true }, listener);
  server.keepAliveTimeout = keepAliveTimeoutMs;
  server.headersTimeout = keepAliveTimeoutMs + 1_000;
  return server;
}

export async function startProtocolServer(options: ProtocolServerOptions): Promise<RunningHttpServer> {
  const handler = createRequestHandler(options);
  const { intercept } = options;
  const server = createHttpServer(
    intercept
      ? (req, res) => {
          if (!intercept(req, res)) handler(req, res);
        }
      : handler,
  );
  const url = await listen(server, options.host, options.port);
  return { url, server, close: () => closeServer(server) };
}
