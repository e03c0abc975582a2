/**
 * The WriteTx handed to one `transact` callback. It runs inside an lmdb (child) write
 * transaction, so its reads see its own writes; every put and delete also maintains the index
 * entries of every GSI and LSI in the given meta (sparse, projected), the TTL index and the
 * per-table/index counters. Counter changes are summed in memory and written once at the end.
 */
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
import type { WriteTx } from './types.js';

export class TxWriter implements WriteTx {
  private readonly statDeltas = new Map<number, Stats>();
  private active = true;

  constructor(
    private readonly dbs: Databases,
    /** Storage numbers of dropped tables and indexes: writes must not leave data under them. */
    private readonly dropped: ReadonlySet<number>,
  ) {}

  getItem(table: TableMeta, key: Item): Item | undefined {
    this.checkActive();
    return this.dbs.items.get(storedKey(tableLogicalKey(table, key)));
  }

  putItem(table: TableMeta, item: Item): void {
    this.checkWritable(table);
    const key = storedKey(tableLogicalKey(table, item));
    const previous = this.dbs.items.get(key);
    if (previous) this.removeDerived(table, previous);
    this.dbs.items.putSync(key, item);
    this.addDerived(table, item);
  }

  deleteItem(table: TableMeta, key: Item): void {
    this.checkWritable(table);
    const storageKey = storedKey(tableLogicalKey(table, key));
    const previous = this.dbs.items.get(storageKey);
    if (!previous) return;
    this.dbs.items.removeSync(storageKey);
    this.removeDerived(table, previous);
  }

  /** Writes the summed counter changes; call once, after the callback returned. */
  finish(): void {
    for (const [storageNumber, [countDelta, sizeDelta]] of this.statDeltas) {
      if (countDelta === 0 && sizeDelta === 0) continue;
      const [itemCount, sizeBytes] = this.dbs.stats.get(storageNumber) ?? [0, 0];
      this.dbs.stats.putSync(storageNumber, [
        Math.max(0, itemCount + countDelta),
        Math.max(0, sizeBytes + sizeDelta),
      ]);
    }
    this.active = false;
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
