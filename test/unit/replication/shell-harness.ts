/** Real replication engines over real stores on loopback ports (19xxx), for the shell tests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Item, TableMeta } from '../../../src/dataplane/model.js';
import { openRegionStore, type ReplicatedRegionStore } from '../../../src/dataplane/storage/index.js';
import { type RunningReplicationEngine, startReplicationEngine } from '../../../src/replication/index.js';
import { silentLogger } from '../../../src/shared/logger.js';
import { seededRandom } from '../../../src/shared/random.js';
import { tableMeta } from '../dataplane/storage/helpers.js';

export interface TestRegion {
  name: string;
  port: number;
  dataDir: string;
  store: ReplicatedRegionStore;
  engine: RunningReplicationEngine;
}

export interface WorldOptions {
  names: string[];
  basePort: number;
  seed: number;
  /** Regions not started yet (their data dir exists). */
  stopped?: string[];
}

export class TestWorld {
  readonly regions = new Map<string, TestRegion>();
  private readonly dirs = new Map<string, string>();

  constructor(private readonly options: WorldOptions) {}

  port(name: string): number {
    return this.options.basePort + this.options.names.indexOf(name);
  }

  async start(): Promise<void> {
    for (const name of this.options.names) {
      this.dirs.set(name, await mkdtemp(join(tmpdir(), `pangea-shell-${name}-`)));
      if (!this.options.stopped?.includes(name)) await this.startRegion(name);
    }
  }

  /** Starts a region; `prepare` runs on its store before its engine listens. */
  async startRegion(
    name: string,
    prepare?: (store: ReplicatedRegionStore) => Promise<unknown>,
  ): Promise<TestRegion> {
    const dataDir = this.dirs.get(name)!;
    const store = await openRegionStore({ dataDir, regionName: name });
    await prepare?.(store);
    const engine = await startReplicationEngine({
      store,
      host: '127.0.0.1',
      port: this.port(name),
      peers: this.options.names
        .filter((peer) => peer !== name)
        .map((peer) => ({ region: peer, host: '127.0.0.1', port: this.port(peer) })),
      accountId: '123456789012',
      logger: silentLogger(),
      random: seededRandom(this.options.seed + this.options.names.indexOf(name)),
      tuning: {
        heartbeatIntervalMs: 200,
        ackTimeoutMs: 3000,
        backoff: { baseMs: 20, capMs: 300, jitterRatio: 0.5 },
      },
      requestTimeoutMs: 3000,
      tombstoneGcIntervalMs: 200,
    });
    const region = { name, port: this.port(name), dataDir, store, engine };
    this.regions.set(name, region);
    return region;
  }

  async stopRegion(name: string): Promise<void> {
    const region = this.regions.get(name);
    if (!region) return;
    this.regions.delete(name);
    await region.engine.close();
    await region.store.close();
  }

  region(name: string): TestRegion {
    const region = this.regions.get(name);
    if (!region) throw new Error(`${name} is not running`);
    return region;
  }

  async close(): Promise<void> {
    for (const name of [...this.regions.keys()]) await this.stopRegion(name);
    for (const dir of this.dirs.values()) await rm(dir, { recursive: true, force: true });
  }
}

/** The same global table in a region (its own storage number), replicated to `replicas`. */
export async function createGlobalTable(
  store: ReplicatedRegionStore,
  name: string,
  replicas: string[],
): Promise<TableMeta> {
  const meta: TableMeta = {
    ...tableMeta(name, await store.allocateNumber(), { partition: ['pk', 'S'] }),
    globalTableVersion: '2019.11.21',
    replicas: replicas.map((RegionName) => ({ RegionName, ReplicaStatus: 'ACTIVE' as const })),
  };
  await store.putTableMeta(meta);
  return store.getTableMeta(name)!;
}

export function tableOf(region: TestRegion, name: string): TableMeta {
  const table = region.store.getTableMeta(name);
  if (!table) throw new Error(`${region.name} has no table ${name}`);
  return table;
}

export function snapshot(region: TestRegion, name: string): string {
  const items: Item[] = [...region.store.scan(tableOf(region, name), {})];
  return JSON.stringify(items);
}

export async function eventually(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
