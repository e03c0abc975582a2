/** The LMDB environment of a region and its sub-databases (layout.ts describes the keys). */
import { type Database, open, type RootDatabase } from 'lmdb';
import type { ConflictRecord } from '../../replication/core/merge.js';
import type { Item, TableMeta } from '../model.js';
import type { StoredChange, StoredStreamRecord, VersionEntry } from './replication-types.js';

/** Items and total item size under one storage number (a table or an index). */
export type Stats = [itemCount: number, sizeBytes: number];

export interface Databases {
  root: RootDatabase;
  /** Table name → TableMeta. */
  meta: Database<TableMeta, string>;
  /** Item key → Item. */
  items: Database<Item, Buffer>;
  /** Index entry key → projected item. */
  entries: Database<Item, Buffer>;
  /** TTL entry key → the item's table key. */
  ttl: Database<Item, Buffer>;
  /** Table number or index id → Stats. */
  stats: Database<Stats, number>;
  /** The number counter and pending purges. */
  system: Database<unknown, string>;
  /** Item key → VersionEntry (version, causal context; tombstones of global tables keep their key). */
  versions: Database<VersionEntry, Buffer>;
  /** Tombstone version + NUL + hash of the item key → item key: tombstones in version order, for GC. */
  tombstones: Database<Buffer, Buffer>;
  /** Outbound replication log: sequence → StoredChange (this region's writes to replicated tables). */
  outbound: Database<StoredChange, number>;
  /** Stream records: [tableName, streamLabel, sequence] → StoredStreamRecord. */
  streams: Database<StoredStreamRecord, [string, string, number]>;
  /** Conflict log: sequence → ConflictRecord, oldest first. */
  conflicts: Database<ConflictRecord, number>;
  /** Replication bookkeeping: counters, clock high-water, ack watermarks, inbound progress, jobs. */
  replication: Database<unknown, string>;
}

export function openDatabases(path: string): Databases {
  // Commits skip fsync and a background sync follows (the header of lmdb-store.ts says why);
  // lmdb's overlappingSync would flush every commit regardless of the transaction's flags.
  const root = open({ path, maxDbs: 24, overlappingSync: false });
  const binaryKeys = { keyEncoding: 'binary' as const };
  return {
    root,
    meta: root.openDB<TableMeta, string>({ name: 'meta' }),
    items: root.openDB<Item, Buffer>({ name: 'items', ...binaryKeys }),
    entries: root.openDB<Item, Buffer>({ name: 'entries', ...binaryKeys }),
    ttl: root.openDB<Item, Buffer>({ name: 'ttl', ...binaryKeys }),
    stats: root.openDB<Stats, number>({ name: 'stats' }),
    system: root.openDB<unknown, string>({ name: 'system' }),
    versions: root.openDB<VersionEntry, Buffer>({ name: 'versions', ...binaryKeys }),
    tombstones: root.openDB<Buffer, Buffer>({ name: 'tombstones', ...binaryKeys }),
    outbound: root.openDB<StoredChange, number>({ name: 'outbound' }),
    streams: root.openDB<StoredStreamRecord, [string, string, number]>({ name: 'streams' }),
    conflicts: root.openDB<ConflictRecord, number>({ name: 'conflicts' }),
    replication: root.openDB<unknown, string>({ name: 'replication' }),
  };
}

/** lmdb-js has `sync` on the root database but not in its typings. */
interface Syncable {
  sync(callback: (error?: Error) => void): void;
}

/**
 * Flushes the environment to disk in lmdb's worker pool, then calls back (with the error of a
 * failed sync; the next one retries, commits are not lost). The environment must stay open
 * until the callback: closing it under a running sync crashes the process.
 */
export function syncToDisk(root: RootDatabase, callback: (error?: Error) => void): void {
  (root as unknown as Syncable).sync(callback);
}
