/**
 * DynamoDB error bodies exactly as AWS writes them.
 *
 * The `__type` namespace depends on which layer of AWS's stack rejected the request: the service
 * framework (serialization, routing, authentication) uses `com.amazon.coral.service#`, input
 * validation uses `com.amazon.coral.validate#ValidationException`, and DynamoDB's own errors use
 * `com.amazonaws.dynamodb.v20120810#`. The SDKs keep only the part after `#`.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
 *
 * A few errors spell the message key with a capital M (SerializationException from type checks,
 * TransactionCanceledException, AccessDeniedException); the SDKs read either spelling.
 * https://github.com/aws/aws-sdk-java/pull/28 ("Errors from the DynamoDB service seems to (also) use
 * the key Message"), https://github.com/aws/aws-sdk-net/issues/1292 (TransactionCanceledException body).
 */
import { DynamoError } from '../model.js';

const coralService = 'com.amazon.coral.service#';
const coralValidate = 'com.amazon.coral.validate#';
const coralAvailability = 'com.amazon.coral.availability#';
const dynamodbNamespace = 'com.amazonaws.dynamodb.v20120810#';

const namespaceByCode: Record<string, string> = {
  SerializationException: coralService,
  UnknownOperationException: coralService,
  MissingAuthenticationTokenException: coralService,
  IncompleteSignatureException: coralService,
  InvalidSignatureException: coralService,
  UnrecognizedClientException: coralService,
  AccessDeniedException: coralService,
  ValidationException: coralValidate,
  ThrottlingException: coralAvailability,
};

const capitalMessageCodes = new Set([
  'SerializationException',
  'TransactionCanceledException',
  'AccessDeniedException',
]);

export function errorTypeOf(code: string): string {
  return (Object.hasOwn(namespaceByCode, code) ? namespaceByCode[code] : dynamodbNamespace) + code;
}

/**
 * The JSON body of an error. An empty message is left out, as AWS does for the framework errors
 * that carry none (e.g. `{"__type":"com.amazon.coral.service#UnknownOperationException"}`).
 */
export function errorBody(error: DynamoError): Record<string, unknown> {
  const body: Record<string, unknown> = { __type: errorTypeOf(error.code) };
  for (const [key, value] of Object.entries(error.extra)) {
    if (key !== '__type') body[key] = value;
  }
  if (error.message !== '') body[capitalMessageCodes.has(error.code) ? 'Message' : 'message'] = error.message;
  return body;
}

/** Errors raised by the protocol layer itself (before any operation runs). */
export const protocolErrors = {
  /** Malformed JSON; AWS sends no message. */
  serialization: (message = '') => new DynamoError('SerializationException', message),
  /** Missing or unknown X-Amz-Target; AWS sends no message. */
  unknownOperation: () => new DynamoError('UnknownOperationException', ''),
  missingAuthenticationToken: () =>
    new DynamoError('MissingAuthenticationTokenException', 'Request is missing Authentication Token'),
  incompleteSignature: (message: string) => new DynamoError('IncompleteSignatureException', message),
  invalidSignature: (message: string) => new DynamoError('InvalidSignatureException', message),
  unrecognizedClient: () =>
    new DynamoError('UnrecognizedClientException', 'The security token included in the request is invalid.'),
  /** https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html */
  internalServerError: () =>
    new DynamoError(
      'InternalServerError',
      'The server encountered an internal error trying to fulfill the request.',
      500,
    ),
  serviceUnavailable: () =>
    new DynamoError(
      'ServiceUnavailable',
      'DynamoDB is currently unavailable. (This should be a temporary state.)',
      503,
    ),
};
