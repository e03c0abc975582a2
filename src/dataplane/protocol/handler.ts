/**
 * The DynamoDB JSON 1.0 protocol over HTTP, in the order AWS checks a request:
 * method and content type → JSON → X-Amz-Target → SigV4 → body present → operation.
 * The order and the framework errors' shapes are those DynamoDB is observed to send (see the
 * request handling of the dynalite emulator, which mirrors them, and
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.LowLevelAPI.html).
 *
 * Every response carries `x-amzn-RequestId` and `x-amz-crc32` (CRC32 of the bytes as sent).
 * Bad input never yields a 5xx; an unexpected failure is a 500 InternalServerError whose stack is
 * logged, not sent.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { DynamoError } from '../model.js';
import type { OperationContext } from '../operations/types.js';
import { compress, compressionThresholdBytes, negotiateEncoding } from './content-encoding.js';
import { crc32 } from './crc32.js';
import { errorBody, protocolErrors } from './errors.js';
import { parseJsonBody } from './json-body.js';
import { newRequestId } from './request-id.js';
import { parseSigV4, verifySigV4 } from './sigv4.js';
import { type OperationRegistry, resolveTarget } from './target.js';

/** DynamoDB refuses request bodies over 16 MiB with a bare 413 (the BatchWriteItem ceiling). */
export const maxRequestBodyBytes = 16 * 1024 * 1024;

const jsonContentTypes = new Set(['application/x-amz-json-1.0', 'application/json']);
/** What DynamoDB answers to anything but a POST of JSON (a 404 with this XML body). */
const unknownOperationXml = Buffer.from('<UnknownOperationException/>\n', 'utf8');

export interface ProtocolOptions {
  region: string;
  logger: Logger;
  context: OperationContext;
  operations: OperationRegistry;
  /** DynamoDB Streams operations (empty until Streams exists: every target is then unknown). */
  streamsOperations?: OperationRegistry;
  /** Recompute SigV4 signatures against `credentials`; otherwise only parse them. */
  verifySignatures?: boolean;
  credentials?: Record<string, string>;
  /** Wall-clock epoch milliseconds for the signature date check; defaults to Date.now. */
  wallClockMs?: () => number;
  maxBodyBytes?: number;
  /** The GET / answer; defaults to DynamoDB's for `region`. */
  healthText?: string;
}

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

interface Reply {
  statusCode: number;
  /**
   * JSON answers stay the string JSON.stringify made: Node then sends headers and body in one
   * write (a Buffer body costs a copy and a second chunk, written with writev), and the CRC and
   * length are taken over its UTF-8 bytes, which are the bytes sent.
   */
  body: Buffer | string;
  contentType: string;
  /** Responses that may be compressed (JSON answers, not the health text). */
  compressible: boolean;
  extraHeaders?: string[];
}

/** The health answer of DynamoDB's endpoints, trailing space included (as dynalite records it). */
export function healthText(region: string): string {
  return `healthy: dynamodb.${region}.amazonaws.com `;
}

function jsonReply(statusCode: number, value: unknown, contentType: string): Reply {
  return { statusCode, body: JSON.stringify(value), contentType, compressible: true };
}

export function errorReply(error: DynamoError, contentType = 'application/x-amz-json-1.0'): Reply {
  return jsonReply(error.statusCode, errorBody(error), contentType);
}

function corsHeaders(req: IncomingMessage): string[] | undefined {
  if (!req.headers.origin) return undefined;
  const headers = ['Access-Control-Allow-Origin', '*'];
  if (req.method === 'OPTIONS') {
    const requestHeaders = req.headers['access-control-request-headers'];
    const requestMethod = req.headers['access-control-request-method'];
    if (requestHeaders) headers.push('Access-Control-Allow-Headers', requestHeaders);
    if (requestMethod) headers.push('Access-Control-Allow-Methods', requestMethod);
    headers.push('Access-Control-Max-Age', '172800');
  } else {
    headers.push('Access-Control-Expose-Headers', 'x-amzn-RequestId,x-amz-crc32');
  }
  return headers;
}

/**
 * Writes a reply with the headers every DynamoDB response has. Synchronous unless the body is
 * compressed: an `async` function would put a promise and a microtask hop on every response.
 */
export function sendReply(
  req: IncomingMessage,
  res: ServerResponse,
  reply: Reply,
  requestId: string,
): void | Promise<void> {
  const body = reply.body;
  const sizeBytes = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length;
  if (reply.compressible && sizeBytes > compressionThresholdBytes) {
    const encoding = negotiateEncoding(req.headers['accept-encoding']);
    if (encoding) {
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      return compress(bytes, encoding).then((compressed) =>
        writeReply(req, res, reply, requestId, compressed, compressed.length, encoding),
      );
    }
  }
  writeReply(req, res, reply, requestId, body, sizeBytes, undefined);
}

function writeReply(
  req: IncomingMessage,
  res: ServerResponse,
  reply: Reply,
  requestId: string,
  body: Buffer | string,
  sizeBytes: number,
  encoding: string | undefined,
): void {
  const headers = ['x-amzn-RequestId', requestId, 'Content-Type', reply.contentType];
  if (encoding) headers.push('Content-Encoding', encoding);
  // A string is taken as UTF-8 by both crc32 and res.end, so the checksum covers the bytes sent.
  headers.push('x-amz-crc32', String(crc32(body)), 'Content-Length', String(sizeBytes));
  const cors = corsHeaders(req);
  if (cors) headers.push(...cors);
  if (reply.extraHeaders) headers.push(...reply.extraHeaders);
  if (res.destroyed) return;
  res.writeHead(reply.statusCode, headers);
  res.end(body);
}

export function createRequestHandler(options: ProtocolOptions): RequestListener {
  const limit = options.maxBodyBytes ?? maxRequestBodyBytes;
  const route = createRouter(options);
  return (req, res) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      length += chunk.length;
      if (length > limit) {
        refused = true;
        refuseTooLarge(res);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
      void route(req, res, body);
    });
    req.on('error', () => res.destroy());
  };
}

/** 413 with no body, and the connection closed: the rest of the upload is not worth reading. */
function refuseTooLarge(res: ServerResponse): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(413, [
    'x-amzn-RequestId',
    newRequestId(),
    'x-amz-crc32',
    '0',
    'Content-Length',
    '0',
    'Connection',
    'close',
  ]);
  res.end();
}

function createRouter(options: ProtocolOptions) {
  const registries = { dynamodb: options.operations, streams: options.streamsOperations ?? {} };
  const wallClockMs = options.wallClockMs ?? Date.now;
  const health = Buffer.from(options.healthText ?? healthText(options.region), 'utf8');

  /** Everything up to the operation call; returns a reply or the call to make. */
  function prepare(req: IncomingMessage, body: Buffer, contentType: string) {
    const parsed = body.length > 0 ? parseJsonBody(body.toString('utf8')) : undefined;
    const target = resolveTarget(req.headers['x-amz-target'] as string | undefined, registries);
    if (!target) throw protocolErrors.unknownOperation();
    const auth = parseSigV4(req.headers, req.url ?? '/');
    if (options.verifySignatures) {
      const request = { method: req.method ?? 'POST', url: req.url ?? '/', rawHeaders: req.rawHeaders, body };
      verifySigV4(auth, request, {
        credentials: options.credentials ?? {},
        region: options.region,
        service: 'dynamodb',
        nowMs: wallClockMs(),
      });
    }
    if (parsed === undefined) throw protocolErrors.serialization();
    return { target, input: parsed, contentType };
  }

  const contextFor = createContextCache(options.context);

  return (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const requestId = newRequestId();
    const rawType = req.headers['content-type'] ?? '';
    const semicolon = rawType.indexOf(';');
    const mediaType = (semicolon < 0 ? rawType : rawType.slice(0, semicolon)).trim().toLowerCase();
    const contentType = mediaType === 'application/json' ? 'application/json' : 'application/x-amz-json-1.0';
    let operation: string | undefined;
    const fail = (error: unknown): void =>
      void sendError(req, res, error, { requestId, contentType, operation, logger: options.logger });
    try {
      if (req.method === 'OPTIONS' && req.headers.origin) {
        const reply = { statusCode: 200, body: Buffer.alloc(0), contentType, compressible: false };
        settle(sendReply(req, res, reply, requestId), fail);
        return;
      }
      if (req.method === 'GET') {
        const reply = { statusCode: 200, body: health, contentType: 'text/plain', compressible: false };
        settle(sendReply(req, res, reply, requestId), fail);
        return;
      }
      if (req.method !== 'POST' || (body.length > 0 && !jsonContentTypes.has(mediaType))) {
        const reply = {
          statusCode: 404,
          body: unknownOperationXml,
          contentType: 'application/xml',
          compressible: false,
        };
        settle(sendReply(req, res, reply, requestId), fail);
        return;
      }
      const call = prepare(req, body, contentType);
      operation = call.target.operation;
      // The addressed host is per request: DescribeEndpoints answers with it.
      const context = contextFor(req.headers.host);
      // A handler may throw synchronously or reject: both end in `fail`. Promise.resolve returns
      // a native promise as it is, so it costs nothing for the async handlers.
      Promise.resolve(call.target.handler(context, call.input)).then((output) => {
        try {
          settle(sendReply(req, res, jsonReply(200, output, contentType), requestId), fail);
        } catch (error) {
          fail(error);
        }
      }, fail);
    } catch (error) {
      fail(error);
    }
  };
}

/** Routes a rejection of an asynchronous reply to `fail`; a synchronous reply needs nothing. */
function settle(sent: void | Promise<void>, fail: (error: unknown) => void): void {
  if (sent) sent.catch(fail);
}

const maxCachedHosts = 64;

/**
 * The operation context for a request's Host header. Clients send the same few hosts, so each
 * context is built once instead of copying the shared context on every request; the cache is
 * bounded so that arbitrary Host headers cannot grow it.
 */
function createContextCache(base: OperationContext): (host: string | undefined) => OperationContext {
  const byHost = new Map<string, OperationContext>();
  return (host) => {
    if (!host) return base;
    let context = byHost.get(host);
    if (!context) {
      context = { ...base, endpointHost: host };
      if (byHost.size >= maxCachedHosts) byHost.clear();
      byHost.set(host, context);
    }
    return context;
  };
}

async function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  error: unknown,
  details: { requestId: string; contentType: string; operation: string | undefined; logger: Logger },
): Promise<void> {
  let failure: DynamoError;
  if (error instanceof DynamoError) {
    failure = error;
  } else {
    details.logger.error(
      { err: error, requestId: details.requestId, operation: details.operation },
      'internal error',
    );
    failure = protocolErrors.internalServerError();
  }
  try {
    await sendReply(req, res, errorReply(failure, details.contentType), details.requestId);
  } catch (sendFailure) {
    // The error itself could not be serialised (e.g. an unserialisable `extra`): still answer.
    details.logger.error({ err: sendFailure, requestId: details.requestId }, 'could not send error response');
    if (!res.headersSent)
      await sendReply(req, res, errorReply(protocolErrors.internalServerError()), details.requestId);
    else res.destroy();
  }
}
