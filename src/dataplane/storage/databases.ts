/** The LMDB environment of a region and its sub-databases (layout.ts describes the keys). */
import { type Database, open, type RootDatabase } from 'lmdb';
import type { Item, TableMeta } from '../model.js';

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
}

export function openDatabases(path: string): Databases {
  // Default sync settings on purpose: see the header of lmdb-store.ts.
  const root = open({ path, maxDbs: 16 });
  const binaryKeys = { keyEncoding: 'binary' as const };
  return {
    root,
    meta: root.openDB<TableMeta, string>({ name: 'meta' }),
    items: root.openDB<Item, Buffer>({ name: 'items', ...binaryKeys }),
    entries: root.openDB<Item, Buffer>({ name: 'entries', ...binaryKeys }),
    ttl: root.openDB<Item, Buffer>({ name: 'ttl', ...binaryKeys }),
    stats: root.openDB<Stats, number>({ name: 'stats' }),
    system: root.openDB<unknown, string>({ name: 'system' }),
  };
}
