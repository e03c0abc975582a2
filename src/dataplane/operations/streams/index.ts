/**
 * The DynamoDB Streams registry: every DynamoDBStreams_20120810 operation Pangea serves, by the
 * name that follows the dot in X-Amz-Target.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Operations_Amazon_DynamoDB_Streams.html
 */
import type { OperationHandler } from '../types.js';
import { describeStream } from './describe-stream.js';
import { getRecords } from './get-records.js';
import { getShardIterator } from './get-shard-iterator.js';
import { listStreams } from './list-streams.js';

export const streamsOperations: Record<string, OperationHandler> = {
  ListStreams: listStreams,
  DescribeStream: describeStream,
  GetShardIterator: getShardIterator,
  GetRecords: getRecords,
};
