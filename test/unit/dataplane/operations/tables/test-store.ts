/**
 * The store the table tests run on. Until the storage engineer's LMDB store lands this is a
 * small in-memory RegionStore with the same contract (snapshots, serialised transactions).
 */
import type { Item, TableMeta } from '../../../../../src/dataplane/model.js';
import type { RegionStore, WriteTx } from '../../../../../src/dataplane/storage/types.js';

export async function openTestStore(_dataDir: string): Promise<RegionStore> {
  return memoryStore();
}

const keyText = (table: TableMeta, item: Item): string =>
  JSON.stringify(table.KeySchema.map((element) => item[element.AttributeName]));

function memoryStore(): RegionStore {
  const metas = new Map<string, TableMeta>();
  const items = new Map<string, Map<string, Item>>();
  let nextNumber = 1;
  let queue: Promise<unknown> = Promise.resolve();
  const tableItems = (table: TableMeta): Map<string, Item> => {
    let map = items.get(table.TableName);
    if (!map) {
      map = new Map();
      items.set(table.TableName, map);
    }
    return map;
  };
  const tx: WriteTx = {
    getItem: (table, key) => structuredClone(tableItems(table).get(keyText(table, key))),
    putItem: (table, item) => void tableItems(table).set(keyText(table, item), structuredClone(item)),
    deleteItem: (table, key) => void tableItems(table).delete(keyText(table, key)),
  };
  return {
    listTableNames: () => [...metas.keys()],
    getTableMeta: (name) => structuredClone(metas.get(name)),
    async putTableMeta(meta) {
      metas.set(meta.TableName, structuredClone(meta));
    },
    async dropTable(name) {
      metas.delete(name);
      items.delete(name);
    },
    async allocateNumber() {
      return nextNumber++;
    },
    getItem: (table, key) => tx.getItem(table, key),
    query: () => [],
    *scan(table, range) {
      const sorted = [...tableItems(table).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const start = range.exclusiveStartKey ? keyText(table, range.exclusiveStartKey) : undefined;
      for (const [key, item] of sorted) if (start === undefined || key > start) yield structuredClone(item);
    },
    tableStats(table) {
      const all = [...tableItems(table).values()];
      return {
        itemCount: all.length,
        sizeBytes: all.reduce((total, item) => total + JSON.stringify(item).length, 0),
      };
    },
    transact<T>(fn: (tx: WriteTx) => T): Promise<T> {
      const run = queue.then(() => fn(tx));
      queue = run.catch(() => undefined);
      return run;
    },
    async close() {},
  };
}
