/** Shared helpers for the storage tests: temp stores, table metas and a seeded random source. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  AttributeDefinition,
  IndexMeta,
  Item,
  KeySchemaElement,
  ScalarKeyType,
  TableMeta,
} from '../../../../src/dataplane/model.js';
import { openRegionStore } from '../../../../src/dataplane/storage/index.js';
import type { RegionStore } from '../../../../src/dataplane/storage/types.js';

export interface TempStore {
  store: RegionStore;
  dataDir: string;
  reopen(): Promise<RegionStore>;
  cleanup(): Promise<void>;
}

export async function tempStore(): Promise<TempStore> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pangea-storage-'));
  const handle: TempStore = {
    store: await openRegionStore({ dataDir }),
    dataDir,
    async reopen() {
      await handle.store.close();
      handle.store = await openRegionStore({ dataDir });
      return handle.store;
    },
    async cleanup() {
      await handle.store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}

export interface KeySpec {
  partition: [string, ScalarKeyType];
  sort?: [string, ScalarKeyType];
}

export function keySchema(spec: KeySpec): KeySchemaElement[] {
  const schema: KeySchemaElement[] = [{ AttributeName: spec.partition[0], KeyType: 'HASH' }];
  if (spec.sort) schema.push({ AttributeName: spec.sort[0], KeyType: 'RANGE' });
  return schema;
}

export function definitions(...specs: KeySpec[]): AttributeDefinition[] {
  const byName = new Map<string, ScalarKeyType>();
  for (const spec of specs) {
    for (const part of [spec.partition, spec.sort]) if (part) byName.set(part[0], part[1]);
  }
  return [...byName].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType }));
}

export function indexMeta(
  name: string,
  indexId: number,
  spec: KeySpec,
  projection: IndexMeta['Projection'] = { ProjectionType: 'ALL' },
  kind: IndexMeta['kind'] = 'GSI',
): IndexMeta {
  return {
    IndexName: name,
    KeySchema: keySchema(spec),
    Projection: projection,
    indexId,
    kind,
    IndexStatus: 'ACTIVE',
  };
}

/** A table meta whose AttributeDefinitions cover the table and index keys. */
export function tableMeta(
  tableName: string,
  tableNumber: number,
  spec: KeySpec,
  indexes: { gsis?: [IndexMeta, KeySpec][]; lsis?: [IndexMeta, KeySpec][] } = {},
): TableMeta {
  const gsis = indexes.gsis ?? [];
  const lsis = indexes.lsis ?? [];
  return {
    TableName: tableName,
    TableId: `id-${tableName}-${tableNumber}`,
    TableArn: `arn:aws:dynamodb:eu-west-1:123456789012:table/${tableName}`,
    TableStatus: 'ACTIVE',
    CreationDateTime: 1_700_000_000,
    AttributeDefinitions: definitions(spec, ...gsis.map(([, s]) => s), ...lsis.map(([, s]) => s)),
    KeySchema: keySchema(spec),
    BillingMode: 'PAY_PER_REQUEST',
    GlobalSecondaryIndexes: gsis.map(([index]) => index),
    LocalSecondaryIndexes: lsis.map(([index]) => index),
    DeletionProtectionEnabled: false,
    tags: {},
    tableNumber,
  };
}

/** Creates the table in the store with freshly allocated numbers. */
export async function createTable(
  store: RegionStore,
  tableName: string,
  spec: KeySpec,
  indexes: {
    gsis?: [string, KeySpec, IndexMeta['Projection']?][];
    lsis?: [string, KeySpec, IndexMeta['Projection']?][];
  } = {},
): Promise<TableMeta> {
  const build = async (list: [string, KeySpec, IndexMeta['Projection']?][], kind: IndexMeta['kind']) => {
    const built: [IndexMeta, KeySpec][] = [];
    for (const [name, indexSpec, projection] of list) {
      built.push([indexMeta(name, await store.allocateNumber(), indexSpec, projection, kind), indexSpec]);
    }
    return built;
  };
  const meta = tableMeta(tableName, await store.allocateNumber(), spec, {
    gsis: await build(indexes.gsis ?? [], 'GSI'),
    lsis: await build(indexes.lsis ?? [], 'LSI'),
  });
  await store.putTableMeta(meta);
  return meta;
}

/** Mulberry32: small, seeded, good enough for property-style tests. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const randomInt = (random: () => number, below: number): number => Math.floor(random() * below);

export const keysOf = (items: Iterable<Item>, name: string): string[] =>
  [...items].map((item) => {
    const value = item[name];
    if (!value) return '<missing>';
    if ('S' in value) return value.S;
    if ('N' in value) return value.N;
    if ('B' in value) return value.B;
    return JSON.stringify(value);
  });
