/**
 * Stream records in AWS's shape, and sequence numbers as AWS writes them: decimal strings of 21
 * to 40 digits (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_SequenceNumberRange.html).
 * Pangea zero-pads the store's log position to 21 digits, so the strings also sort as numbers.
 * Record: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_Record.html
 * StreamRecord: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_StreamRecord.html
 */
import { createHash } from 'node:crypto';
import type { StreamRecord } from '../../storage/types.js';
import type { StreamViewType } from './stream.js';

export const sequenceDigits = 21;

export const formatSequence = (sequence: number): string => String(sequence).padStart(sequenceDigits, '0');

/**
 * A client's sequence number as a log position, or undefined when it is not a decimal string.
 * Numbers past the largest exact integer are clamped: they lie beyond every record anyway.
 */
export function parseSequence(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const value = BigInt(text);
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}

const keepsNewImage = (viewType: StreamViewType): boolean =>
  viewType === 'NEW_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES';
const keepsOldImage = (viewType: StreamViewType): boolean =>
  viewType === 'OLD_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES';

/**
 * AWS's eventID is a 32-hex-digit id unique per record; deriving it from the stream and position
 * keeps it the same each time the record is read, as on AWS.
 */
export const eventIdFor = (streamArn: string, sequence: number): string =>
  createHash('sha256').update(`${streamArn}#${sequence}`).digest('hex').slice(0, 32);

export interface RecordContext {
  streamArn: string;
  region: string;
  viewType: StreamViewType;
}

export function toAwsRecord(context: RecordContext, record: StreamRecord): Record<string, unknown> {
  const dynamodb: Record<string, unknown> = {
    // "rounded down to the closest second" (StreamRecord.ApproximateCreationDateTime).
    ApproximateCreationDateTime: Math.floor(record.approximateCreationMs / 1000),
    Keys: record.keys,
  };
  if (record.newImage && keepsNewImage(context.viewType)) dynamodb.NewImage = record.newImage;
  if (record.oldImage && keepsOldImage(context.viewType)) dynamodb.OldImage = record.oldImage;
  dynamodb.SequenceNumber = formatSequence(record.sequence);
  dynamodb.SizeBytes = record.sizeBytes;
  dynamodb.StreamViewType = context.viewType;
  const shaped: Record<string, unknown> = {
    eventID: eventIdFor(context.streamArn, record.sequence),
    eventName: record.eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: context.region,
    dynamodb,
  };
  if (record.userIdentity) shaped.userIdentity = { ...record.userIdentity };
  return shaped;
}
