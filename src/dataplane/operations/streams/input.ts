/**
 * Input checks shared by the Streams operations: the service framework's length constraints
 * (stream ARNs 37–1024 characters, shard ids 28–65) and the lookup of the stream an ARN names.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_DescribeStream.html
 */
import type { Constraints } from '../tables/validation.js';
import type { OperationContext } from '../types.js';
import { parseStreamArn } from './arn.js';
import { invalidStreamArn, streamNotFound } from './errors.js';
import { findStream, type StreamState } from './stream.js';

export function checkStreamArn(constraints: Constraints, value: string | undefined): void {
  if (constraints.required('streamArn', value)) constraints.length('streamArn', value, 37, 1024);
}

export const checkShardId = (constraints: Constraints, path: string, value: string | undefined): void =>
  constraints.length(path, value, 28, 65);

/** The stream an ARN names, or AWS's ValidationException / ResourceNotFoundException. */
export function requireStream(ctx: OperationContext, streamArn: string): StreamState {
  if (!parseStreamArn(streamArn)) throw invalidStreamArn();
  const stream = findStream(ctx, streamArn);
  if (!stream) throw streamNotFound(streamArn);
  return stream;
}
