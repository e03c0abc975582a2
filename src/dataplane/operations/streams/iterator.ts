/**
 * Shard iterators: opaque strings that carry a read position. Like AWS's
 * ("arn:aws:dynamodb:...:table/T/stream/<label>|1|AAAA..."), they start with the stream ARN; the
 * rest is the position and creation time, signed with an HMAC keyed by a random per-process
 * secret, so a garbled or forged iterator is refused. An iterator from an earlier process cannot be
 * checked; it is answered as expired, which sends well-behaved clients to GetShardIterator again
 * (a forger gains nothing from it).
 * An iterator expires 15 minutes after it is returned
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_GetShardIterator.html).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const iteratorLifetimeMs = 15 * 60 * 1000;

export interface IteratorPosition {
  streamArn: string;
  shardId: string;
  /** The next read returns records with a greater sequence. */
  afterSequence: number;
  /**
   * The sequence of the first record after `afterSequence` when the iterator was made, if one
   * existed: once the log no longer holds it, the data the iterator points at has been trimmed.
   */
  nextSequence?: number;
  createdMs: number;
}

export type DecodedIterator =
  | { kind: 'valid'; position: IteratorPosition }
  /** Well formed but signed by another process: its integrity cannot be checked. */
  | { kind: 'foreign'; createdMs: number }
  | { kind: 'invalid' };

const secret = randomBytes(32);
/** Tells this process's iterators apart from those of earlier ones (not secret). */
const processTag = randomBytes(6).toString('base64url');
const formatVersion = '1';
const macLength = 22;

const mac = (streamArn: string, body: string): string =>
  createHmac('sha256', secret).update(`${streamArn}|${body}`).digest('base64url').slice(0, macLength);

export function encodeShardIterator(position: IteratorPosition): string {
  const fields = [
    processTag,
    position.shardId,
    position.afterSequence,
    position.nextSequence ?? null,
    position.createdMs,
  ];
  const body = Buffer.from(JSON.stringify(fields), 'utf8').toString('base64url');
  return `${position.streamArn}|${formatVersion}|${body}.${mac(position.streamArn, body)}`;
}

export function decodeShardIterator(text: string): DecodedIterator {
  const parts = text.split('|');
  if (parts.length !== 3 || parts[1] !== formatVersion) return { kind: 'invalid' };
  const [streamArn = '', , signed = ''] = parts;
  const dot = signed.lastIndexOf('.');
  if (dot < 0) return { kind: 'invalid' };
  const body = signed.slice(0, dot);
  const fields = readFields(body);
  if (!fields) return { kind: 'invalid' };
  const [tag, shardId, afterSequence, nextSequence, createdMs] = fields;
  if (tag !== processTag) return { kind: 'foreign', createdMs };
  if (!sameMac(signed.slice(dot + 1), mac(streamArn, body))) return { kind: 'invalid' };
  const position: IteratorPosition = { streamArn, shardId, afterSequence, createdMs };
  if (nextSequence !== null) position.nextSequence = nextSequence;
  return { kind: 'valid', position };
}

type Fields = [string, string, number, number | null, number];

function readFields(body: string): Fields | undefined {
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(fields) || fields.length !== 5) return undefined;
  const [tag, shardId, afterSequence, nextSequence, createdMs] = fields;
  if (typeof tag !== 'string' || typeof shardId !== 'string') return undefined;
  if (!Number.isSafeInteger(afterSequence) || !Number.isFinite(createdMs)) return undefined;
  if (nextSequence !== null && !Number.isSafeInteger(nextSequence)) return undefined;
  return fields as Fields;
}

function sameMac(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
