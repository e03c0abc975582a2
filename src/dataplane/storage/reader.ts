/**
 * Reads of committed data: point gets, queries and scans (base table or index), and expired
 * items through the TTL index. Queries and scans are lazy lmdb cursors over one snapshot, so a
 * scan never loads a table into memory. Every returned item is freshly decoded (callers may mutate).
 */
import type { Database } from 'lmdb';
import type { IndexMeta, Item, TableMeta } from '../model.js';
import type { Databases } from './databases.js';
import { StorageError } from './errors.js';
import {
  componentEnd,
  encodeKeyValue,
  encodeNumber,
  hashBytes,
  prefixSuccessor,
  storagePrefix,
  storedKey,
  truncatedKeyBytes,
} from './key-codec.js';
import {
  findIndex,
  indexLogicalKey,
  indexShape,
  type KeyShape,
  tableLogicalKey,
  tableShape,
  ttlLogicalKey,
} from './layout.js';
import {
  cursorOptions,
  inRange,
  isEmptyRange,
  type KeyRange,
  needsRecheck,
  prefixRange,
  sortKeyRange,
} from './ranges.js';
import type { QueryRange, ScanRange } from './types.js';

/** A base table or an index: where its entries live and how an entry's logical key is built. */
interface Target {
  db: Database<Item, Buffer>;
  prefix: Buffer;
  shape: KeyShape;
  logicalKeyOf(item: Item): Buffer | undefined;
}

const storagePrefixBytes = 4;

/** Called with TTL entries whose item no longer expires at that time, so the store can prune them. */
export type StaleTtlEntry = (table: TableMeta, ttlKey: Buffer) => void;

export class Reader {
  constructor(private readonly dbs: Databases) {}

  getItem(table: TableMeta, key: Item): Item | undefined {
    return this.dbs.items.get(storedKey(tableLogicalKey(table, key)));
  }

  *query(table: TableMeta, range: QueryRange): Iterable<Item> {
    const target = this.target(table, range.indexName);
    const partition = Buffer.concat([target.prefix, encodeKeyValue(range.partitionValue)]);
    yield* this.iterate(
      target,
      sortKeyRange(partition, range.sortCondition),
      range.forward,
      range.exclusiveStartKey,
    );
  }

  *scan(table: TableMeta, range: ScanRange): Iterable<Item> {
    const target = this.target(table, range.indexName);
    const inSegment = segmentFilter(target, range);
    yield* this.iterate(target, prefixRange(target.prefix), true, range.exclusiveStartKey, inSegment);
  }

  /** Items whose TTL attribute is at most `nowSeconds`, earliest expiry first. */
  *expiredItems(table: TableMeta, nowSeconds: number, onStale: StaleTtlEntry): Iterable<Item> {
    const prefix = storagePrefix(table.tableNumber);
    const end = prefixSuccessor(Buffer.concat([prefix, encodeNumber(String(nowSeconds))]));
    for (const { key, value: tableKey } of this.dbs.ttl.getRange({
      start: prefix,
      ...(end ? { end } : {}),
    })) {
      const item = this.dbs.items.get(storedKey(tableLogicalKey(table, tableKey)));
      const currentKey = item && ttlLogicalKey(table, item);
      if (item && currentKey && storedKey(currentKey).equals(key)) yield item;
      else onStale(table, key);
    }
  }

  private target(table: TableMeta, indexName: string | undefined): Target {
    if (indexName === undefined) {
      return {
        db: this.dbs.items,
        prefix: storagePrefix(table.tableNumber),
        shape: tableShape(table),
        logicalKeyOf: (item) => tableLogicalKey(table, item),
      };
    }
    const index: IndexMeta = findIndex(table, indexName);
    return {
      db: this.dbs.entries,
      prefix: storagePrefix(index.indexId),
      shape: indexShape(table, index),
      logicalKeyOf: (item) => indexLogicalKey(table, index, item),
    };
  }

  private *iterate(
    target: Target,
    range: KeyRange,
    forward: boolean,
    exclusiveStartKey: Item | undefined,
    inSegment?: (key: Buffer) => boolean,
  ): Iterable<Item> {
    if (isEmptyRange(range)) return;
    const startAfter = exclusiveStartKey ? storedKey(startKeyOf(target, exclusiveStartKey)) : undefined;
    const recheck = needsRecheck(range);
    for (const { key, value } of target.db.getRange(cursorOptions(range, forward, startAfter))) {
      if (inSegment && !inSegment(key)) continue;
      if (recheck && !inRangeItem(target, range, value)) continue;
      yield value;
    }
  }
}

function startKeyOf(target: Target, exclusiveStartKey: Item): Buffer {
  const key = target.logicalKeyOf(exclusiveStartKey);
  if (!key) throw new StorageError('INVALID_START_KEY', 'exclusiveStartKey lacks the key attributes');
  return key;
}

function inRangeItem(target: Target, range: KeyRange, item: Item): boolean {
  const key = target.logicalKeyOf(item);
  return key !== undefined && inRange(range, key);
}

/**
 * Parallel scan: an entry belongs to segment hash(partition bytes) mod totalSegments, so every
 * item of a partition lands in the same segment. Only the bytes a stored key keeps in full count.
 */
function segmentFilter(target: Target, range: ScanRange): ((key: Buffer) => boolean) | undefined {
  const { segment, totalSegments } = range;
  if (segment === undefined && totalSegments === undefined) return undefined;
  if (
    segment === undefined ||
    totalSegments === undefined ||
    !Number.isInteger(segment) ||
    !Number.isInteger(totalSegments) ||
    segment < 0 ||
    segment >= totalSegments
  ) {
    throw new StorageError('INVALID_SEGMENT', `segment ${segment} of ${totalSegments}`);
  }
  if (totalSegments === 1) return undefined;
  const partitionType = target.shape.partition.type;
  return (key) => {
    const end = Math.min(componentEnd(key, storagePrefixBytes, partitionType), truncatedKeyBytes);
    return hashBytes(key.subarray(storagePrefixBytes, end)) % totalSegments === segment;
  };
}
