/**
 * Table definitions across replicas: how a region turns a replica's TableMeta into its own
 * (its own storage numbers, ARN, id and stream label), and how it adopts a changed definition
 * (indexes, billing, TTL, replicas list) without touching what is per region. Index ids are
 * storage numbers of the region that allocated them, so indexes are matched by name.
 */
import { randomUUID } from 'node:crypto';
import type { IndexMeta, ReplicaMeta, TableMeta } from '../../dataplane/model.js';
import type { ReplicatedRegionStore } from '../../dataplane/storage/index.js';

export const streamLabelAt = (nowMs: number): string => new Date(nowMs).toISOString().replace(/Z$/, '');

export function tableArnIn(region: string, accountId: string, tableName: string): string {
  return `arn:aws:dynamodb:${region}:${accountId}:table/${tableName}`;
}

/** The replicas list with `region` set to `status` (added if absent). */
export function withReplica(
  replicas: readonly ReplicaMeta[] | undefined,
  selfRegion: string,
  region: string,
  status: ReplicaMeta['ReplicaStatus'],
): ReplicaMeta[] {
  const list: ReplicaMeta[] =
    replicas && replicas.length > 0
      ? replicas.map((replica) => ({ ...replica }))
      : [{ RegionName: selfRegion, ReplicaStatus: 'ACTIVE' }];
  const existing = list.find((replica) => replica.RegionName === region);
  if (existing) {
    existing.ReplicaStatus = status;
    if (status === 'ACTIVE') delete existing.ReplicaStatusPercentProgress;
  } else list.push({ RegionName: region, ReplicaStatus: status });
  return list.sort((a, b) => a.RegionName.localeCompare(b.RegionName));
}

/** Stream NEW_AND_OLD_IMAGES on (global tables need it); keeps an existing label. */
export function withReplicationStream(meta: TableMeta, nowMs: number): TableMeta {
  if (meta.StreamSpecification?.StreamEnabled && meta.LatestStreamLabel) return meta;
  const label = streamLabelAt(nowMs);
  return {
    ...meta,
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    LatestStreamLabel: label,
    LatestStreamArn: `${meta.TableArn}/stream/${label}`,
  };
}

async function localIndexes(
  store: ReplicatedRegionStore,
  incoming: readonly IndexMeta[],
  existing: readonly IndexMeta[],
): Promise<{ indexes: IndexMeta[]; created: string[] }> {
  const indexes: IndexMeta[] = [];
  const created: string[] = [];
  for (const index of incoming) {
    const mine = existing.find((candidate) => candidate.IndexName === index.IndexName);
    if (mine) {
      indexes.push({ ...index, indexId: mine.indexId, IndexStatus: mine.IndexStatus ?? 'ACTIVE' });
      continue;
    }
    indexes.push({
      ...index,
      indexId: await store.allocateNumber(),
      IndexStatus: 'CREATING',
      Backfilling: true,
    });
    created.push(index.IndexName);
  }
  return { indexes, created };
}

/** This region's own copy of a table created as a replica of `source`. */
export async function replicaTableMeta(
  store: ReplicatedRegionStore,
  source: TableMeta,
  accountId: string,
  nowMs: number,
): Promise<TableMeta> {
  const region = store.regionName;
  const tableArn = tableArnIn(region, accountId, source.TableName);
  const gsis = await localIndexes(store, source.GlobalSecondaryIndexes, []);
  const lsis = await localIndexes(store, source.LocalSecondaryIndexes, []);
  const label = streamLabelAt(nowMs);
  const meta: TableMeta = {
    ...structuredClone(source),
    TableId: randomUUID(),
    TableArn: tableArn,
    TableStatus: 'CREATING',
    CreationDateTime: nowMs / 1000,
    GlobalSecondaryIndexes: gsis.indexes.map((index) => ({
      ...index,
      IndexStatus: 'ACTIVE',
      Backfilling: false,
    })),
    LocalSecondaryIndexes: lsis.indexes.map((index) => ({
      ...index,
      IndexStatus: 'ACTIVE',
      Backfilling: false,
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    LatestStreamLabel: label,
    LatestStreamArn: `${tableArn}/stream/${label}`,
    globalTableVersion: '2019.11.21',
    tableNumber: await store.allocateNumber(),
  };
  return meta;
}

/**
 * A replica's changed definition merged into ours: settings AWS keeps in sync across replicas
 * are taken, per-region identity (numbers, ARN, id, stream, status) is kept. Returns the new
 * meta and the names of indexes that are new here (to build from our items).
 */
export async function adoptTableMeta(
  store: ReplicatedRegionStore,
  local: TableMeta,
  incoming: TableMeta,
): Promise<{ meta: TableMeta; newIndexes: string[] }> {
  const gsis = await localIndexes(store, incoming.GlobalSecondaryIndexes, local.GlobalSecondaryIndexes);
  const selfReplica = incoming.replicas?.find((replica) => replica.RegionName === store.regionName);
  const becameActive = local.TableStatus === 'CREATING' && selfReplica?.ReplicaStatus === 'ACTIVE';
  const meta: TableMeta = {
    ...local,
    BillingMode: incoming.BillingMode,
    GlobalSecondaryIndexes: gsis.indexes,
    TableStatus: becameActive ? 'ACTIVE' : local.TableStatus,
  };
  assignOptional(meta, 'ProvisionedThroughput', incoming.ProvisionedThroughput);
  assignOptional(meta, 'OnDemandThroughput', incoming.OnDemandThroughput);
  assignOptional(meta, 'timeToLive', incoming.timeToLive);
  assignOptional(meta, 'replicas', incoming.replicas);
  assignOptional(meta, 'globalTableVersion', incoming.globalTableVersion);
  return { meta, newIndexes: gsis.created };
}

function assignOptional<K extends keyof TableMeta>(
  meta: TableMeta,
  key: K,
  value: TableMeta[K] | undefined,
): void {
  if (value === undefined) delete meta[key];
  else meta[key] = structuredClone(value);
}

/** Builds the entries of newly added indexes from the items (keeps versions; logs nothing), then marks them ACTIVE. */
export async function buildIndexes(
  store: ReplicatedRegionStore,
  tableName: string,
  indexNames: readonly string[],
  pageSize = 500,
): Promise<void> {
  if (indexNames.length === 0) return;
  const initial = store.getTableMeta(tableName);
  if (!initial) return;
  let startKey: Record<string, never> | undefined;
  for (;;) {
    const table = store.getTableMeta(tableName);
    if (!table || table.TableId !== initial.TableId) return;
    const page: Array<Record<string, unknown>> = [];
    for (const item of store.scan(table, startKey ? { exclusiveStartKey: startKey } : {})) {
      page.push(item);
      if (page.length >= pageSize) break;
    }
    if (page.length === 0) break;
    await store.transactReplicated((tx) => {
      for (const item of page) tx.putItem(table, item as never, { rebuildOnly: true });
    });
    if (page.length < pageSize) break;
    const last = page[page.length - 1]!;
    startKey = Object.fromEntries(
      table.KeySchema.map((element) => [element.AttributeName, last[element.AttributeName]]),
    ) as Record<string, never>;
  }
  const table = store.getTableMeta(tableName);
  if (!table || table.TableId !== initial.TableId) return;
  await store.putTableMeta({
    ...table,
    GlobalSecondaryIndexes: table.GlobalSecondaryIndexes.map((index) =>
      indexNames.includes(index.IndexName) ? { ...index, IndexStatus: 'ACTIVE', Backfilling: false } : index,
    ),
  });
}
