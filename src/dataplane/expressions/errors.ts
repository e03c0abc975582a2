/**
 * Error construction shared by every expression module. AWS prefixes expression errors with the
 * parameter that failed ("Invalid UpdateExpression: ...") and ends argument-less messages with ";"
 * (e.g. "The expression can not be empty;"). Base texts follow DynamoDB's validation message
 * catalogue; the "; key: value" suffixes follow the shape of AWS responses seen in the wild.
 */
import { type DynamoError, validationError } from '../model.js';
import type { DocumentPath } from './ast.js';

/** Which request parameter an expression came from; it names the parameter in error messages. */
export type ExpressionParameter =
  | 'ConditionExpression'
  | 'FilterExpression'
  | 'KeyConditionExpression'
  | 'UpdateExpression'
  | 'ProjectionExpression';

export const expressionError = (parameter: ExpressionParameter, message: string): DynamoError =>
  validationError(`Invalid ${parameter}: ${message}`);

/** AWS prints document paths as `[a, b, [2], c]` in overlap / distinct-operand messages. */
export const formatPath = (path: DocumentPath): string =>
  `[${path.map((element) => (element.kind === 'name' ? element.name : `[${element.index}]`)).join(', ')}]`;

/** "One or more parameter values were invalid: ..." — the legacy parameters' validation prefix. */
export const invalidParameterValues = (message: string): DynamoError =>
  validationError(`One or more parameter values were invalid: ${message}`);
