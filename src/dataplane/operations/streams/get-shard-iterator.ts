/**
 * GetShardIterator: a position in a shard to read from.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_GetShardIterator.html
 * - TRIM_HORIZON: the oldest record still held (records older than 24 hours are trimmed);
 * - LATEST: just after the newest record;
 * - AT_SEQUENCE_NUMBER / AFTER_SEQUENCE_NUMBER: at / after the given record; a sequence number
 *   older than the trim point is a TrimmedDataAccessException. Sequence number 0 (what an empty
 *   shard reports as its StartingSequenceNumber) means the start of the shard.
 * A SequenceNumber given with TRIM_HORIZON or LATEST is ignored.
 */
import { validationError } from '../../model.js';
import { Constraints, member } from '../tables/validation.js';
import type { OperationHandler } from '../types.js';
import { invalidSequenceNumber, shardNotFound, trimmedData } from './errors.js';
import { checkShardId, checkStreamArn, requireStream } from './input.js';
import { encodeShardIterator, type IteratorPosition } from './iterator.js';
import { parseSequence } from './records.js';
import type { StreamState } from './stream.js';

const iteratorTypes = ['TRIM_HORIZON', 'LATEST', 'AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER'] as const;
type IteratorType = (typeof iteratorTypes)[number];

type Start = Pick<IteratorPosition, 'afterSequence' | 'nextSequence'>;

/** The first record after `afterSequence`, which the iterator will read next. */
function startAfter(stream: StreamState, afterSequence: number): Start {
  const next = stream.log.streamRecords(stream.table.TableName, stream.label, afterSequence, 1)[0];
  return next ? { afterSequence, nextSequence: next.sequence } : { afterSequence };
}

function startOf(stream: StreamState, type: IteratorType, sequenceNumber: string | undefined): Start {
  const range = stream.range;
  if (type === 'TRIM_HORIZON')
    return range ? { afterSequence: range.first - 1, nextSequence: range.first } : { afterSequence: 0 };
  if (type === 'LATEST') return { afterSequence: range?.last ?? 0 };
  if (sequenceNumber === undefined) {
    throw validationError(`SequenceNumber is required for ShardIteratorType ${type}`);
  }
  const sequence = parseSequence(sequenceNumber);
  if (sequence === undefined) throw invalidSequenceNumber(sequenceNumber);
  if (sequence === 0) return startAfter(stream, -1);
  if (range && sequence < range.first) throw trimmedData();
  return startAfter(stream, type === 'AT_SEQUENCE_NUMBER' ? sequence - 1 : sequence);
}

export const getShardIterator: OperationHandler = async (ctx, input) => {
  const streamArn = member(input, 'StreamArn', 'string');
  const shardId = member(input, 'ShardId', 'string');
  const iteratorType = member(input, 'ShardIteratorType', 'string');
  const sequenceNumber = member(input, 'SequenceNumber', 'string');
  const constraints = new Constraints();
  checkStreamArn(constraints, streamArn);
  if (constraints.required('shardId', shardId)) checkShardId(constraints, 'shardId', shardId);
  if (constraints.required('shardIteratorType', iteratorType))
    constraints.oneOf('shardIteratorType', iteratorType, iteratorTypes);
  constraints.length('sequenceNumber', sequenceNumber, 21, 40);
  constraints.throwIfAny();

  const stream = requireStream(ctx, streamArn ?? '');
  if (shardId !== stream.shardId) throw shardNotFound(shardId ?? '', stream.arn);
  const start = startOf(stream, iteratorType as IteratorType, sequenceNumber);
  const position: IteratorPosition = {
    streamArn: stream.arn,
    shardId: stream.shardId,
    ...start,
    createdMs: ctx.nowMs(),
  };
  return { ShardIterator: encodeShardIterator(position) };
};
