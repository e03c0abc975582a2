/**
 * GetRecords: the records after an iterator's position, at most Limit (upper limit 1000) and
 * about 1 MB, and the iterator to continue from.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_GetRecords.html
 * NextShardIterator is left out once a closed shard (a disabled stream) has been read to its end:
 * "If NextShardIterator is null, the shard has been closed and the requested iterator will not
 * return any more data." An iterator whose next record has been trimmed away since it was made is a
 * TrimmedDataAccessException; one older than 15 minutes an ExpiredIteratorException.
 */
import type { StreamRecord } from '../../storage/types.js';
import { Constraints, member } from '../tables/validation.js';
import type { OperationContext, OperationHandler } from '../types.js';
import {
  expiredIterator,
  invalidShardIterator,
  shardNotFound,
  streamNotFound,
  trimmedData,
} from './errors.js';
import {
  decodeShardIterator,
  encodeShardIterator,
  type IteratorPosition,
  iteratorLifetimeMs,
} from './iterator.js';
import { toAwsRecord } from './records.js';
import { findStream, type StreamState } from './stream.js';

/** "The upper limit is 1000"; larger values are served as 1000. */
const maxLimit = 1000;
/** "GetRecords can retrieve a maximum of 1 MB of data". */
const maxResponseBytes = 1024 * 1024;

function readPosition(ctx: OperationContext, shardIterator: string): IteratorPosition {
  const decoded = decodeShardIterator(shardIterator);
  if (decoded.kind === 'invalid') throw invalidShardIterator();
  const now = ctx.nowMs();
  if (decoded.kind === 'foreign') throw expiredIterator(decoded.createdMs, now, iteratorLifetimeMs);
  if (now - decoded.position.createdMs > iteratorLifetimeMs)
    throw expiredIterator(decoded.position.createdMs, now, iteratorLifetimeMs);
  return decoded.position;
}

function readableStream(ctx: OperationContext, position: IteratorPosition): StreamState {
  const stream = findStream(ctx, position.streamArn);
  if (!stream) throw streamNotFound(position.streamArn);
  if (stream.shardId !== position.shardId) throw shardNotFound(position.shardId, stream.arn);
  const next = position.nextSequence;
  if (next !== undefined && (stream.range === undefined || stream.range.first > next)) throw trimmedData();
  return stream;
}

/** The records to return: at most `limit`, and no more than ~1 MB unless the first alone is larger. */
function takePage(fetched: StreamRecord[], limit: number): StreamRecord[] {
  const page: StreamRecord[] = [];
  let bytes = 0;
  for (const record of fetched.slice(0, limit)) {
    if (page.length > 0 && bytes + record.sizeBytes > maxResponseBytes) break;
    page.push(record);
    bytes += record.sizeBytes;
  }
  return page;
}

export const getRecords: OperationHandler = async (ctx, input) => {
  const shardIterator = member(input, 'ShardIterator', 'string');
  const limit = member(input, 'Limit', 'number');
  const constraints = new Constraints();
  if (constraints.required('shardIterator', shardIterator))
    constraints.length('shardIterator', shardIterator, 1, 2048);
  constraints.range('limit', limit, 1);
  constraints.throwIfAny();

  const position = readPosition(ctx, shardIterator ?? '');
  const stream = readableStream(ctx, position);
  const pageSize = Math.min(Math.floor(limit ?? maxLimit), maxLimit);
  // One record more than asked, to learn where the next read starts.
  const fetched = stream.log.streamRecords(
    stream.table.TableName,
    stream.label,
    position.afterSequence,
    pageSize + 1,
  );
  const page = takePage(fetched, pageSize);
  const output: Record<string, unknown> = {
    Records: page.map((record) =>
      toAwsRecord({ streamArn: stream.arn, region: ctx.region, viewType: stream.viewType }, record),
    ),
  };
  const unread = fetched[page.length];
  if (stream.enabled || unread) {
    const next: IteratorPosition = {
      streamArn: stream.arn,
      shardId: stream.shardId,
      afterSequence: page.at(-1)?.sequence ?? position.afterSequence,
      createdMs: ctx.nowMs(),
    };
    if (unread) next.nextSequence = unread.sequence;
    output.NextShardIterator = encodeShardIterator(next);
  }
  return output;
};
