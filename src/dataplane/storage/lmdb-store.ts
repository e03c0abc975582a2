/**
 * The durable RegionStore of one region: one LMDB environment per data directory
 * (sub-databases in databases.ts, key layout in layout.ts).
 *
 * Group commit and durability: the `transact` callbacks issued in one event-loop turn form a
 * batch that runs in the next check phase (setImmediate) as one synchronous LMDB write
 * transaction on the main thread, each callback in a child transaction (one that throws aborts
 * only its own writes); the counters and the clock's high-water mark are written once per batch,
 * and every promise settles after the commit. Each check phase drains what the turn before
 * queued, so no backlog builds up across turns. The commit writes the pages and the meta page to
 * the file, so an acknowledged write is in the operating system's page cache and survives kill -9
 * of the region, which is the failure the world injects. The commit does not wait for fsync: measured on this
 * project's machines a synchronous commit costs about 20 µs of CPU without fsync and 300–400 µs
 * with it (plus ~0.4 ms of waiting), and the fsync would dominate every write and every
 * replicated apply. Instead the environment is flushed to disk by a background sync at most
 * `flushIntervalMs` after a commit (default 100 ms, the window an OS crash or power loss can lose,
 * as with a database's periodic journal flush). Async lmdb transactions are not used for item
 * writes: their hand-off to the write thread costs more than the commit itself.
 *
 * Dropping a table (or an index that disappears from its table's meta) removes the meta and
 * records a purge in one commit, so the data is invisible at once; the purge then deletes the
 * data in bounded chunks. A purge interrupted by close or a crash resumes when the store opens.
 *
 * getTableMeta is on every request's path, so metas are cached in memory; one process owns the
 * store, and the cache changes right after each meta commit.
 *
 * Global tables and streams (replication-tx.ts, replication-logs.ts): every item change also
 * stores the item's version, and appends stream records and outbound changes in the same commit.
 * The store is opened with the region's name and physical clock; it restores the HLC high-water
 * mark and the log counters on open, and trims stream records and conflicts in the background.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from 'lmdb';
import type { HlcTimestamp, HybridLogicalClock } from '../../replication/core/hlc.js';
import type { ConflictRecord } from '../../replication/core/merge.js';
import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { Item, TableMeta } from '../model.js';
import { type Databases, openDatabases, syncToDisk } from './databases.js';
import { StorageError } from './errors.js';
import { prefixSuccessor, storagePrefix, storedKey } from './key-codec.js';
import { allIndexes, findIndex, ttlLogicalKey } from './layout.js';
import { ReplicationLedger } from './ledger.js';
import { Reader } from './reader.js';
import { type LogRetention, ReplicationLogs } from './replication-logs.js';
import type {
  AckWatermark,
  ConflictQuery,
  ItemStatesPage,
  OutboundEntry,
  ReplicatedRegionStore,
  ReplicationWriteTx,
} from './replication-types.js';
import type { QueryRange, ScanRange, StreamRecord, WriteTx } from './types.js';
import { BatchStats, TxWriter } from './write-tx.js';

export interface OpenRegionStoreOptions {
  dataDir: string;
  /** A commit reaches the disk (fsync) at most this long after it returned. Default 100 ms. */
  flushIntervalMs?: number;
  /** The region whose versions this store issues (lowercase, e.g. "eu-west-1"). Default 'local'. */
  regionName?: string;
  /** The region's physical wall clock in epoch ms (versions, stream times). Default Date.now. */
  clock?: Clock;
  /** Stream records are kept this long (AWS: 24 hours; the world divides it by its time scale). */
  streamRetentionMs?: number;
  /** Conflict records kept: at most this many, none older than conflictRetentionMs. */
  maxConflicts?: number;
  conflictRetentionMs?: number;
}

const dayMs = 24 * 60 * 60 * 1000;
const defaultRetention: LogRetention = {
  streamRetentionMs: dayMs,
  maxConflicts: 10_000,
  conflictRetentionMs: 7 * dayMs,
};
const maxMaintenanceIntervalMs = 60_000;
const minMaintenanceIntervalMs = 250;

/** Epoch milliseconds with real timers: the default physical clock of a store. */
export const epochClock: Clock = {
  nowMs: () => Date.now(),
  setTimer(callback, delayMs) {
    return { id: setTimeout(callback, Math.max(0, delayMs)) };
  },
  clearTimer(handle: TimerHandle) {
    clearTimeout(handle.id as NodeJS.Timeout);
  },
};

const defaultFlushIntervalMs = 100;
/** Transactions committed together at most (a bound on one commit's size and pause). */
const maxBatchTransactions = 256;
/**
 * lmdb-js TransactionFlags: abortable, committed before returning, and NO_SYNC_FLUSH (the commit
 * returns before it is flushed to disk; see the header).
 */
const commitWithoutFsync = 0x1 | 0x2 | 0x10000;
const purgeChunkSize = 1000;
const maxStaleTtlEntries = 1000;
const nextNumberKey = 'nextNumber';
const purgeKeyPrefix = 'purge:';
/** Engine-owned keys in the replication sub-database. */
const engineStatePrefix = 'engine:';
const storeFileName = 'region.mdb';

/** One `transact` call waiting for its batch. */
interface PendingTransaction {
  fn: (tx: ReplicationWriteTx) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  result: unknown;
  error: unknown;
  failed: boolean;
}

/** What a purge deletes: items and TTL entries of tables, entries of indexes, and their counters. */
interface PurgeRecord {
  tableNumbers: number[];
  indexIds: number[];
}

export async function openRegionStore(options: OpenRegionStoreOptions): Promise<ReplicatedRegionStore> {
  await mkdir(options.dataDir, { recursive: true });
  const dbs = openDatabases(join(options.dataDir, storeFileName));
  const store = new LmdbRegionStore(
    dbs,
    options.flushIntervalMs ?? defaultFlushIntervalMs,
    new ReplicationLedger(dbs, options.regionName ?? 'local', options.clock ?? epochClock),
    {
      streamRetentionMs: options.streamRetentionMs ?? defaultRetention.streamRetentionMs,
      maxConflicts: options.maxConflicts ?? defaultRetention.maxConflicts,
      conflictRetentionMs: options.conflictRetentionMs ?? defaultRetention.conflictRetentionMs,
    },
  );
  store.resumePurges();
  store.startMaintenance();
  return store;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}

const indexIdsOf = (meta: TableMeta): number[] => allIndexes(meta).map((index) => index.indexId);

class LmdbRegionStore implements ReplicatedRegionStore {
  private readonly metas = new Map<string, TableMeta>();
  private readonly logs: ReplicationLogs;
  private maintenanceTimer: NodeJS.Timeout | undefined;
  private maintaining: Promise<void> | undefined;
  /** Storage numbers whose data is purged or being purged (never reused, so never removed). */
  private readonly dropped = new Set<number>();
  private readonly reader: Reader;
  private readonly staleTtlEntries = new Map<string, { table: TableMeta; ttlKey: Buffer }>();
  /** The batch that `transact` calls join until it runs (in the next check phase). */
  private openBatch: PendingTransaction[] | undefined;
  /** Batches scheduled and not yet run; close waits for them. */
  private readonly scheduledBatches = new Set<Promise<void>>();
  /** A commit returned since the last background sync started. */
  private unflushed = false;
  /** The background sync in flight, if any; close waits for it (the env must outlive it). */
  private flushing: Promise<void> | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly outboundListeners = new Set<() => void>();
  private outboundAnnounced = false;
  private purging: Promise<void> | undefined;
  private pruningTtl: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly dbs: Databases,
    private readonly flushIntervalMs: number,
    private readonly ledger: ReplicationLedger,
    private readonly retention: LogRetention,
  ) {
    this.reader = new Reader(dbs);
    this.logs = new ReplicationLogs(dbs, (action) => this.write(action));
    for (const { key, value } of dbs.meta.getRange()) this.metas.set(key, deepFreeze(value));
    for (const { value } of this.purgeRecords()) this.markDropped(value);
  }

  listTableNames(): string[] {
    return [...this.metas.keys()].sort();
  }

  /** The cached meta itself, frozen: it is read on every request, so no copy is made. */
  getTableMeta(tableName: string): TableMeta | undefined {
    return this.metas.get(tableName);
  }

  async putTableMeta(meta: TableMeta): Promise<void> {
    const stored = structuredClone(meta);
    const previous = this.metas.get(meta.TableName);
    const purge = previous ? purgeOnReplace(previous, stored) : undefined;
    await this.write(() => {
      this.dbs.meta.putSync(stored.TableName, stored);
      if (purge) this.recordPurge(purge);
    });
    this.metas.set(stored.TableName, deepFreeze(stored));
    if (purge) {
      this.markDropped(purge);
      void this.runPurges().catch(() => undefined);
    }
  }

  async dropTable(tableName: string): Promise<void> {
    const meta = this.metas.get(tableName);
    if (!meta) return;
    const purge: PurgeRecord = { tableNumbers: [meta.tableNumber], indexIds: indexIdsOf(meta) };
    await this.write(() => {
      this.dbs.meta.removeSync(tableName);
      this.recordPurge(purge);
    });
    if (this.metas.get(tableName) === meta) this.metas.delete(tableName);
    this.markDropped(purge);
    await this.runPurges();
  }

  allocateNumber(): Promise<number> {
    return this.write(() => {
      const next = Number(this.dbs.system.get(nextNumberKey) ?? 1);
      this.dbs.system.putSync(nextNumberKey, next + 1);
      return next;
    });
  }

  getItem(table: TableMeta, key: Item): Item | undefined {
    return this.reader.getItem(table, key);
  }

  query(table: TableMeta, range: QueryRange): Iterable<Item> {
    return this.reader.query(table, range);
  }

  scan(table: TableMeta, range: ScanRange): Iterable<Item> {
    return this.reader.scan(table, range);
  }

  expiredItems(table: TableMeta, nowSeconds: number): Iterable<Item> {
    return this.reader.expiredItems(table, nowSeconds, (staleTable, ttlKey) =>
      this.noteStaleTtl(staleTable, ttlKey),
    );
  }

  tableStats(table: TableMeta, indexName?: string): { itemCount: number; sizeBytes: number } {
    const storageNumber = indexName === undefined ? table.tableNumber : findIndex(table, indexName).indexId;
    const [itemCount, sizeBytes] = this.dbs.stats.get(storageNumber) ?? [0, 0];
    return { itemCount, sizeBytes };
  }

  transact<T>(fn: (tx: WriteTx) => T): Promise<T> {
    return this.transactReplicated(fn);
  }

  transactReplicated<T>(fn: (tx: ReplicationWriteTx) => T): Promise<T> {
    if (this.closing) return Promise.reject(new StorageError('STORE_CLOSED', 'the region store is closed'));
    return new Promise<T>((resolve, reject) => {
      const pending: PendingTransaction = {
        fn,
        resolve: resolve as (value: unknown) => void,
        reject,
        result: undefined,
        error: undefined,
        failed: false,
      };
      if (this.openBatch && this.openBatch.length < maxBatchTransactions) {
        this.openBatch.push(pending);
        return;
      }
      const batch = [pending];
      this.openBatch = batch;
      const scheduled = new Promise<void>((ran) =>
        setImmediate(() => {
          this.runBatch(batch);
          ran();
        }),
      );
      this.scheduledBatches.add(scheduled);
      void scheduled.then(() => this.scheduledBatches.delete(scheduled));
    });
  }

  /**
   * Commits a batch in one write transaction: each callback runs in a child transaction (one that
   * throws aborts only its own writes), then the counters and the clock's high-water mark are
   * written once. A batch of one needs no child transaction: its failure aborts the whole.
   */
  private runBatch(batch: PendingTransaction[]): void {
    if (this.openBatch === batch) this.openBatch = undefined;
    let appendedOutbound = false;
    try {
      this.commit(() => {
        const stats = new BatchStats(this.dbs);
        for (const pending of batch) {
          const highBefore = this.ledger.current().outboundHigh;
          const writer = new TxWriter(this.dbs, this.dropped, this.ledger);
          const run = () => {
            try {
              const result = pending.fn(writer);
              writer.finish();
              return result;
            } finally {
              writer.end();
            }
          };
          try {
            // Inside a write transaction lmdb runs a child transaction synchronously.
            pending.result = batch.length === 1 ? run() : this.dbs.root.childTransaction(run);
          } catch (error) {
            if (batch.length === 1) throw error;
            pending.failed = true;
            pending.error = error;
            continue;
          }
          stats.apply(writer.statChanges());
          if (this.ledger.current().outboundHigh > highBefore) appendedOutbound = true;
        }
        stats.write();
        this.ledger.persist();
      });
    } catch (error) {
      // Counters adopted in a transaction that did not commit are written again with the next.
      this.ledger.persistFailed();
      for (const pending of batch) pending.reject(error);
      return;
    }
    if (appendedOutbound) this.announceOutboundCommit();
    for (const pending of batch) {
      if (pending.failed) pending.reject(pending.error);
      else pending.resolve(pending.result);
    }
  }

  /** One synchronous write transaction, committed without waiting for fsync (see the header). */
  private commit<T>(action: () => T): T {
    const result = this.dbs.root.transactionSync(action, commitWithoutFsync);
    this.unflushed = true;
    this.scheduleFlush();
    return result;
  }

  /** Syncs the environment to disk off the main thread (lmdb's SyncWorker); one at a time. */
  private flush(): void {
    this.flushTimer = undefined;
    if (this.flushing || !this.unflushed || this.closing) return;
    this.unflushed = false;
    this.flushing = new Promise<void>((resolve) => {
      syncToDisk(this.dbs.root, () => {
        this.flushing = undefined;
        resolve();
        if (this.unflushed && !this.closing) this.scheduleFlush();
      });
    });
  }

  private scheduleFlush(): void {
    this.flushTimer ??= setTimeout(() => this.flush(), this.flushIntervalMs).unref();
  }

  onOutboundCommitted(listener: () => void): () => void {
    this.outboundListeners.add(listener);
    return () => this.outboundListeners.delete(listener);
  }

  /** Once per event turn however many transactions appended to the log. */
  private announceOutboundCommit(): void {
    if (this.outboundAnnounced) return;
    this.outboundAnnounced = true;
    queueMicrotask(() => {
      this.outboundAnnounced = false;
      for (const listener of this.outboundListeners) listener();
    });
  }

  get regionName(): string {
    return this.ledger.region;
  }

  get hlc(): HybridLogicalClock {
    return this.ledger.hlc;
  }

  wallClockMs(): number {
    return this.ledger.wallClockMs();
  }

  streamRecords(
    tableName: string,
    streamLabel: string,
    afterSequence: number,
    limit: number,
  ): StreamRecord[] {
    return this.logs.streamRecords(tableName, streamLabel, afterSequence, limit);
  }

  streamSequenceRange(tableName: string, streamLabel: string): { first: number; last: number } | undefined {
    return this.logs.streamSequenceRange(tableName, streamLabel);
  }

  outboundHighSequence(): number {
    return this.ledger.current().outboundHigh;
  }

  destinedTotal(peer: string): number {
    return this.ledger.current().destined[peer] ?? 0;
  }

  outboundEntries(afterSequence: number, limit: number): OutboundEntry[] {
    return this.logs.outboundEntries(afterSequence, limit);
  }

  ackWatermark(peer: string): AckWatermark {
    return this.logs.ackWatermark(peer);
  }

  saveAckWatermark(peer: string, watermark: AckWatermark): Promise<void> {
    return this.logs.saveAckWatermark(peer, watermark);
  }

  truncateOutbound(sequence: number): Promise<void> {
    return this.logs.truncateOutbound(sequence);
  }

  inboundSequence(origin: string): number {
    return this.logs.inboundSequence(origin);
  }

  itemStates(table: TableMeta, cursor: string | undefined, limit: number): ItemStatesPage {
    return this.logs.itemStates(table, cursor, limit);
  }

  conflicts(query: ConflictQuery): ConflictRecord[] {
    return this.logs.conflicts(query);
  }

  collectTombstones(stableFrontier: HlcTimestamp, limit: number): Promise<number> {
    return this.logs.collectTombstones(stableFrontier, limit);
  }

  getReplicationState(key: string): unknown {
    return this.dbs.replication.get(`${engineStatePrefix}${key}`);
  }

  listReplicationState(prefix: string): { key: string; value: unknown }[] {
    const start = `${engineStatePrefix}${prefix}`;
    const found: { key: string; value: unknown }[] = [];
    for (const { key, value } of this.dbs.replication.getRange({ start, end: `${start}\uffff` })) {
      found.push({ key: key.slice(engineStatePrefix.length), value });
    }
    return found;
  }

  putReplicationState(key: string, value: unknown | undefined): Promise<void> {
    return this.write(() => {
      if (value === undefined) this.dbs.replication.removeSync(`${engineStatePrefix}${key}`);
      else this.dbs.replication.putSync(`${engineStatePrefix}${key}`, value);
    });
  }

  /** Trims stream records and conflicts periodically (a fraction of the retention, at most a minute). */
  startMaintenance(): void {
    const intervalMs = Math.min(
      maxMaintenanceIntervalMs,
      Math.max(minMaintenanceIntervalMs, this.retention.streamRetentionMs / 20),
    );
    this.maintenanceTimer = setInterval(() => {
      if (this.maintaining || this.closing) return;
      this.maintaining = this.runMaintenance()
        .catch(() => undefined)
        .finally(() => {
          this.maintaining = undefined;
        });
    }, intervalMs);
    this.maintenanceTimer.unref();
  }

  /** One pass of log trimming (also called by tests). */
  async runMaintenance(): Promise<void> {
    const nowMs = this.ledger.wallClockMs();
    await this.logs.trimStreams(nowMs, this.retention.streamRetentionMs);
    await this.logs.trimConflicts(nowMs, this.retention);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.maintenanceTimer) clearInterval(this.maintenanceTimer);
      await Promise.allSettled([this.purging, this.pruningTtl, this.maintaining, ...this.scheduledBatches]);
      if (this.flushTimer) clearTimeout(this.flushTimer);
      await this.flushing;
      // What was acknowledged reaches the disk before the environment closes (which must not
      // happen while a sync is running).
      await new Promise<void>((resolve) => syncToDisk(this.dbs.root, () => resolve()));
      await this.dbs.root.close();
    })();
    return this.closing;
  }

  resumePurges(): void {
    if (this.purgeRecords().length > 0) void this.runPurges().catch(() => undefined);
  }

  /**
   * One atomic write for bookkeeping (metas, purges, watermarks, trimming): a transaction of the
   * next batch like any other, so loops of chunked writes (purges, trimming) leave room for
   * requests between chunks. Rejected once closing.
   */
  private write<T>(action: () => T): Promise<T> {
    return this.transactReplicated(() => action());
  }

  private purgeRecords(): { key: string; value: PurgeRecord }[] {
    const records: { key: string; value: PurgeRecord }[] = [];
    const range = this.dbs.system.getRange({ start: purgeKeyPrefix, end: `${purgeKeyPrefix}\uffff` });
    for (const { key, value } of range) records.push({ key, value: value as PurgeRecord });
    return records;
  }

  private recordPurge(purge: PurgeRecord): void {
    const first = purge.tableNumbers[0] ?? purge.indexIds[0];
    this.dbs.system.putSync(`${purgeKeyPrefix}${first}`, purge);
  }

  private markDropped(purge: PurgeRecord): void {
    for (const storageNumber of [...purge.tableNumbers, ...purge.indexIds]) this.dropped.add(storageNumber);
  }

  /** Runs pending purges until none is left; concurrent callers share one run. */
  private runPurges(): Promise<void> {
    this.purging ??= (async () => {
      try {
        // Let the caller store this promise before the loop can finish.
        await Promise.resolve();
        for (;;) {
          const next = this.purgeRecords()[0];
          if (!next || this.closing) return;
          await this.purge(next.key, next.value);
        }
      } finally {
        this.purging = undefined;
      }
    })();
    return this.purging;
  }

  private async purge(recordKey: string, record: PurgeRecord): Promise<void> {
    for (const tableNumber of record.tableNumbers) {
      if (!(await this.purgePrefix(this.dbs.items, tableNumber))) return;
      if (!(await this.purgePrefix(this.dbs.ttl, tableNumber))) return;
      if (!(await this.purgePrefix(this.dbs.versions, tableNumber))) return;
    }
    for (const indexId of record.indexIds) if (!(await this.purgePrefix(this.dbs.entries, indexId))) return;
    await this.write(() => {
      for (const storageNumber of [...record.tableNumbers, ...record.indexIds])
        this.dbs.stats.removeSync(storageNumber);
      this.dbs.system.removeSync(recordKey);
    });
  }

  /** Deletes every key under the storage number, a chunk per commit; false if stopped by close. */
  private async purgePrefix<V>(db: Database<V, Buffer>, storageNumber: number): Promise<boolean> {
    const start = storagePrefix(storageNumber);
    const end = prefixSuccessor(start);
    for (;;) {
      if (this.closing) return false;
      const removed = await this.write(() => {
        const keys = [...db.getKeys({ start, ...(end ? { end } : {}), limit: purgeChunkSize })];
        for (const key of keys) db.removeSync(key);
        return keys.length;
      });
      if (removed < purgeChunkSize) return true;
    }
  }

  private noteStaleTtl(table: TableMeta, ttlKey: Buffer): void {
    if (this.staleTtlEntries.size >= maxStaleTtlEntries) return;
    this.staleTtlEntries.set(`${table.tableNumber}:${ttlKey.toString('hex')}`, { table, ttlKey });
    this.pruningTtl ??= new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.pruneStaleTtl())
      .catch(() => undefined)
      .finally(() => {
        this.pruningTtl = undefined;
      });
  }

  /** Removes TTL entries that no longer match their item, re-checked inside the transaction. */
  private async pruneStaleTtl(): Promise<void> {
    const stale = [...this.staleTtlEntries.values()];
    this.staleTtlEntries.clear();
    if (this.closing) return;
    await this.write(() => {
      for (const { table, ttlKey } of stale) {
        const tableKey = this.dbs.ttl.get(ttlKey);
        if (!tableKey) continue;
        const item = this.reader.getItem(table, tableKey);
        const current = item && ttlLogicalKey(table, item);
        if (!current || !storedKey(current).equals(ttlKey)) this.dbs.ttl.removeSync(ttlKey);
      }
    });
  }
}

/** Data a new meta orphans: a replaced table's everything, or the entries of removed indexes. */
function purgeOnReplace(previous: TableMeta, next: TableMeta): PurgeRecord | undefined {
  if (previous.tableNumber !== next.tableNumber) {
    return { tableNumbers: [previous.tableNumber], indexIds: indexIdsOf(previous) };
  }
  const kept = new Set(indexIdsOf(next));
  const removed = indexIdsOf(previous).filter((indexId) => !kept.has(indexId));
  return removed.length > 0 ? { tableNumbers: [], indexIds: removed } : undefined;
}
