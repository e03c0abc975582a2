/**
 * Reading and trimming the replication logs of a region store: stream records (StreamLogReader,
 * trimmed after the retention period), the outbound log (paged for the senders, truncated once
 * every peer acknowledged), ack watermarks, inbound progress, conflicts (bounded by count and
 * age), item states for backfill, and tombstone collection. Trimming deletes in bounded chunks,
 * one commit each, so it never holds the write lock for long.
 */

import { encodeHlc, type HlcTimestamp } from '../../replication/core/hlc.js';
import type { ConflictRecord } from '../../replication/core/merge.js';
import type { TableMeta } from '../model.js';
import type { Databases } from './databases.js';
import { prefixSuccessor, storagePrefix } from './key-codec.js';
import { tableKeyOf } from './layout.js';
import { inboundKeyPrefix, itemState, versionOfTombstoneKey } from './replication-tx.js';
import type {
  AckWatermark,
  ConflictQuery,
  ItemStatesPage,
  OutboundEntry,
  StoredStreamRecord,
} from './replication-types.js';
import type { StreamRecord } from './types.js';

/** Runs one bounded write (a child transaction of the current commit). */
export type WriteRunner = <T>(action: () => T) => Promise<T>;

export const trimChunkSize = 1000;
const ackKeyPrefix = 'ack:';
/** A sequence above any real one, to seek past the end of a stream. */
const afterLastSequence = Number.MAX_SAFE_INTEGER;

export interface LogRetention {
  streamRetentionMs: number;
  maxConflicts: number;
  conflictRetentionMs: number;
}

export class ReplicationLogs {
  constructor(
    private readonly dbs: Databases,
    private readonly write: WriteRunner,
  ) {}

  streamRecords(
    tableName: string,
    streamLabel: string,
    afterSequence: number,
    limit: number,
  ): StreamRecord[] {
    const records: StreamRecord[] = [];
    if (limit <= 0) return records;
    const range = this.dbs.streams.getRange({
      start: [tableName, streamLabel, afterSequence + 1],
      end: [tableName, streamLabel, afterLastSequence],
      limit,
    });
    for (const { key, value } of range) records.push(toStreamRecord(key, value));
    return records;
  }

  streamSequenceRange(tableName: string, streamLabel: string): { first: number; last: number } | undefined {
    const bounds = { start: [tableName, streamLabel, 0], end: [tableName, streamLabel, afterLastSequence] };
    const first = firstKey(this.dbs.streams.getKeys({ ...bounds, limit: 1 }));
    if (!first) return undefined;
    const last = firstKey(
      this.dbs.streams.getKeys({ start: bounds.end, end: bounds.start, reverse: true, limit: 1 }),
    );
    return { first: first[2], last: (last ?? first)[2] };
  }

  outboundEntries(afterSequence: number, limit: number): OutboundEntry[] {
    const entries: OutboundEntry[] = [];
    for (const { key, value } of this.dbs.outbound.getRange({ start: afterSequence + 1, limit })) {
      entries.push({ sequence: key, change: value });
    }
    return entries;
  }

  ackWatermark(peer: string): AckWatermark {
    const stored = this.dbs.replication.get(`${ackKeyPrefix}${peer}`) as AckWatermark | undefined;
    return stored ?? { sequence: 0, destined: 0 };
  }

  saveAckWatermark(peer: string, watermark: AckWatermark): Promise<void> {
    return this.write(() => {
      this.dbs.replication.putSync(`${ackKeyPrefix}${peer}`, watermark);
    });
  }

  inboundSequence(origin: string): number {
    return Number(this.dbs.replication.get(`${inboundKeyPrefix}${origin}`) ?? 0);
  }

  async truncateOutbound(sequence: number): Promise<void> {
    for (;;) {
      const removed = await this.write(() => {
        const keys = [...this.dbs.outbound.getKeys({ end: sequence + 1, limit: trimChunkSize })];
        for (const key of keys) this.dbs.outbound.removeSync(key);
        return keys.length;
      });
      if (removed < trimChunkSize) return;
    }
  }

  itemStates(table: TableMeta, cursor: string | undefined, limit: number): ItemStatesPage {
    const prefix = storagePrefix(table.tableNumber);
    const end = prefixSuccessor(prefix);
    const start = cursor ? Buffer.concat([Buffer.from(cursor, 'hex'), Buffer.from([0])]) : prefix;
    const entries: ItemStatesPage['entries'] = [];
    let lastKey: Buffer | undefined;
    let scanned = 0;
    for (const { key, value } of this.dbs.versions.getRange({ start, ...(end ? { end } : {}), limit })) {
      lastKey = key;
      scanned++;
      const image = value.d ? undefined : this.dbs.items.get(key);
      const state = itemState(value, image);
      const itemKey = image ? tableKeyOf(table, image) : value.k;
      if (state && itemKey) entries.push({ key: itemKey, state });
    }
    const exhausted = !lastKey || scanned < limit;
    return { entries, nextCursor: exhausted || !lastKey ? undefined : lastKey.toString('hex') };
  }

  conflicts(query: ConflictQuery): ConflictRecord[] {
    const found: ConflictRecord[] = [];
    for (const { value } of this.dbs.conflicts.getRange({ reverse: true })) {
      if (found.length >= query.limit) break;
      if (query.table === undefined || value.table === query.table) found.push(value);
    }
    return found;
  }

  async collectTombstones(stableFrontier: HlcTimestamp, limit: number): Promise<number> {
    const frontier = encodeHlc(stableFrontier);
    return this.write(() => {
      let collected = 0;
      for (const { key, value } of this.dbs.tombstones.getRange({ limit })) {
        const version = versionOfTombstoneKey(key);
        if (version > frontier) break;
        const storageKey = Buffer.from(value);
        const entry = this.dbs.versions.get(storageKey);
        if (entry?.d && entry.v === version) this.dbs.versions.removeSync(storageKey);
        this.dbs.tombstones.removeSync(key);
        collected++;
      }
      return collected;
    });
  }

  /** Deletes stream records older than the retention, one stream after another, in chunks. */
  async trimStreams(nowMs: number, retentionMs: number): Promise<number> {
    const oldestKeptMs = nowMs - retentionMs;
    let removedTotal = 0;
    let position: [string, string, number] | undefined;
    for (;;) {
      const step = await this.write(() => this.trimStreamChunk(position, oldestKeptMs));
      removedTotal += step.removed;
      if (!step.next) return removedTotal;
      position = step.next;
    }
  }

  async trimConflicts(nowMs: number, retention: LogRetention): Promise<void> {
    const oldestKeptMs = nowMs - retention.conflictRetentionMs;
    for (;;) {
      const removed = await this.write(() => {
        const excess = this.dbs.conflicts.getCount() - retention.maxConflicts;
        let count = 0;
        for (const { key, value } of this.dbs.conflicts.getRange({ limit: trimChunkSize })) {
          if (count >= excess && value.detectedAtMs >= oldestKeptMs) break;
          this.dbs.conflicts.removeSync(key);
          count++;
        }
        return count;
      });
      if (removed < trimChunkSize) return;
    }
  }

  /**
   * Removes up to a chunk of expired records starting at `position` (or the first stream) and
   * says where to continue: the same stream if the chunk was full, else the next stream.
   */
  private trimStreamChunk(
    position: [string, string, number] | undefined,
    oldestKeptMs: number,
  ): { removed: number; next: [string, string, number] | undefined } {
    let removed = 0;
    let stoppedAt: [string, string, number] | undefined;
    const range = this.dbs.streams.getRange(position ? { start: position } : {});
    for (const { key, value } of range) {
      if (value.a >= oldestKeptMs || removed >= trimChunkSize) {
        stoppedAt = key;
        break;
      }
      this.dbs.streams.removeSync(key);
      removed++;
    }
    if (!stoppedAt) return { removed, next: undefined };
    if (removed >= trimChunkSize) return { removed, next: stoppedAt };
    return { removed, next: [stoppedAt[0], stoppedAt[1], afterLastSequence] };
  }
}

function firstKey<K>(keys: Iterable<K>): K | undefined {
  for (const key of keys) return key;
  return undefined;
}

function toStreamRecord(key: [string, string, number], stored: StoredStreamRecord): StreamRecord {
  const record: StreamRecord = {
    sequence: key[2],
    tableName: key[0],
    streamLabel: key[1],
    eventName: stored.e,
    keys: stored.k,
    approximateCreationMs: stored.a,
    sizeBytes: stored.z,
    originRegion: stored.r,
  };
  if (stored.o) record.oldImage = stored.o;
  if (stored.n) record.newImage = stored.n;
  if (stored.u) record.userIdentity = { type: 'Service', principalId: 'dynamodb.amazonaws.com' };
  return record;
}
