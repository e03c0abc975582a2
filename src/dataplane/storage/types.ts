/**
 * The storage contract between operations and the embedded store of one region.
 * Reads are synchronous snapshots of committed data. Writes happen inside `transact`, whose
 * callback runs alone (serialised with every other write of the region), sees its own earlier
 * writes, and commits atomically and durably: when the promise resolves, the data survives kill -9.
 * If the callback throws, nothing it wrote is kept and the promise rejects with that error.
 */
import type { AttributeValue, Item, TableMeta } from '../model.js';

export type SortKeyCondition =
  | { op: 'EQ' | 'LT' | 'LE' | 'GT' | 'GE' | 'BEGINS_WITH'; value: AttributeValue }
  | { op: 'BETWEEN'; low: AttributeValue; high: AttributeValue };

export interface QueryRange {
  /** Undefined for the base table; else a GSI or LSI name of the table. */
  indexName?: string;
  partitionValue: AttributeValue;
  sortCondition?: SortKeyCondition;
  forward: boolean;
  /** Resume strictly after this key (table key attributes plus index key attributes for indexes). */
  exclusiveStartKey?: Item;
}

export interface ScanRange {
  indexName?: string;
  segment?: number;
  totalSegments?: number;
  exclusiveStartKey?: Item;
}

export interface WriteTx {
  getItem(table: TableMeta, key: Item): Item | undefined;
  /** Replaces the whole item; maintains every index and the TTL index. */
  putItem(table: TableMeta, item: Item): void;
  deleteItem(table: TableMeta, key: Item): void;
}

export interface RegionStore {
  listTableNames(): string[];
  getTableMeta(tableName: string): TableMeta | undefined;
  putTableMeta(meta: TableMeta): Promise<void>;
  /** Removes the table's metadata, items and index entries. */
  dropTable(tableName: string): Promise<void>;
  /** Allocates a never-reused number for a new table or index storage prefix. */
  allocateNumber(): Promise<number>;

  getItem(table: TableMeta, key: Item): Item | undefined;
  /** Items (for an index: the projected items) in key order, lazily. */
  query(table: TableMeta, range: QueryRange): Iterable<Item>;
  scan(table: TableMeta, range: ScanRange): Iterable<Item>;
  /** Approximate figures for DescribeTable (AWS refreshes them about every six hours). */
  tableStats(table: TableMeta, indexName?: string): { itemCount: number; sizeBytes: number };
  /**
   * Optional: items of a table whose TTL attribute (table.timeToLive.attributeName, a number of
   * epoch seconds) is at most `nowSeconds`, earliest expiry first, lazily, through the TTL index
   * that putItem/deleteItem maintain. Delete them with transact (re-check inside it).
   */
  expiredItems?(table: TableMeta, nowSeconds: number): Iterable<Item>;

  transact<T>(fn: (tx: WriteTx) => T): Promise<T>;
  close(): Promise<void>;
}
