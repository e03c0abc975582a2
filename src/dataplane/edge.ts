/**
 * The world's edge endpoint (127.0.0.1:8000 by default): one URL for every region, like pointing
 * an SDK at DynamoDB Local, but each request goes to the region named in its SigV4 credential
 * scope (`Credential=<key>/<date>/<region>/dynamodb/aws4_request`), which every SDK and the CLI
 * derive from their configured region. It is a streaming reverse proxy (forward.ts, shared with the
 * regional endpoints' cross-region forwarding): only the headers are read before forwarding, bodies
 * flow through, and connections to each region are kept alive.
 *
 * Choices where AWS has no equivalent (there is no multi-region DynamoDB endpoint):
 * - No credential scope at all: answered here with the errors a regional endpoint would give
 *   (MissingAuthenticationTokenException, UnknownOperationException, ...), health on GET.
 * - A region the world does not have: 400 InvalidSignatureException "Credential should be scoped
 *   to a valid region, not '<region>'. " — what a real endpoint answers to a credential scoped to
 *   a region it does not serve (https://github.com/aws/aws-sdk-ruby/issues/508) — followed by the
 *   world's regions. Not retryable, like the real error.
 * - A region that is down (connection refused or reset before an answer): 503 ServiceUnavailable,
 *   DynamoDB's own "currently unavailable" error
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html).
 *   The SDKs retry 5xx with backoff and then fail, as they would against an unreachable regional
 *   endpoint; a dead region must look dead, not slow. If the region dies after it started
 *   answering, the client connection is reset, as a real endpoint's would be.
 */
import type http from 'node:http';
import type { Logger } from 'pino';
import { createForwarder, type RegionEndpoint } from './forward.js';
import type { DynamoError } from './model.js';
import type { OperationContext, OperationHandler } from './operations/types.js';
import { protocolErrors } from './protocol/errors.js';
import { createRequestHandler, errorReply, sendReply } from './protocol/handler.js';
import { closeServer, createHttpServer, listen } from './protocol/http-server.js';
import { dynamoDbOperationNames, streamsOperationNames } from './protocol/operation-names.js';
import { newRequestId } from './protocol/request-id.js';
import { credentialRegion } from './protocol/sigv4.js';

export type { RegionEndpoint } from './forward.js';

export interface EdgeServerOptions {
  host: string;
  port: number;
  resolveRegion(region: string): RegionEndpoint | undefined;
  /** The world's region names, for the message of a request scoped to an unknown region. */
  listRegions?: () => string[];
  logger: Logger;
}

export interface RunningEdgeServer {
  url: string;
  close(): Promise<void>;
}

/** Idle sockets to a region are dropped before the region's own keep-alive timeout would. */
const upstreamIdleTimeoutMs = 30_000;
const warnIntervalMs = 10_000;

/** The edge never runs an operation itself; handlers exist only so the protocol checks run in order. */
const noContext = { region: '', accountId: '', nowMs: Date.now } as unknown as OperationContext;

function unknownRegionError(region: string, regions: string[] | undefined): DynamoError {
  const known = regions && regions.length > 0 ? `(this Pangea world's regions: ${regions.join(', ')})` : '';
  return protocolErrors.invalidSignature(
    `Credential should be scoped to a valid region, not '${region}'. ${known}`,
  );
}

/** Answers requests that cannot be forwarded, running the protocol checks a region would run first. */
function localHandler(logger: Logger, rejection: () => DynamoError): http.RequestListener {
  const reject: OperationHandler = async () => {
    throw rejection();
  };
  const registry = (names: readonly string[]) => Object.fromEntries(names.map((name) => [name, reject]));
  return createRequestHandler({
    region: '',
    healthText: 'healthy: dynamodb.amazonaws.com ',
    logger,
    context: noContext,
    operations: registry(dynamoDbOperationNames),
    streamsOperations: registry(streamsOperationNames),
  });
}

export async function startEdgeServer(options: EdgeServerOptions): Promise<RunningEdgeServer> {
  const { logger } = options;
  const forwarder = createForwarder({ idleTimeoutMs: upstreamIdleTimeoutMs });
  const lastWarnMs = new Map<string, number>();
  const noScope = localHandler(logger, () => unknownRegionError('', options.listRegions?.()));

  const warnDown = (region: string, error: NodeJS.ErrnoException) => {
    const nowMs = Date.now();
    if (nowMs - (lastWarnMs.get(region) ?? 0) < warnIntervalMs) return;
    lastWarnMs.set(region, nowMs);
    logger.warn(
      { region, code: error.code, message: error.message },
      'region endpoint unreachable; answering 503',
    );
  };

  const forward = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    region: string,
    endpoint: RegionEndpoint,
  ) => {
    forwarder.forward(req, res, endpoint, (error) => {
      warnDown(region, error);
      void sendReply(req, res, errorReply(protocolErrors.serviceUnavailable()), newRequestId());
    });
  };

  const server = createHttpServer((req, res) => {
    const region = credentialRegion(req.headers, req.url ?? '/');
    if (region === undefined) return noScope(req, res);
    const endpoint = options.resolveRegion(region);
    if (!endpoint)
      return localHandler(logger, () => unknownRegionError(region, options.listRegions?.()))(req, res);
    forward(req, res, region, endpoint);
  });
  const url = await listen(server, options.host, options.port);
  return {
    url,
    async close() {
      await closeServer(server);
      forwarder.close();
    },
  };
}
