/**
 * The Streams API's errors. Messages marked "observed" are AWS's as seen in user reports; the
 * others follow AWS's wording for the same situation in DynamoDB or Kinesis.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Types_Amazon_DynamoDB_Streams.html
 */
import { DynamoError, resourceNotFound, validationError } from '../../model.js';

/** Observed: "Requested resource not found: Stream: arn:aws:dynamodb:...:table/T/stream/2017-06-23T19:06:22.628 not found". */
export const streamNotFound = (streamArn: string): DynamoError =>
  resourceNotFound(`Requested resource not found: Stream: ${streamArn} not found`);

export const shardNotFound = (shardId: string, streamArn: string): DynamoError =>
  resourceNotFound(`Requested resource not found: Shard: ${shardId} in Stream: ${streamArn} not found`);

export const invalidStreamArn = (): DynamoError => validationError('Invalid StreamArn');

export const invalidShardIterator = (): DynamoError => validationError('Invalid ShardIterator');

export const invalidSequenceNumber = (sequenceNumber: string): DynamoError =>
  validationError(`Invalid SequenceNumber: ${sequenceNumber}`);

/** Observed in a user report against AWS: "The data you are trying to access has been trimmed". */
export const trimmedData = (): DynamoError =>
  new DynamoError('TrimmedDataAccessException', 'The data you are trying to access has been trimmed');

/**
 * Kinesis's documented wording (DynamoDB Streams shares its iterator machinery), with the
 * Streams lifetime: "Iterator expired. The iterator was created at time Wed Mar 04 01:02:40 UTC 2020
 * while right now it is ... which is further in the future than the tolerated delay of 300000 milliseconds."
 */
export function expiredIterator(createdMs: number, nowMs: number, lifetimeMs: number): DynamoError {
  return new DynamoError(
    'ExpiredIteratorException',
    `Iterator expired. The iterator was created at time ${javaUtcDate(createdMs)} while right now it is ` +
      `${javaUtcDate(nowMs)} which is further in the future than the tolerated delay of ${lifetimeMs} milliseconds.`,
  );
}

const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (value: number): string => String(value).padStart(2, '0');

/** Java's Date.toString in UTC, as AWS's Java services print instants: "Wed Mar 04 01:02:40 UTC 2020". */
export function javaUtcDate(ms: number): string {
  const date = new Date(ms);
  const time = `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
  return `${weekdays[date.getUTCDay()]} ${months[date.getUTCMonth()]} ${two(date.getUTCDate())} ${time} UTC ${date.getUTCFullYear()}`;
}
