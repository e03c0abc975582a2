/** The HTTP server: Fastify with form and JSON bodies, the session hook, routes and error pages. */
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { AppDeps } from './deps.js';
import { AppError, fromDynamoError } from './errors.js';
import { accountRoutes } from './routes/account.js';
import { healthRoutes } from './routes/health.js';
import { loadSession, send } from './routes/http.js';
import { orderRoutes } from './routes/orders.js';
import { shopRoutes } from './routes/shop.js';
import { stockRoutes } from './routes/stock.js';
import { errorBody } from './views/pages.js';

/** Forms and JSON here are small; anything bigger is refused with 413 before it's parsed. */
export const bodyLimitBytes = 16 * 1024;

function parseForm(
  _request: FastifyRequest,
  body: string,
  done: (error: Error | null, value?: unknown) => void,
) {
  const fields: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(body)) fields[key] = value;
  done(null, fields);
}

/** Fastify's own client errors (bad JSON, too large, wrong media type) keep their 4xx status. */
function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const fastifyError = error as Partial<FastifyError>;
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message =
      status === 413
        ? `The request body is larger than ${bodyLimitBytes} bytes.`
        : 'The request could not be read.';
    const code = status === 413 ? 'PayloadTooLarge' : status === 415 ? 'UnsupportedMediaType' : 'BadRequest';
    return new AppError(status, code, status === 415 ? 'Send JSON or a form.' : message);
  }
  return fromDynamoError(error);
}

function sendError(deps: AppDeps, request: FastifyRequest, reply: FastifyReply, error: AppError) {
  reply.headers(error.headers);
  return send(deps, request, reply, {
    status: error.statusCode,
    json: { error: { code: error.code, message: error.message, ...error.details } },
    title: error.statusCode === 401 ? 'Please sign in' : 'Something is not right',
    body: () => errorBody(error.message, error.statusCode),
  });
}

export function buildServer(deps: AppDeps): FastifyInstance {
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; the two packages' type versions just differ in detail.
    loggerInstance: deps.logger as unknown as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: bodyLimitBytes,
    // Drain on close: keep-alive connections that are idle are closed, busy ones finish.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, parseForm);
  app.decorateRequest('session', null);

  app.addHook('onRequest', async (request, reply) => {
    // Which region and instance answered, for clients that measure traffic share (game days, curl -i).
    reply.header('x-pangea-region', deps.config.region);
    reply.header('x-pangea-instance', deps.config.instanceId);
    if (request.url.startsWith('/health')) return;
    request.session = await loadSession(deps, request);
  });
  app.addHook('onResponse', async (request, reply) => {
    if (request.url.startsWith('/health')) return;
    request.log.info(
      {
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });

  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error);
    if (appError.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    return sendError(deps, request, reply, appError);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(deps, request, reply, new AppError(404, 'NotFound', 'There is no such page.')),
  );

  healthRoutes(app, deps);
  accountRoutes(app, deps);
  shopRoutes(app, deps);
  orderRoutes(app, deps);
  stockRoutes(app, deps);
  return app;
}
