/**
 * One client's HTTP connections, as a browser keeps them: a keep-alive pool bound to the client's
 * own address (so the world sees it at its location), every request bounded by a timeout and by
 * the run's abort, answers read up to a size limit.
 *
 * Like a browser, a request that fails on a reused keep-alive connection before any byte of an
 * answer came back (the server closed the idle connection meanwhile, or its region died) is sent
 * once more on a new connection. The other idle connections are dropped first: they very likely
 * went the same way.
 */
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { classifyFailure, LoadOpError, type RequestDeadline, requestDeadline } from './errors.js';

export interface HttpCall {
  host: string;
  port: number;
  method: 'GET' | 'PUT' | 'POST';
  path: string;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export const maxAnswerBytes = 1024 * 1024;

/** A failure on a reused connection before any answer: worth one more try on a new connection. */
class StaleConnection extends Error {}

export class KeepAliveHttp {
  private readonly agent: Agent;
  /** Requests sent again after a reused connection failed. */
  retried = 0;

  constructor(localAddress: string) {
    // One operation at a time per client; a second socket covers a connection being torn down.
    this.agent = new Agent({ keepAlive: true, maxSockets: 2, maxFreeSockets: 2, localAddress });
  }

  async send(call: HttpCall, timeoutMs: number, runSignal: AbortSignal): Promise<HttpAnswer> {
    // One deadline for both tries: the retry does not extend the request's time.
    const deadline = requestDeadline(runSignal, timeoutMs);
    try {
      try {
        return await this.attempt(call, deadline, true);
      } catch (error) {
        if (!(error instanceof StaleConnection)) throw error;
        this.retried += 1;
        this.dropIdleConnections();
        return await this.attempt(call, deadline, false);
      }
    } finally {
      deadline.dispose();
    }
  }

  close(): void {
    this.agent.destroy();
  }

  private dropIdleConnections(): void {
    for (const sockets of Object.values(this.agent.freeSockets))
      for (const socket of sockets ?? []) socket.destroy();
  }

  private attempt(call: HttpCall, deadline: RequestDeadline, mayRetry: boolean): Promise<HttpAnswer> {
    const { signal } = deadline;
    if (signal.aborted) {
      const code = deadline.timedOut ? 'Timeout' : 'Aborted';
      return Promise.reject(new LoadOpError(code, `${call.method} ${call.path}: not sent (${code})`));
    }
    return new Promise<HttpAnswer>((resolve, reject) => {
      const payload = call.json === undefined ? undefined : Buffer.from(JSON.stringify(call.json));
      const request = httpRequest({
        host: call.host,
        port: call.port,
        method: call.method,
        path: call.path,
        headers: requestHeaders(call.headers, payload),
        agent: this.agent,
      });
      let connected = false;
      let answered = false;
      let settled = false;

      const finish = (outcome: { answer: HttpAnswer } | { error: Error }) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        if ('answer' in outcome) resolve(outcome.answer);
        else {
          request.destroy();
          reject(outcome.error);
        }
      };
      const failWith = (error: unknown, answeredStatus: number | null = null) => {
        const facts = classifyFailure(error, {
          requestSent: connected,
          timedOut: deadline.timedOut,
          aborted: deadline.aborted,
        });
        const message = `${call.method} ${call.path}: ${errorText(error)}`;
        finish({ error: new LoadOpError(facts.code, message, { status: answeredStatus, ...pick(facts) }) });
      };
      const onAbort = () => failWith(signal.reason);

      request.on('error', (error) => {
        if (mayRetry && request.reusedSocket && !answered && !signal.aborted) {
          finish({ error: new StaleConnection(errorText(error)) });
          return;
        }
        failWith(error);
      });
      signal.addEventListener('abort', onAbort, { once: true });
      request.on('socket', (socket) => {
        if (!socket.connecting) connected = true;
        else socket.once('connect', () => (connected = true));
      });
      request.on('response', (response) => {
        answered = true;
        const status = response.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= maxAnswerBytes) chunks.push(chunk);
          else {
            const tooLarge = `answer over ${maxAnswerBytes} bytes`;
            failWith(
              new LoadOpError('AnswerTooLarge', tooLarge, { answered: true, requestSent: true }),
              status,
            );
          }
        });
        response.on('end', () =>
          finish({ answer: { status, headers: response.headers, body: Buffer.concat(chunks) } }),
        );
        // An answer cut off midway: the request arrived, its outcome is unknown.
        response.on('error', (error) => failWith(error, status));
        response.on('close', () => {
          if (!response.complete)
            failWith(Object.assign(new Error('answer cut off'), { code: 'ECONNRESET' }), status);
        });
      });
      request.end(payload);
    });
  }
}

function requestHeaders(extra: Record<string, string> | undefined, payload: Buffer | undefined) {
  const headers: Record<string, string> = { accept: 'application/json', ...extra };
  if (payload) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(payload.length);
  }
  return headers;
}

function pick(facts: { answered: boolean; requestSent: boolean }) {
  return { answered: facts.answered, requestSent: facts.requestSent };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
