/**
 * The storage side of global tables: what the store keeps per item (version + causal context,
 * tombstones), the durable logs it appends in the same transaction as every item change (outbound
 * replication log, stream records, conflicts), and the contract the replication engine uses.
 * Stored shapes are compact (versions as their sortable string encoding) because every write of a
 * replicated table pays for them; `toChangeRecord`/`toStoredChange` convert at the engine boundary.
 */
import type { CausalContext, ChangeRecord, ItemState } from '../../replication/core/change.js';
import {
  decodeHlc,
  encodeHlc,
  type HlcTimestamp,
  type HybridLogicalClock,
} from '../../replication/core/hlc.js';
import type { ConflictRecord, MergeOutcome } from '../../replication/core/merge.js';
import type { Item, TableMeta } from '../model.js';
import type { RegionStore, StreamLogReader, StreamRecord, WriteTx } from './types.js';

/** Causal context with versions in their string encoding. */
export type StoredContext = Record<string, string>;

/** Per item (same key as the item): its version and context; `d` marks a tombstone, which keeps its key `k`. */
export interface VersionEntry {
  v: string;
  c: StoredContext;
  d?: 1;
  k?: Item;
}

/**
 * One change of the outbound log (and on the wire, with `o` and `s`). A put has `i` (the new
 * image); a delete has none. `d` lists the replica regions it must reach (fixed at commit time).
 */
export interface StoredChange {
  /** Table name. */
  t: string;
  /** Key attributes. */
  k: Item;
  /** New image of a put. */
  i?: Item;
  /** Version. */
  v: string;
  /** Replaced version, or null. */
  r: string | null;
  c: StoredContext;
  /** Origin's physical commit time, epoch ms. */
  m: number;
  /** Destinations (replica regions other than the origin). */
  d: string[];
  /** Set for deletions made by TTL expiry. */
  x?: 1;
}

/** A change as it travels in a batch: the stored change plus its origin and sequence. */
export interface WireChange extends StoredChange {
  o: string;
  s: number;
}

/** A stream record without the parts its key already holds (table, label, sequence). */
export interface StoredStreamRecord {
  e: StreamRecord['eventName'];
  k: Item;
  o?: Item;
  n?: Item;
  a: number;
  z: number;
  r: string;
  u?: 1;
}

/** How a write is recorded beyond the item itself. */
export interface WriteOptions {
  /** A TTL expiry: its stream record names the TTL service; it is replicated as a plain delete. */
  ttlExpiry?: boolean;
  /**
   * Rewrite of an unchanged item to rebuild indexes (GSI backfill): keeps the version, logs
   * nothing, replicates nothing.
   */
  rebuildOnly?: boolean;
}

export interface ApplyResult {
  outcome: MergeOutcome;
  conflict?: ConflictRecord;
  /** The change's version was further ahead of our clock than the HLC's max drift. */
  driftExceeded: boolean;
}

/** The write transaction of the replicated store: local writes are versioned and logged. */
export interface ReplicationWriteTx extends WriteTx {
  putItem(table: TableMeta, item: Item, options?: WriteOptions): void;
  deleteItem(table: TableMeta, key: Item, options?: WriteOptions): void;
  /** Merges a change received from another replica (or a backfill state) into this replica. */
  applyChange(table: TableMeta, change: ChangeRecord): ApplyResult;
  /** Records that every change of `origin` up to `sequence` is applied here (same transaction). */
  setInboundSequence(origin: string, sequence: number): void;
}

export interface OutboundEntry {
  sequence: number;
  change: StoredChange;
}

export interface ItemStateEntry {
  key: Item;
  state: ItemState;
}

export interface ItemStatesPage {
  entries: ItemStateEntry[];
  /** Pass back to continue after the last entry; undefined when the table is exhausted. */
  nextCursor: string | undefined;
}

export interface AckWatermark {
  sequence: number;
  /** How many changes destined to that peer the acknowledged prefix holds (for PendingReplicationCount). */
  destined: number;
}

export interface ConflictQuery {
  table?: string;
  limit: number;
}

/** The store seen by the replication engine. */
export interface ReplicatedRegionStore extends RegionStore, StreamLogReader {
  readonly regionName: string;
  /** The region's hybrid logical clock (observes every stored and received version). */
  readonly hlc: HybridLogicalClock;
  /** Physical wall clock, epoch ms (the store's injected clock). */
  wallClockMs(): number;
  transactReplicated<T>(fn: (tx: ReplicationWriteTx) => T): Promise<T>;
  /**
   * Calls `listener` after a commit that appended to the outbound log (the new entries are
   * readable then), so senders ship at once instead of polling. Returns the unsubscribe function.
   */
  onOutboundCommitted(listener: () => void): () => void;
  /** The last assigned outbound sequence (0 when none). */
  outboundHighSequence(): number;
  /** How many changes destined to `peer` were ever logged. */
  destinedTotal(peer: string): number;
  /** Up to `limit` log entries with sequence > afterSequence, in order (committed data only). */
  outboundEntries(afterSequence: number, limit: number): OutboundEntry[];
  ackWatermark(peer: string): AckWatermark;
  saveAckWatermark(peer: string, watermark: AckWatermark): Promise<void>;
  /** Drops log entries up to `sequence` (every peer acknowledged them), in bounded chunks. */
  truncateOutbound(sequence: number): Promise<void>;
  inboundSequence(origin: string): number;
  /** A page of item states (live items and tombstones) of a table, in key order. */
  itemStates(table: TableMeta, cursor: string | undefined, limit: number): ItemStatesPage;
  /** Newest first. */
  conflicts(query: ConflictQuery): ConflictRecord[];
  /** Deletes tombstones at or below the stable frontier; returns how many. */
  collectTombstones(stableFrontier: HlcTimestamp, limit: number): Promise<number>;
  /** Small durable engine state (jobs): JSON-like values under string keys. */
  getReplicationState(key: string): unknown;
  listReplicationState(prefix: string): { key: string; value: unknown }[];
  putReplicationState(key: string, value: unknown | undefined): Promise<void>;
}

export function encodeContext(context: CausalContext): StoredContext {
  const stored: StoredContext = {};
  for (const [region, version] of Object.entries(context)) stored[region] = encodeHlc(version);
  return stored;
}

export function decodeContext(stored: StoredContext): CausalContext {
  const context: Record<string, HlcTimestamp> = {};
  for (const [region, version] of Object.entries(stored)) context[region] = decodeHlc(version);
  return context;
}

export function toStoredChange(
  change: ChangeRecord,
  destinations: string[],
  ttlExpiry: boolean,
): StoredChange {
  const stored: StoredChange = {
    t: change.table,
    k: change.key,
    v: encodeHlc(change.version),
    r: change.replacedVersion ? encodeHlc(change.replacedVersion) : null,
    c: encodeContext(change.context),
    m: change.committedAtMs,
    d: destinations,
  };
  if (change.kind === 'put') stored.i = change.newImage;
  if (ttlExpiry) stored.x = 1;
  return stored;
}

export function toChangeRecord(wire: WireChange): ChangeRecord {
  const common = {
    table: wire.t,
    key: wire.k,
    version: decodeHlc(wire.v),
    originRegion: wire.o,
    originSequence: wire.s,
    replacedVersion: wire.r === null ? null : decodeHlc(wire.r),
    context: decodeContext(wire.c),
    committedAtMs: wire.m,
  };
  return wire.i ? { ...common, kind: 'put', newImage: wire.i } : { ...common, kind: 'delete' };
}

/** The change that carries an existing item state to a new replica (backfill); sequence 0 = outside the log. */
export function changeFromState(table: string, entry: ItemStateEntry, nowMs: number): ChangeRecord {
  const { state, key } = entry;
  const common = {
    table,
    key,
    version: state.version,
    originRegion: state.version.region,
    originSequence: 0,
    replacedVersion: null,
    context: state.context,
    committedAtMs: nowMs,
  };
  return state.kind === 'live'
    ? { ...common, kind: 'put', newImage: state.image }
    : { ...common, kind: 'delete' };
}

/** Replica regions a local write of `table` must reach: every other replica not being removed. */
export function replicaDestinations(table: TableMeta, region: string): string[] {
  const replicas = table.replicas;
  if (!replicas || replicas.length < 2) return noDestinations;
  return replicas
    .filter(
      (replica) =>
        replica.RegionName !== region &&
        replica.ReplicaStatus !== 'DELETING' &&
        replica.ReplicaStatus !== 'CREATION_FAILED',
    )
    .map((replica) => replica.RegionName);
}

const noDestinations: string[] = [];
