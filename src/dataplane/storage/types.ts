/**
 * The storage contract between operations and the embedded store of one region.
 * Reads are synchronous snapshots of committed data. Writes happen inside `transact`, whose
 * callback runs alone (serialised with every other write of the region), sees its own earlier
 * writes, and commits atomically: when the promise resolves, the data survives kill -9 of the
 * process (it reaches the disk itself within the store's flush interval, see lmdb-store.ts).
 * If the callback throws, nothing it wrote is kept and the promise rejects with that error.
 */
import type { AttributeValue, Item, TableMeta } from '../model.js';
import type { WriteOptions } from './replication-types.js';

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
  /**
   * Replaces the whole item; maintains every index and the TTL index, and records the change for
   * global tables and streams (see WriteOptions: `rebuildOnly` for index rebuilds).
   */
  putItem(table: TableMeta, item: Item, options?: WriteOptions): void;
  /** Deletes the item; `ttlExpiry` marks a TTL deletion (its stream record names the TTL service). */
  deleteItem(table: TableMeta, key: Item, options?: WriteOptions): void;
}

export interface RegionStore {
  listTableNames(): string[];
  /** The current meta, shared and deeply frozen: copy before changing (e.g. `{ ...meta, TableStatus }`). */
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

/**
 * One record of a table's DynamoDB stream in this region: every change applied here (local
 * writes, replicated writes, TTL deletions), as on AWS where each replica's stream also carries
 * the writes that arrived by replication. The Streams API shapes these into AWS's Record.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_StreamRecord.html
 */
export interface StreamRecord {
  /** Position in this region's change log: increasing, never reused (becomes SequenceNumber). */
  sequence: number;
  tableName: string;
  /** The stream (LatestStreamLabel at the time of the change) this record belongs to. */
  streamLabel: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  keys: Item;
  oldImage?: Item;
  newImage?: Item;
  /** Epoch milliseconds when the change was applied in this region. */
  approximateCreationMs: number;
  /** AWS's SizeBytes: size of keys plus the images the stream's view type keeps. */
  sizeBytes: number;
  /** The region where the write was made (this region for local writes). */
  originRegion: string;
  /** TTL deletions: { type: 'Service', principalId: 'dynamodb.amazonaws.com' }. */
  userIdentity?: { type: 'Service'; principalId: string };
}

/**
 * The stream reading part of the store (implemented by the replication engine's storage work):
 * records are appended in the same transaction as the item change, for tables whose stream is
 * enabled, and trimmed after the retention period (24 hours, divided by the world's time scale).
 */
export interface StreamLogReader {
  /** Records of one stream with sequence > `afterSequence`, in order, at most `limit`. */
  streamRecords(tableName: string, streamLabel: string, afterSequence: number, limit: number): StreamRecord[];
  /** Oldest retained and newest sequence of one stream; undefined when it has no records. */
  streamSequenceRange(tableName: string, streamLabel: string): { first: number; last: number } | undefined;
}
