/**
 * The loopback admin HTTP API the CLI (and anyone) uses to drive a running world. JSON in and out;
 * errors are `{ "error": { "code", "message" } }` with a 4xx status. Routes are documented in the README.
 */
import http from 'node:http';
import { errorMessage, isPangeaError, PangeaError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';

export type Handler = (request: {
  params: string[];
  query: URLSearchParams;
  body: Record<string, unknown>;
}) => Promise<unknown>;

export interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

const maxBodyBytes = 64 * 1024;

const statusOfCode: Record<string, number> = {
  UnknownRegion: 404,
  UnknownPlace: 404,
  UnknownLink: 404,
  UnknownRoute: 404,
  BadRequest: 400,
  InvalidArgument: 400,
  UnknownHealthCheck: 404,
  UnknownEndpoint: 404,
  HealthCheckInvalid: 400,
  DnsZonesInvalid: 400,
  AcceleratorConfigInvalid: 400,
  TrafficNotReady: 503,
  UnknownFaultAction: 400,
  InvalidFaultParameter: 400,
  UnknownFault: 404,
};

export function startAdminServer(
  host: string,
  port: number,
  routes: Route[],
  logger: Logger,
): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    void handle(request, response, routes, logger);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new PangeaError(
          'PortInUse',
          `admin API: cannot listen on ${host}:${port} (${error.code ?? error.message})`,
        ),
      ),
    );
    server.listen(port, host, () => resolve(server));
  });
}

async function handle(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  routes: Route[],
  logger: Logger,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://admin');
  try {
    const body = await readJson(request);
    for (const route of routes) {
      const match = route.method === request.method ? route.pattern.exec(url.pathname) : null;
      if (!match) continue;
      const result = await route.handler({
        params: match.slice(1).map(decodeURIComponent),
        query: url.searchParams,
        body,
      });
      return send(response, 200, result);
    }
    throw new PangeaError('UnknownRoute', `no route ${request.method} ${url.pathname}`);
  } catch (error) {
    const code = isPangeaError(error) ? error.code : 'InternalError';
    const status = isPangeaError(error) ? (statusOfCode[code] ?? 409) : 500;
    if (status === 500) logger.error({ err: error }, 'admin API request failed');
    send(response, status, { error: { code, message: errorMessage(error) } });
  }
}

function readJson(request: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let sizeBytes = 0;
    request.on('data', (chunk: Buffer) => {
      sizeBytes += chunk.length;
      if (sizeBytes > maxBodyBytes) {
        reject(new PangeaError('BadRequest', `request body larger than ${maxBodyBytes} bytes`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (sizeBytes === 0) return resolve({});
      try {
        const value = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
        if (typeof value !== 'object' || value === null || Array.isArray(value))
          throw new Error('not an object');
        resolve(value as Record<string, unknown>);
      } catch {
        reject(new PangeaError('BadRequest', 'the request body must be a JSON object'));
      }
    });
    request.on('error', reject);
  });
}

function send(response: http.ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value ?? {});
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}
