/**
 * The WriteTx handed to one `transact` callback. It runs inside an lmdb (child) write
 * transaction, so its reads see its own writes; every put and delete also maintains the index
 * entries of every GSI and LSI in the given meta (sparse, projected), the TTL index and the
 * per-table/index counters. Counter changes are summed in memory; the store adds those of every
 * committed transaction of a group commit and writes each counter once (BatchStats).
 *
 * Global tables (replication-tx.ts does the work): every put/delete also stores the item's
 * version and causal context, appends a stream record when the table's stream is on, and, for a
 * table with other replicas, appends a ChangeRecord to the outbound log, all in this transaction.
 */
import type { ChangeRecord } from '../../replication/core/change.js';
import type { IndexMeta, Item, TableMeta } from '../model.js';
import { resourceNotFound } from '../model.js';
import { itemSizeBytes } from '../values/index.js';
import type { Databases, Stats } from './databases.js';
import { StorageError } from './errors.js';
import { storedKey } from './key-codec.js';
import {
  allIndexes,
  indexLogicalKey,
  projectItem,
  tableKeyOf,
  tableLogicalKey,
  ttlLogicalKey,
} from './layout.js';
import type { ReplicationLedger } from './ledger.js';
import { type ImageWriter, ReplicationRecorder } from './replication-tx.js';
import type { ApplyResult, ReplicationWriteTx, WriteOptions } from './replication-types.js';

export class TxWriter implements ReplicationWriteTx, ImageWriter {
  private readonly statDeltas = new Map<number, Stats>();
  private readonly recorder: ReplicationRecorder;
  private active = true;

  constructor(
    private readonly dbs: Databases,
    /** Storage numbers of dropped tables and indexes: writes must not leave data under them. */
    private readonly dropped: ReadonlySet<number>,
    ledger: ReplicationLedger,
  ) {
    this.recorder = new ReplicationRecorder(dbs, ledger, this);
  }

  getItem(table: TableMeta, key: Item): Item | undefined {
    this.checkActive();
    return this.dbs.items.get(storedKey(tableLogicalKey(table, key)));
  }

  putItem(table: TableMeta, item: Item, options?: WriteOptions): void {
    this.checkWritable(table);
    const key = storedKey(tableLogicalKey(table, item));
    const previous = this.dbs.items.get(key);
    this.putImage(table, key, item, previous);
    if (!options?.rebuildOnly) this.recorder.recordLocal(table, key, previous, item, false);
  }

  deleteItem(table: TableMeta, key: Item, options?: WriteOptions): void {
    this.checkWritable(table);
    const storageKey = storedKey(tableLogicalKey(table, key));
    const previous = this.dbs.items.get(storageKey);
    if (!previous) return;
    this.removeImage(table, storageKey, previous);
    if (!options?.rebuildOnly)
      this.recorder.recordLocal(table, storageKey, previous, undefined, options?.ttlExpiry === true);
  }

  applyChange(table: TableMeta, change: ChangeRecord): ApplyResult {
    this.checkWritable(table);
    const storageKey = storedKey(tableLogicalKey(table, change.key));
    return this.recorder.applyRemote(table, storageKey, this.dbs.items.get(storageKey), change);
  }

  setInboundSequence(origin: string, sequence: number): void {
    this.checkActive();
    this.recorder.setInboundSequence(origin, sequence);
  }

  /** The item-image half of a write (the recorder calls it for replicated changes too). */
  putImage(table: TableMeta, storageKey: Buffer, item: Item, previous: Item | undefined): void {
    if (previous) this.removeDerived(table, previous);
    this.dbs.items.putSync(storageKey, item);
    this.addDerived(table, item);
  }

  removeImage(table: TableMeta, storageKey: Buffer, previous: Item): void {
    this.dbs.items.removeSync(storageKey);
    this.removeDerived(table, previous);
  }

  /**
   * Adopts the log counters and ends the transaction; call once, after the callback returned.
   * The summed counter changes (`statChanges`) are the caller's to apply once the child commits.
   */
  finish(): void {
    this.recorder.finish();
    this.active = false;
  }

  /** Item count and size changes per table or index of this transaction. */
  statChanges(): ReadonlyMap<number, Stats> {
    return this.statDeltas;
  }

  /** Makes later calls fail: the transaction this object wrote into is over. */
  end(): void {
    this.active = false;
  }

  private checkActive(): void {
    if (!this.active)
      throw new StorageError('STORE_CLOSED', 'this WriteTx is used after its transaction ended');
  }

  private checkWritable(table: TableMeta): void {
    this.checkActive();
    // A request that read the meta before DeleteTable must not leave items behind the purge.
    if (this.dropped.has(table.tableNumber)) throw resourceNotFound();
  }

  private liveIndexes(table: TableMeta): IndexMeta[] {
    return allIndexes(table).filter((index) => !this.dropped.has(index.indexId));
  }

  private addStats(storageNumber: number, count: number, sizeBytes: number): void {
    const delta = this.statDeltas.get(storageNumber);
    if (delta) {
      delta[0] += count;
      delta[1] += sizeBytes;
    } else this.statDeltas.set(storageNumber, [count, sizeBytes]);
  }

  private addDerived(table: TableMeta, item: Item): void {
    const sizeBytes = itemSizeBytes(item);
    this.addStats(table.tableNumber, 1, sizeBytes);
    for (const index of this.liveIndexes(table)) {
      const entryKey = indexLogicalKey(table, index, item);
      if (!entryKey) continue;
      const projected = projectItem(table, index, item);
      this.dbs.entries.putSync(storedKey(entryKey), projected);
      this.addStats(index.indexId, 1, projected === item ? sizeBytes : itemSizeBytes(projected));
    }
    const ttlKey = ttlLogicalKey(table, item);
    if (ttlKey) this.dbs.ttl.putSync(storedKey(ttlKey), tableKeyOf(table, item));
  }

  private removeDerived(table: TableMeta, item: Item): void {
    const sizeBytes = itemSizeBytes(item);
    this.addStats(table.tableNumber, -1, -sizeBytes);
    for (const index of this.liveIndexes(table)) {
      const entryKey = indexLogicalKey(table, index, item);
      if (!entryKey) continue;
      // An index added since the item was written (still backfilling) has no entry for it yet.
      if (!this.dbs.entries.removeSync(storedKey(entryKey))) continue;
      const projected = projectItem(table, index, item);
      this.addStats(index.indexId, -1, -(projected === item ? sizeBytes : itemSizeBytes(projected)));
    }
    const ttlKey = ttlLogicalKey(table, item);
    if (ttlKey) this.dbs.ttl.removeSync(storedKey(ttlKey));
  }
}

/**
 * The table and index counters of one group commit: each counter is read once, changed by every
 * transaction of the batch that committed, in order (clamped at zero after each, as if each had
 * written it), and written once before the batch commits.
 */
export class BatchStats {
  private readonly values = new Map<number, Stats>();

  constructor(private readonly dbs: Databases) {}

  apply(changes: ReadonlyMap<number, Stats>): void {
    for (const [storageNumber, [countDelta, sizeDelta]] of changes) {
      if (countDelta === 0 && sizeDelta === 0) continue;
      let value = this.values.get(storageNumber);
      if (!value) {
        const [itemCount, sizeBytes] = this.dbs.stats.get(storageNumber) ?? [0, 0];
        value = [itemCount, sizeBytes];
        this.values.set(storageNumber, value);
      }
      value[0] = Math.max(0, value[0] + countDelta);
      value[1] = Math.max(0, value[1] + sizeDelta);
    }
  }

  write(): void {
    for (const [storageNumber, value] of this.values) this.dbs.stats.putSync(storageNumber, value);
  }
}
