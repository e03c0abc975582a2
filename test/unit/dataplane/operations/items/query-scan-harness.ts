/**
 * Fixtures for the Query and Scan tests: a region store in a temp directory (the LMDB
 * RegionStore once it exists, else a small in-memory stand-in with the same ordering contract),
 * tables made with the CreateTable handler, and items written straight through store.transact.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExpressionScope, parseKeyCondition } from '../../../../../src/dataplane/expressions/index.js';
import type { AttributeValue, IndexMeta, Item, TableMeta } from '../../../../../src/dataplane/model.js';
import { projectForIndex } from '../../../../../src/dataplane/operations/items/capacity.js';
import { satisfiesSortCondition } from '../../../../../src/dataplane/operations/items/query-scan-key-condition.js';
import { createTable } from '../../../../../src/dataplane/operations/tables/create-table.js';
import { transitionsSettled } from '../../../../../src/dataplane/operations/tables/lifecycle.js';
import type {
  OperationContext,
  OperationHandler,
  OperationInput,
} from '../../../../../src/dataplane/operations/types.js';
import type {
  QueryRange,
  RegionStore,
  ScanRange,
  WriteTx,
} from '../../../../../src/dataplane/storage/types.js';
import { compareScalars } from '../../../../../src/dataplane/values/index.js';

export interface ReadHarness {
  ctx: OperationContext;
  /** True when the LMDB store was used (false: the in-memory stand-in). */
  realStore: boolean;
  call(handler: OperationHandler, input: OperationInput): Promise<Record<string, unknown>>;
  createTable(input: OperationInput): Promise<TableMeta>;
  put(tableName: string, ...items: Item[]): Promise<void>;
  close(): Promise<void>;
}

/** True once the expressions module parses; the end-to-end tests skip until then. */
export const expressionsReady = ((): boolean => {
  try {
    parseKeyCondition('a = :a', new ExpressionScope(undefined, { ':a': { S: 'x' } }));
    return true;
  } catch (error) {
    return !(error instanceof Error && /not implemented/.test(error.message));
  }
})();

async function openStore(dataDir: string): Promise<{ store: RegionStore; real: boolean }> {
  const storagePath = '../../../../../src/dataplane/storage/index.js';
  try {
    const storage = (await import(storagePath)) as {
      openRegionStore?: (dir: string) => Promise<RegionStore>;
    };
    if (storage.openRegionStore) return { store: await storage.openRegionStore(dataDir), real: true };
  } catch {
    // The storage module has not landed yet: fall back to the stand-in below.
  }
  return { store: memoryStore(), real: false };
}

export async function openReadHarness(): Promise<ReadHarness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pangea-query-'));
  const { store, real } = await openStore(dataDir);
  const ctx: OperationContext = {
    region: 'eu-west-1',
    accountId: '123456789012',
    store,
    nowMs: () => Date.UTC(2025, 0, 2, 3, 4, 5),
  };
  return {
    ctx,
    realStore: real,
    call: (handler, input) => handler(ctx, input),
    async createTable(input) {
      await createTable(ctx, input);
      await transitionsSettled(store);
      return store.getTableMeta(input.TableName as string) as TableMeta;
    },
    async put(tableName, ...items) {
      const table = store.getTableMeta(tableName) as TableMeta;
      await store.transact((tx) => {
        for (const item of items) tx.putItem(table, item);
      });
    },
    async close() {
      await transitionsSettled(store);
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const s = (text: string): AttributeValue => ({ S: text });
export const n = (value: number): AttributeValue => ({ N: String(value) });

// ---- the in-memory stand-in ----

const findIndex = (table: TableMeta, name: string | undefined): IndexMeta | undefined =>
  [...table.GlobalSecondaryIndexes, ...table.LocalSecondaryIndexes].find((index) => index.IndexName === name);

/** The order of entries: the index key (if any), then the table key. */
function orderNames(table: TableMeta, index: IndexMeta | undefined): string[] {
  const names = (index?.KeySchema ?? []).map((element) => element.AttributeName);
  for (const { AttributeName } of table.KeySchema)
    if (!names.includes(AttributeName)) names.push(AttributeName);
  return names;
}

function compareBy(names: string[]): (a: Item, b: Item) => number {
  return (a, b) => {
    for (const name of names) {
      const order = compareScalars(a[name] as AttributeValue, b[name] as AttributeValue);
      if (order !== 0) return order;
    }
    return 0;
  };
}

function hashOf(value: AttributeValue): number {
  let hash = 0;
  for (const char of JSON.stringify(value)) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash;
}

function memoryStore(): RegionStore {
  const metas = new Map<string, TableMeta>();
  const rows = new Map<string, Map<string, Item>>();
  let nextNumber = 1;
  let queue: Promise<unknown> = Promise.resolve();
  const keyText = (table: TableMeta, item: Item): string =>
    JSON.stringify(table.KeySchema.map((element) => item[element.AttributeName]));
  const tableRows = (table: TableMeta): Map<string, Item> => {
    let map = rows.get(table.TableName);
    if (!map) {
      map = new Map();
      rows.set(table.TableName, map);
    }
    return map;
  };
  /** Every entry of the table or index, projected, in order. */
  const entries = (table: TableMeta, indexName: string | undefined): Item[] => {
    const index = findIndex(table, indexName);
    const all = [...tableRows(table).values()]
      .filter(
        (item) => !index || index.KeySchema.every(({ AttributeName }) => item[AttributeName] !== undefined),
      )
      .map((item) => structuredClone(index ? projectForIndex(table, index, item) : item));
    return all.sort(compareBy(orderNames(table, index)));
  };
  const tx: WriteTx = {
    getItem: (table, key) => structuredClone(tableRows(table).get(keyText(table, key))),
    putItem: (table, item) => void tableRows(table).set(keyText(table, item), structuredClone(item)),
    deleteItem: (table, key) => void tableRows(table).delete(keyText(table, key)),
  };
  function* query(table: TableMeta, range: QueryRange): Iterable<Item> {
    const index = findIndex(table, range.indexName);
    const [hash, sort] = (index ?? table).KeySchema;
    const order = compareBy(orderNames(table, index));
    let matching = entries(table, range.indexName).filter(
      (item) =>
        compareScalars(item[hash?.AttributeName ?? ''] as AttributeValue, range.partitionValue) === 0 &&
        (!range.sortCondition ||
          satisfiesSortCondition(item[sort?.AttributeName ?? ''] as AttributeValue, range.sortCondition)),
    );
    if (!range.forward) matching = matching.reverse();
    const start = range.exclusiveStartKey;
    for (const item of matching) {
      if (start && (range.forward ? order(item, start) <= 0 : order(item, start) >= 0)) continue;
      yield item;
    }
  }
  function* scan(table: TableMeta, range: ScanRange): Iterable<Item> {
    const index = findIndex(table, range.indexName);
    const hashName = (index ?? table).KeySchema[0]?.AttributeName ?? '';
    const order = compareBy(orderNames(table, index));
    for (const item of entries(table, range.indexName)) {
      const total = range.totalSegments ?? 1;
      if (hashOf(item[hashName] as AttributeValue) % total !== (range.segment ?? 0)) continue;
      if (range.exclusiveStartKey && order(item, range.exclusiveStartKey) <= 0) continue;
      yield item;
    }
  }
  return {
    listTableNames: () => [...metas.keys()],
    getTableMeta: (name) => structuredClone(metas.get(name)),
    async putTableMeta(meta) {
      metas.set(meta.TableName, structuredClone(meta));
    },
    async dropTable(name) {
      metas.delete(name);
      rows.delete(name);
    },
    async allocateNumber() {
      return nextNumber++;
    },
    getItem: (table, key) => tx.getItem(table, key),
    query,
    scan,
    tableStats: (table) => ({ itemCount: tableRows(table).size, sizeBytes: 0 }),
    transact<T>(fn: (tx: WriteTx) => T): Promise<T> {
      const run = queue.then(() => fn(tx));
      queue = run.catch(() => undefined);
      return run;
    },
    async close() {},
  };
}
