/**
 * ReplicationControl: what the table operations ask of the engine (create/delete replicas, keep
 * definitions in sync, describe remote tables), and the backfill of a new replica.
 *
 * Adding replica R of table T from this region S:
 * 1. R creates T from our definition (its own numbers/ARN/stream), status CREATING.
 * 2. S adds R (CREATING) to its replicas list, so every later write of S also goes to R, and sends
 *    the list to every other replica P; each answers with its outbound high sequence at adoption.
 *    Writes P made before adopting reach R only through S, so S waits until it has applied P's
 *    log up to that sequence (then they are in S's items).
 * 3. S sends every item state (image or tombstone, with version and context) in pages; R merges
 *    them like any replicated change, so writes that reach R meanwhile converge.
 * 4. S marks R ACTIVE in its list and propagates it; R's table turns ACTIVE on adoption.
 * The job is persisted (cursor after each page) and resumes after a restart.
 */
import { DynamoError, type TableMeta } from '../../dataplane/model.js';
import { withStoreTableLock } from '../../dataplane/operations/tables/lifecycle.js';
import type { ReplicationControl } from '../../dataplane/operations/types.js';
import {
  changeFromState,
  type ReplicatedRegionStore,
  toStoredChange,
  type WireChange,
} from '../../dataplane/storage/index.js';
import type { Logger } from '../../shared/logger.js';
import type { Random } from '../../shared/random.js';
import { type BackoffPolicy, backoffDelayMs } from '../core/backoff.js';
import type { PeerClient } from './http-client.js';
import { type BackfillRequest, paths } from './protocol.js';
import { withReplica, withReplicationStream } from './table-sync.js';

export interface ReplicaControlDeps {
  store: ReplicatedRegionStore;
  clients: ReadonlyMap<string, PeerClient>;
  logger: Logger;
  random: Random;
  /** Contiguous sequence applied here from `origin`. */
  inboundSequence(origin: string): number;
  requestTimeoutMs: number;
  backfillPageSize: number;
  backoff: BackoffPolicy;
}

interface BackfillJob {
  tableName: string;
  tableId: string;
  region: string;
  /** Per other replica: their outbound high sequence when they adopted the new list. */
  waitFor: Record<string, number>;
  /** Where the copy stopped; null before the first page. */
  cursor: string | null;
  copied: number;
}

const jobPrefix = 'backfill:';
const jobKey = (tableName: string, region: string) => `${jobPrefix}${tableName}\u0000${region}`;

export class ReplicaControl implements ReplicationControl {
  private readonly running = new Map<string, Promise<void>>();
  private readonly metaSends = new Map<string, { meta: TableMeta; sending: boolean }>();
  private stopped = false;

  constructor(private readonly deps: ReplicaControlDeps) {}

  peerRegions(): string[] {
    return [...this.deps.clients.keys()].sort();
  }

  /** Resumes backfills interrupted by a restart. */
  resumeJobs(): void {
    for (const { value } of this.deps.store.listReplicationState(jobPrefix))
      this.runJob(value as BackfillJob);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.running.values()]);
  }

  async createReplica(table: TableMeta, region: string): Promise<void> {
    const client = this.client(region);
    const { store } = this.deps;
    const nowMs = store.wallClockMs();
    const current = store.getTableMeta(table.TableName) ?? table;
    const replicas = withReplica(current.replicas, store.regionName, region, 'CREATING');
    const definition: TableMeta = { ...current, replicas, globalTableVersion: '2019.11.21' };
    const response = await this.call(client, 'POST', paths.createTable, { meta: definition });
    if (response.status === 409) {
      throw new DynamoError(
        'ValidationException',
        `Failed to create a replica in ${region}: a table named ${table.TableName} already exists there`,
      );
    }
    if (response.status !== 200) throw this.peerFailure(region, response.body);
    const updated = await this.updateLocal(table.TableName, (meta) =>
      withReplicationStream(
        { ...meta, replicas, globalTableVersion: meta.globalTableVersion ?? '2019.11.21' },
        nowMs,
      ),
    );
    if (!updated) return;
    const waitFor = await this.sendMetaToOthers(updated, region);
    const job: BackfillJob = {
      tableName: table.TableName,
      tableId: updated.TableId,
      region,
      waitFor,
      cursor: null,
      copied: 0,
    };
    await store.putReplicationState(jobKey(job.tableName, region), job);
    this.runJob(job);
  }

  async deleteReplica(table: TableMeta, region: string): Promise<void> {
    const { store } = this.deps;
    const updated = await this.updateLocal(table.TableName, (meta) => ({
      ...meta,
      replicas: (meta.replicas ?? []).filter((replica) => replica.RegionName !== region),
    }));
    await store.putReplicationState(jobKey(table.TableName, region), undefined);
    if (updated) void this.propagateTableMeta(updated);
    this.deleteRemote(table.TableName, region, 1);
  }

  async propagateTableMeta(table: TableMeta): Promise<void> {
    const targets = (table.replicas ?? [])
      .map((replica) => replica.RegionName)
      .filter((region) => region !== this.deps.store.regionName && this.deps.clients.has(region));
    await Promise.all(targets.map((region) => this.queueMeta(region, table)));
  }

  async describeRemoteTable(tableName: string, region: string): Promise<TableMeta | undefined> {
    const client = this.client(region);
    const response = await this.call(client, 'GET', `${paths.tables}/${encodeURIComponent(tableName)}`);
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw this.peerFailure(region, response.body);
    return (response.body as { table: TableMeta }).table;
  }

  private client(region: string): PeerClient {
    const client = this.deps.clients.get(region);
    if (!client) {
      throw new DynamoError(
        'ValidationException',
        `Region ${region} is not part of this world's replication`,
      );
    }
    return client;
  }

  private async call(
    client: PeerClient,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    try {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      return await client.request(method, path, payload, this.deps.requestTimeoutMs);
    } catch (error) {
      throw new DynamoError(
        'InternalServerError',
        `Region ${client.peer.region} is unreachable: ${(error as Error).message}`,
        500,
      );
    }
  }

  private peerFailure(region: string, body: Record<string, unknown>): DynamoError {
    return new DynamoError(
      'InternalServerError',
      `Region ${region} refused: ${String(body.message ?? body.code)}`,
      500,
    );
  }

  /**
   * Re-reads the current meta (others may have changed it) and stores `change(meta)`, under the
   * table operations' lock so a concurrent settle (UPDATING → ACTIVE) or UpdateTable isn't lost.
   */
  private updateLocal(
    tableName: string,
    change: (meta: TableMeta) => TableMeta,
  ): Promise<TableMeta | undefined> {
    return withStoreTableLock(this.deps.store, tableName, async () => {
      const current = this.deps.store.getTableMeta(tableName);
      if (!current) return undefined;
      const next = change(structuredClone(current) as TableMeta);
      await this.deps.store.putTableMeta(next);
      return this.deps.store.getTableMeta(tableName);
    });
  }

  /** Sends the meta to every other replica but `except`, until each answers; their high sequences. */
  private async sendMetaToOthers(meta: TableMeta, except: string): Promise<Record<string, number>> {
    const targets = (meta.replicas ?? [])
      .map((replica) => replica.RegionName)
      .filter(
        (region) =>
          region !== except && region !== this.deps.store.regionName && this.deps.clients.has(region),
      );
    const waitFor: Record<string, number> = {};
    await Promise.all(
      targets.map(async (region) => {
        waitFor[region] = await this.sendMetaUntilAccepted(region, meta);
      }),
    );
    return waitFor;
  }

  private async sendMetaUntilAccepted(region: string, meta: TableMeta): Promise<number> {
    const client = this.client(region);
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        const response = await client.request<{ highSequence?: number }>(
          'POST',
          paths.tableMeta,
          JSON.stringify({ meta }),
          this.deps.requestTimeoutMs,
        );
        if (response.status === 200) return response.body.highSequence ?? 0;
        if (response.status === 404) return 0;
      } catch {
        // Unreachable: retried below.
      }
      await sleep(backoffDelayMs(this.deps.backoff, attempt, this.deps.random));
    }
    return 0;
  }

  /** Latest-wins queue per region: a newer meta replaces one still waiting to be sent. */
  private queueMeta(region: string, meta: TableMeta): Promise<void> {
    const key = `${meta.TableName}\u0000${region}`;
    const pending = this.metaSends.get(key);
    if (pending) {
      pending.meta = meta;
      return Promise.resolve();
    }
    const slot = { meta, sending: true };
    this.metaSends.set(key, slot);
    const run = (async () => {
      let sent: TableMeta | undefined;
      while (sent !== slot.meta && !this.stopped) {
        sent = slot.meta;
        await this.sendMetaUntilAccepted(region, sent);
      }
      this.metaSends.delete(key);
    })();
    this.track(`meta:${key}`, run);
    return run;
  }

  private deleteRemote(tableName: string, region: string, attempt: number): void {
    const client = this.deps.clients.get(region);
    if (!client || this.stopped) return;
    const run = client
      .request('POST', paths.deleteTable, JSON.stringify({ tableName }), this.deps.requestTimeoutMs)
      .then((response) => {
        if (response.status !== 200 && response.status !== 404) throw new Error(`status ${response.status}`);
      })
      .catch(async () => {
        await sleep(backoffDelayMs(this.deps.backoff, attempt, this.deps.random));
        this.deleteRemote(tableName, region, attempt + 1);
      });
    this.track(`delete:${tableName}:${region}:${attempt}`, run);
  }

  private track(key: string, run: Promise<void>): void {
    this.running.set(key, run);
    void run.finally(() => {
      if (this.running.get(key) === run) this.running.delete(key);
    });
  }

  private runJob(job: BackfillJob): void {
    const key = `job:${jobKey(job.tableName, job.region)}`;
    if (this.running.has(key)) return;
    this.track(
      key,
      this.backfill(job).catch((error: unknown) =>
        this.deps.logger.error({ err: error, table: job.tableName, region: job.region }, 'backfill failed'),
      ),
    );
  }

  private async backfill(job: BackfillJob): Promise<void> {
    const { store, logger } = this.deps;
    await this.waitForOthers(job);
    logger.info({ table: job.tableName, region: job.region }, 'backfilling new replica');
    for (let attempt = 1; !this.stopped; ) {
      const table = store.getTableMeta(job.tableName);
      if (
        !table ||
        table.TableId !== job.tableId ||
        !table.replicas?.some((r) => r.RegionName === job.region)
      ) {
        await store.putReplicationState(jobKey(job.tableName, job.region), undefined);
        return;
      }
      const page = store.itemStates(table, job.cursor ?? undefined, this.deps.backfillPageSize);
      const nowMs = store.wallClockMs();
      const records: WireChange[] = page.entries.map((entry) => {
        const change = changeFromState(job.tableName, entry, nowMs);
        return { ...toStoredChange(change, [job.region], false), o: change.originRegion, s: 0 };
      });
      const request: BackfillRequest = { sourceRegion: store.regionName, tableName: job.tableName, records };
      try {
        const response = await this.client(job.region).request(
          'POST',
          paths.backfill,
          JSON.stringify(request),
          this.deps.requestTimeoutMs,
        );
        if (response.status !== 200) throw new Error(`backfill page refused: ${response.status}`);
      } catch (error) {
        logger.debug({ err: error, region: job.region }, 'backfill page failed; retrying');
        await sleep(backoffDelayMs(this.deps.backoff, attempt++, this.deps.random));
        continue;
      }
      attempt = 1;
      job.copied += records.length;
      job.cursor = page.nextCursor ?? null;
      if (!page.nextCursor) break;
      await store.putReplicationState(jobKey(job.tableName, job.region), job);
    }
    if (this.stopped) return;
    const updated = await this.updateLocal(job.tableName, (meta) => ({
      ...meta,
      replicas: withReplica(meta.replicas, store.regionName, job.region, 'ACTIVE'),
    }));
    await store.putReplicationState(jobKey(job.tableName, job.region), undefined);
    logger.info({ table: job.tableName, region: job.region, items: job.copied }, 'replica backfill done');
    if (updated) await this.propagateTableMeta(updated);
  }

  /** Writes other replicas made before they knew the new replica must be here first (see header). */
  private async waitForOthers(job: BackfillJob): Promise<void> {
    for (const [origin, sequence] of Object.entries(job.waitFor)) {
      while (!this.stopped && this.deps.inboundSequence(origin) < sequence) await sleep(100);
    }
  }
}

function sleep(delayMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, delayMs).unref());
}
