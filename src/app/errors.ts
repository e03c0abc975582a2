/** Errors the app answers with, and how DynamoDB's errors map onto HTTP. */

export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, details: Record<string, unknown> = {}) =>
  new AppError(400, 'BadRequest', message, details);
export const notFound = (message: string) => new AppError(404, 'NotFound', message);
export const unauthorized = (message: string) => new AppError(401, 'Unauthorized', message);
export const conflict = (message: string, details: Record<string, unknown> = {}) =>
  new AppError(409, 'Conflict', message, details);

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

function shape(error: unknown): SdkErrorShape {
  return typeof error === 'object' && error !== null ? (error as SdkErrorShape) : {};
}

export function errorName(error: unknown): string {
  const { name, code } = shape(error);
  return name ?? code ?? 'Error';
}

const throttlingNames = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
]);

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'TimeoutError',
  'AbortError',
  'RequestTimeout',
]);

export function isConditionFailed(error: unknown): boolean {
  return errorName(error) === 'ConditionalCheckFailedException';
}

/** The endpoint could not be reached or did not answer in time (worth trying another region). */
export function isUnreachable(error: unknown): boolean {
  const { name, code, $metadata } = shape(error);
  if (networkCodes.has(name ?? '') || networkCodes.has(code ?? '')) return true;
  const status = $metadata?.httpStatusCode;
  if (status === undefined) return !(name ?? '').endsWith('Exception');
  return status >= 500;
}

/** DynamoDB (and network) errors as answers a user can act on; never a stack trace. */
export function fromDynamoError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const name = errorName(error);
  if (throttlingNames.has(name)) {
    return new AppError(
      503,
      'Throttled',
      'The database is busy; try again shortly.',
      {},
      { 'retry-after': '1' },
    );
  }
  if (name === 'ConditionalCheckFailedException' || name === 'TransactionConflictException') {
    return conflict('The item changed while you were editing it; reload and try again.');
  }
  if (name === 'ResourceNotFoundException') {
    return new AppError(
      503,
      'NotSetUp',
      'The application tables are not set up in this region yet.',
      {},
      {
        'retry-after': '5',
      },
    );
  }
  if (name === 'ValidationException') {
    return badRequest('The request was not valid for the database.');
  }
  if (isUnreachable(error)) {
    return new AppError(
      503,
      'DatabaseUnavailable',
      'The database is unreachable; try again shortly.',
      {},
      {
        'retry-after': '2',
      },
    );
  }
  return new AppError(500, 'InternalError', 'Something went wrong on our side.');
}
