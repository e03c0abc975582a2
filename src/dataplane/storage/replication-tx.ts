/**
 * What a write transaction records for global tables and streams, next to the item change itself:
 * - every local write stores the item's version; writes to a global table also read the item's
 *   state (version + context, or tombstone), version the write with `commitLocalWrite`, keep
 *   deletes as tombstones, and append a ChangeRecord to the outbound log when the table has other
 *   replicas; writes to a regional table store a fresh version without reading anything;
 * - every change of a table whose stream is on appends a stream record (its eventName comes from
 *   the images before and after);
 * - `applyRemote` merges a replicated change with `decideMerge` and writes the outcome: item or
 *   tombstone, stream record (if the image changed), conflict record.
 * Everything goes into the caller's LMDB transaction; the counters are adopted at `finish` and
 * written, with the clock's high-water mark, once per group commit (ledger.ts).
 */
import { createHash } from 'node:crypto';
import {
  type ChangeRecord,
  commitLocalWrite,
  type ItemState,
  type LocalWrite,
  stateFromChange,
} from '../../replication/core/change.js';
import { decodeHlc, encodeHlc, hlcZero } from '../../replication/core/hlc.js';
import { decideMerge } from '../../replication/core/merge.js';
import type { Item, TableMeta } from '../model.js';
import { itemSizeBytes } from '../values/index.js';
import type { Databases } from './databases.js';
import { tableKeyOf } from './layout.js';
import type { LogCounters, ReplicationLedger } from './ledger.js';
import {
  type ApplyResult,
  decodeContext,
  encodeContext,
  replicaDestinations,
  type StoredStreamRecord,
  toStoredChange,
  type VersionEntry,
} from './replication-types.js';
import type { StreamRecord } from './types.js';

/** The item-image half of a write, done by TxWriter (indexes, TTL index, counters). */
export interface ImageWriter {
  putImage(table: TableMeta, storageKey: Buffer, item: Item, previous: Item | undefined): void;
  removeImage(table: TableMeta, storageKey: Buffer, previous: Item): void;
}

export const inboundKeyPrefix = 'inbound:';
const ttlPrincipal = { type: 'Service', principalId: 'dynamodb.amazonaws.com' } as const;
export const ttlUserIdentity = ttlPrincipal;

/** Tombstone index key: the version (sortable string), a NUL, and a hash of the item key. */
export function tombstoneIndexKey(version: string, storageKey: Buffer): Buffer {
  const keyHash = createHash('sha256').update(storageKey).digest().subarray(0, 16);
  return Buffer.concat([Buffer.from(version, 'latin1'), Buffer.from([0]), keyHash]);
}

export function versionOfTombstoneKey(indexKey: Buffer): string {
  return indexKey.subarray(0, indexKey.indexOf(0)).toString('latin1');
}

/** The replicated state of an item from its version entry and image. */
export function itemState(entry: VersionEntry | undefined, image: Item | undefined): ItemState | undefined {
  if (entry?.d) return { kind: 'tombstone', version: decodeHlc(entry.v), context: decodeContext(entry.c) };
  if (!image) return undefined;
  // An item written before versions existed: the oldest possible version, known to nobody.
  if (!entry) return { kind: 'live', image, version: hlcZero('legacy'), context: {} };
  return { kind: 'live', image, version: decodeHlc(entry.v), context: decodeContext(entry.c) };
}

type StreamView = 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';

export class ReplicationRecorder {
  private counters: LogCounters | undefined;

  constructor(
    private readonly dbs: Databases,
    private readonly ledger: ReplicationLedger,
    private readonly images: ImageWriter,
  ) {}

  recordLocal(
    table: TableMeta,
    storageKey: Buffer,
    previous: Item | undefined,
    next: Item | undefined,
    ttlExpiry: boolean,
  ): void {
    const ledger = this.ledger;
    const destinations = replicaDestinations(table, ledger.region);
    const nowMs = ledger.wallClockMs();
    const key = tableKeyOf(table, (next ?? previous)!);
    if (destinations.length > 0 || table.globalTableVersion !== undefined) {
      this.recordGlobalWrite(table, storageKey, key, previous, next, { destinations, nowMs, ttlExpiry });
    } else if (next) {
      const version = encodeHlc(ledger.hlc.now());
      this.dbs.versions.putSync(storageKey, { v: version, c: { [ledger.region]: version } });
    } else {
      ledger.hlc.now();
      this.dbs.versions.removeSync(storageKey);
    }
    this.appendStream(table, key, previous, next, ledger.region, nowMs, ttlExpiry);
  }

  applyRemote(
    table: TableMeta,
    storageKey: Buffer,
    previous: Item | undefined,
    change: ChangeRecord,
  ): ApplyResult {
    const ledger = this.ledger;
    const { driftExceeded } = ledger.hlc.observe(change.version);
    const entry = this.dbs.versions.get(storageKey);
    const nowMs = ledger.wallClockMs();
    const decision = decideMerge(itemState(entry, previous), change, { region: ledger.region, nowMs });
    if (!decision.changed) return { outcome: decision.outcome, driftExceeded };
    this.writeState(table, storageKey, entry, decision.state, change.key);
    if (decision.outcome === 'applied') {
      const next = decision.state.kind === 'live' ? decision.state.image : undefined;
      if (next) this.images.putImage(table, storageKey, next, previous);
      else if (previous) this.images.removeImage(table, storageKey, previous);
      this.appendStream(table, change.key, previous, next, change.originRegion, nowMs, false);
    }
    if (decision.conflict) {
      const counters = this.draft();
      counters.conflictSequence++;
      this.dbs.conflicts.putSync(counters.conflictSequence, decision.conflict);
      return { outcome: decision.outcome, conflict: decision.conflict, driftExceeded };
    }
    return { outcome: decision.outcome, driftExceeded };
  }

  setInboundSequence(origin: string, sequence: number): void {
    this.dbs.replication.putSync(`${inboundKeyPrefix}${origin}`, sequence);
  }

  /** Adopts the log counters; the store persists them and the clock once per group commit. */
  finish(): void {
    this.ledger.adopt(this.counters);
  }

  private draft(): LogCounters {
    this.counters ??= this.ledger.draft();
    return this.counters;
  }

  private recordGlobalWrite(
    table: TableMeta,
    storageKey: Buffer,
    key: Item,
    previous: Item | undefined,
    next: Item | undefined,
    at: { destinations: string[]; nowMs: number; ttlExpiry: boolean },
  ): void {
    const entry = this.dbs.versions.get(storageKey);
    const write: LocalWrite = next
      ? { kind: 'put', table: table.TableName, key, newImage: next }
      : { kind: 'delete', table: table.TableName, key };
    const logged = at.destinations.length > 0;
    const counters = logged ? this.draft() : undefined;
    const change = commitLocalWrite(write, {
      hlc: this.ledger.hlc,
      current: itemState(entry, previous),
      originSequence: counters ? counters.outboundHigh + 1 : 0,
      committedAtMs: at.nowMs,
    });
    this.writeState(table, storageKey, entry, stateFromChange(change), key);
    if (!counters) return;
    counters.outboundHigh = change.originSequence;
    this.dbs.outbound.putSync(change.originSequence, toStoredChange(change, at.destinations, at.ttlExpiry));
    for (const destination of at.destinations)
      counters.destined[destination] = (counters.destined[destination] ?? 0) + 1;
  }

  /** Stores the item's version entry and keeps the tombstone index in step. */
  private writeState(
    _table: TableMeta,
    storageKey: Buffer,
    previousEntry: VersionEntry | undefined,
    state: ItemState,
    key: Item,
  ): void {
    const version = encodeHlc(state.version);
    const entry: VersionEntry = { v: version, c: encodeContext(state.context) };
    if (state.kind === 'tombstone') {
      entry.d = 1;
      entry.k = key;
    }
    this.dbs.versions.putSync(storageKey, entry);
    if (previousEntry?.d && !(entry.d && previousEntry.v === version)) {
      this.dbs.tombstones.removeSync(tombstoneIndexKey(previousEntry.v, storageKey));
    }
    if (entry.d) this.dbs.tombstones.putSync(tombstoneIndexKey(version, storageKey), storageKey);
  }

  private appendStream(
    table: TableMeta,
    key: Item,
    previous: Item | undefined,
    next: Item | undefined,
    originRegion: string,
    nowMs: number,
    ttlExpiry: boolean,
  ): void {
    const spec = table.StreamSpecification;
    const label = table.LatestStreamLabel;
    if (!spec?.StreamEnabled || !label || (!previous && !next)) return;
    const eventName: StreamRecord['eventName'] = !previous ? 'INSERT' : next ? 'MODIFY' : 'REMOVE';
    const view = (spec.StreamViewType ?? 'NEW_AND_OLD_IMAGES') as StreamView;
    const record: StoredStreamRecord = { e: eventName, k: key, a: Math.floor(nowMs), z: 0, r: originRegion };
    let sizeBytes = itemSizeBytes(key);
    if (previous && (view === 'OLD_IMAGE' || view === 'NEW_AND_OLD_IMAGES')) {
      record.o = previous;
      sizeBytes += itemSizeBytes(previous);
    }
    if (next && (view === 'NEW_IMAGE' || view === 'NEW_AND_OLD_IMAGES')) {
      record.n = next;
      sizeBytes += itemSizeBytes(next);
    }
    record.z = sizeBytes;
    if (ttlExpiry) record.u = 1;
    const counters = this.draft();
    counters.streamSequence++;
    this.dbs.streams.putSync([table.TableName, label, counters.streamSequence], record);
  }
}
