/**
 * Shards. AWS splits a stream into shards that roll over every few hours and split with the
 * table's partitions; Pangea keeps one shard per stream label, open while the stream is enabled
 * and closed once it is disabled (then SequenceNumberRange gets an EndingSequenceNumber).
 * The id follows AWS's format, "shardId-" + 20 digits + "-" + 8 hex digits
 * (e.g. shardId-00000001414576573621-f55eea83), derived from the stream ARN so that it is stable
 * across restarts and differs between streams.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_Shard.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_GetShardIterator.html (example)
 */
import { createHash } from 'node:crypto';

export function shardIdFor(streamArn: string, creationMs: number): string {
  const digits = String(Math.max(0, Math.trunc(creationMs))).padStart(20, '0');
  const suffix = createHash('sha256').update(streamArn).digest('hex').slice(0, 8);
  return `shardId-${digits}-${suffix}`;
}
