/**
 * DescribeStream: a stream's status, view type, table, key schema and shards.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_DescribeStream.html
 * A shard with a StartingSequenceNumber and no EndingSequenceNumber is open; Pangea's single shard
 * closes when the stream is disabled. ShardFilter CHILD_SHARDS finds nothing: shards never split.
 */
import { Constraints, member } from '../tables/validation.js';
import type { OperationHandler } from '../types.js';
import { checkShardId, checkStreamArn, requireStream } from './input.js';
import { formatSequence } from './records.js';
import type { StreamState } from './stream.js';

const maxLimit = 100;

export function describeShard(stream: StreamState): Record<string, unknown> {
  // An empty shard starts at 0, which GetShardIterator reads as "the start of the shard".
  const range: Record<string, string> = {
    StartingSequenceNumber: formatSequence(stream.range?.first ?? 0),
  };
  if (!stream.enabled) range.EndingSequenceNumber = formatSequence(stream.range?.last ?? 0);
  return { ShardId: stream.shardId, SequenceNumberRange: range };
}

export const describeStream: OperationHandler = async (ctx, input) => {
  const streamArn = member(input, 'StreamArn', 'string');
  const limit = member(input, 'Limit', 'number');
  const exclusiveStartShardId = member(input, 'ExclusiveStartShardId', 'string');
  const shardFilter = member(input, 'ShardFilter', 'structure');
  const filterType = member(shardFilter, 'Type', 'string');
  const filterShardId = member(shardFilter, 'ShardId', 'string');
  const constraints = new Constraints();
  checkStreamArn(constraints, streamArn);
  constraints.range('limit', limit, 1);
  checkShardId(constraints, 'exclusiveStartShardId', exclusiveStartShardId);
  constraints.oneOf('shardFilter.type', filterType, ['CHILD_SHARDS']);
  checkShardId(constraints, 'shardFilter.shardId', filterShardId);
  constraints.throwIfAny();

  const stream = requireStream(ctx, streamArn ?? '');
  // One shard per stream: it has no parent, and no shard is anyone's child.
  const shards = shardFilter
    ? []
    : [stream].filter((s) => exclusiveStartShardId === undefined || s.shardId > exclusiveStartShardId);
  const pageSize = Math.min(Math.floor(limit ?? maxLimit), maxLimit);
  const page = shards.slice(0, pageSize);
  const description: Record<string, unknown> = {
    StreamArn: stream.arn,
    StreamLabel: stream.label,
    StreamStatus: stream.enabled ? 'ENABLED' : 'DISABLED',
    StreamViewType: stream.viewType,
    CreationRequestDateTime: stream.creationMs / 1000,
    TableName: stream.table.TableName,
    KeySchema: stream.table.KeySchema.map((element) => ({ ...element })),
    Shards: page.map(describeShard),
  };
  const last = page.at(-1);
  if (shards.length > page.length && last) description.LastEvaluatedShardId = last.shardId;
  return { StreamDescription: description };
};
