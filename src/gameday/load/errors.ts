/**
 * A failed operation as the report needs it: a stable code ('Timeout', 'ECONNREFUSED', 'HTTP503',
 * AWS error names, 'DnsNoAnswer', ...) and whether a failed write may still have been applied.
 *
 * A write is indeterminate when its request left the client (the connection was established) and
 * no answer came back: it timed out, the connection broke, or the run was aborted meanwhile. It is
 * determinate when the server answered (an error status or an AWS error) or the request never
 * left (connection refused, DNS failed, connect timed out).
 */
import type { OperationKind } from '../model.js';

export interface FailureFacts {
  code: string;
  /** HTTP status, when an answer came back. */
  status: number | null;
  /** The server answered (with an error). */
  answered: boolean;
  /** The request may have reached the server (its connection was established). */
  requestSent: boolean;
}

/** A failure the load's own code detected, already classified. */
export class LoadOpError extends Error implements FailureFacts {
  readonly status: number | null;
  readonly answered: boolean;
  readonly requestSent: boolean;
  /** The region that answered or was addressed, when known. */
  readonly region: string | null;
  /** It failed the operation's writing request (not a sign-in or a lookup before it). */
  readonly duringWrite: boolean;

  constructor(
    readonly code: string,
    message: string,
    facts: {
      status?: number | null;
      answered?: boolean;
      requestSent?: boolean;
      region?: string | null;
      duringWrite?: boolean;
    } = {},
  ) {
    super(message);
    this.name = 'LoadOpError';
    this.status = facts.status ?? null;
    this.answered = facts.answered ?? false;
    this.requestSent = facts.requestSent ?? false;
    this.region = facts.region ?? null;
    this.duringWrite = facts.duringWrite ?? false;
  }
}

/** Operations that change data: their failures may be indeterminate. */
export const writeKinds: ReadonlySet<OperationKind> = new Set([
  'cart',
  'checkout',
  'ddb-put',
  'ddb-increment',
]);

/** Socket errors that keep their errno code as the stable code. */
const socketCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'EADDRINUSE',
  'ENOTFOUND',
]);

/** Socket errors that happen before a connection exists: the request never left. */
const beforeConnectCodes = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ENOTFOUND',
]);

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

function shapeOf(error: unknown): ErrorShape {
  return typeof error === 'object' && error !== null ? (error as ErrorShape) : {};
}

/**
 * Classifies any error of an operation. `requestSent` is what the caller observed of the
 * connection (an established connection means the request may have been delivered); `timedOut`
 * and `aborted` say why the caller cancelled a request, when it did.
 */
export function classifyFailure(
  error: unknown,
  observed: { requestSent: boolean; timedOut?: boolean; aborted?: boolean },
): FailureFacts {
  if (error instanceof LoadOpError) return error;
  const shape = shapeOf(error);
  const name = typeof shape.name === 'string' ? shape.name : '';
  const code = typeof shape.code === 'string' ? shape.code : '';
  const httpStatus = shape.$metadata?.httpStatusCode;
  if (typeof httpStatus === 'number' && httpStatus >= 300) {
    // An AWS error answer: the service said no, nothing was applied.
    const awsName = name && name !== 'Error' ? name : `HTTP${httpStatus}`;
    return { code: awsName, status: httpStatus, answered: true, requestSent: true };
  }
  if (observed.aborted || (name === 'AbortError' && !observed.timedOut)) {
    return { code: 'Aborted', status: null, answered: false, requestSent: observed.requestSent };
  }
  if (observed.timedOut || name === 'AbortError') {
    return { code: 'Timeout', status: null, answered: false, requestSent: observed.requestSent };
  }
  if (socketCodes.has(code)) {
    const requestSent = observed.requestSent && !beforeConnectCodes.has(code);
    return { code, status: null, answered: false, requestSent };
  }
  if (code === 'ETIMEDOUT' || name === 'TimeoutError') {
    return { code: 'Timeout', status: null, answered: false, requestSent: observed.requestSent };
  }
  const fallback = /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(name) && name !== 'Error' ? name : code || 'Error';
  return { code: fallback, status: null, answered: false, requestSent: observed.requestSent };
}

/** A failed write whose request may have been applied (see the module comment). */
export function isIndeterminate(kind: OperationKind, facts: FailureFacts): boolean {
  return writeKinds.has(kind) && facts.requestSent && !facts.answered;
}

/** A request's own cancellation: the run's abort or its timeout, whichever comes first. */
export interface RequestDeadline {
  signal: AbortSignal;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  dispose(): void;
}

/** Links the run's signal and a timer without leaving listeners on the long-lived run signal. */
export function requestDeadline(runSignal: AbortSignal, timeoutMs: number): RequestDeadline {
  const controller = new AbortController();
  let timedOut = false;
  let aborted = false;
  // Plain AbortErrors as reasons: what they mean is in timedOut and aborted.
  const onRunAbort = () => {
    aborted = true;
    controller.abort(Object.assign(new Error('the load was stopped'), { name: 'AbortError' }));
  };
  const timer = setTimeout(
    () => {
      timedOut = true;
      controller.abort(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: 'AbortError' }));
    },
    Math.max(0, timeoutMs),
  );
  if (runSignal.aborted) onRunAbort();
  else runSignal.addEventListener('abort', onRunAbort, { once: true });
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    get aborted() {
      return aborted;
    },
    dispose() {
      clearTimeout(timer);
      runSignal.removeEventListener('abort', onRunAbort);
    },
  };
}
