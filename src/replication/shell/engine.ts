/**
 * The replication engine of one region: an HTTP endpoint (batches, backfill pages, table
 * definitions from other engines; pause/resume, metrics and conflicts for the world controller),
 * one sender per peer region shipping the durable outbound log, the receiver that applies other
 * regions' batches, the pause state (FIS global-table-pause-replication), lag stats, log
 * truncation and tombstone collection. See README.md for the endpoints.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TableMeta } from '../../dataplane/model.js';
import { withStoreTableLock } from '../../dataplane/operations/tables/lifecycle.js';
import type { ReplicationControl } from '../../dataplane/operations/types.js';
import { type ReplicatedRegionStore, toChangeRecord } from '../../dataplane/storage/index.js';
import type { Logger } from '../../shared/logger.js';
import type { Random } from '../../shared/random.js';
import { encodeHlc } from '../core/hlc.js';
import { InboundTracker } from '../core/inbound.js';
import { ReplicationLagStats } from '../core/lag.js';
import { type PauseRequest, ReplicationPause } from '../core/pause.js';
import { PeerClient, type PeerEndpoint } from './http-client.js';
import { type BackfillRequest, type BatchRequest, paths, ReplicationError } from './protocol.js';
import { BatchReceiver } from './receiver.js';
import { ReplicaControl } from './replica-control.js';
import { defaultSenderTuning, PeerSender, type SenderTuning } from './sender.js';
import { adoptTableMeta, buildIndexes, replicaTableMeta } from './table-sync.js';

export interface ReplicationEngineOptions {
  store: ReplicatedRegionStore;
  /** Where this engine listens (the region's own address and replication port). */
  host: string;
  port: number;
  /** Every other region of the world and how to reach its engine (its WAN face, in a world). */
  peers: PeerEndpoint[];
  /** Outbound connections are bound to this address (the region's `.1`), so they cross the WAN links. */
  localAddress?: string;
  accountId: string;
  logger: Logger;
  /** Seeded: retry jitter replays from it. */
  random: Random;
  tuning?: Partial<SenderTuning>;
  /** Deadline for control calls (create/describe/meta) and backfill pages. */
  requestTimeoutMs?: number;
  backfillPageSize?: number;
  tombstoneGcIntervalMs?: number;
}

export interface MetricsSnapshot {
  region: string;
  atMs: number;
  pause: { phase: string; endsAtMs: number | null };
  outboundHighSequence: number;
  outbound: ReturnType<PeerSender['status']>[];
  inbound: Array<{
    source: string;
    appliedSequence: number;
    replicationLatency: { averageMs: number | null; maxMs: number | null; sampleCount: number };
  }>;
  appliedTotal: number;
  conflictTotal: number;
}

export interface RunningReplicationEngine {
  url: string;
  control: ReplicationControl;
  pause(request: PauseRequest): void;
  resume(): void;
  metrics(): MetricsSnapshot;
  close(): Promise<void>;
}

const maxBodyBytes = 64 * 1024 * 1024;
const defaultConflictLimit = 100;
const maxConflictLimit = 1000;

export async function startReplicationEngine(
  options: ReplicationEngineOptions,
): Promise<RunningReplicationEngine> {
  const engine = new ReplicationEngine(options);
  await engine.listen();
  engine.start();
  return engine;
}

class ReplicationEngine implements RunningReplicationEngine {
  readonly control: ReplicaControl;
  private readonly store: ReplicatedRegionStore;
  private readonly logger: Logger;
  private readonly pauseState = new ReplicationPause({
    nowMs: () => Date.now(),
    setTimer: (callback, delayMs) => ({ id: setTimeout(callback, delayMs) }),
    clearTimer: (handle) => clearTimeout(handle.id as NodeJS.Timeout),
  });
  private readonly tracker: InboundTracker;
  private readonly lag = new ReplicationLagStats();
  private readonly clients = new Map<string, PeerClient>();
  private readonly senders: PeerSender[] = [];
  private readonly receiver: BatchReceiver;
  private readonly server: http.Server;
  private truncatedThrough = 0;
  private truncating: Promise<void> | undefined;
  private truncateAgain = false;
  private gcTimer: NodeJS.Timeout | undefined;
  private resumeTimer: NodeJS.Timeout | undefined;
  private stopWakingOnCommit: (() => void) | undefined;
  url = '';

  constructor(private readonly options: ReplicationEngineOptions) {
    this.store = options.store;
    this.logger = options.logger;
    const peerNames = options.peers.map((peer) => peer.region);
    this.tracker = new InboundTracker(this.store.regionName, peerNames);
    for (const origin of peerNames) {
      const applied = this.store.inboundSequence(origin);
      for (let sequence = 1; sequence <= applied; sequence++) this.tracker.markApplied(origin, sequence);
    }
    const oldestRetained = this.store.outboundEntries(0, 1)[0];
    this.truncatedThrough = oldestRetained ? oldestRetained.sequence - 1 : this.store.outboundHighSequence();
    const tuning: SenderTuning = { ...defaultSenderTuning, ...options.tuning };
    for (const peer of options.peers) {
      this.clients.set(
        peer.region,
        new PeerClient(peer, options.localAddress, tuning.maxInFlightBatches + 4),
      );
    }
    this.receiver = new BatchReceiver({
      store: this.store,
      tracker: this.tracker,
      lag: this.lag,
      logger: this.logger,
      canApply: () => this.pauseState.canApply(),
    });
    this.control = new ReplicaControl({
      store: this.store,
      clients: this.clients,
      logger: this.logger,
      random: options.random,
      inboundSequence: (origin) => this.tracker.contiguousSequence(origin),
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      backfillPageSize: options.backfillPageSize ?? 500,
      backoff: tuning.backoff,
    });
    for (const client of this.clients.values()) {
      this.senders.push(
        new PeerSender(
          this.store,
          client,
          tuning,
          options.random,
          {
            canSend: () => this.pauseState.canSend(),
            headerSnapshot: () => this.headerSnapshot(),
            onAcked: () => this.truncateLog(),
            truncatedThrough: () => this.truncatedThrough,
          },
          this.logger.child({ peer: client.peer.region }),
        ),
      );
    }
    this.server = http.createServer((request, response) => void this.handle(request, response));
    this.server.keepAliveTimeout = 60_000;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        const address = this.server.address() as AddressInfo;
        this.url = `http://${this.options.host}:${address.port}`;
        resolve();
      });
    });
  }

  start(): void {
    for (const sender of this.senders) sender.start();
    // A committed local write leaves at once rather than at the senders' next poll.
    this.stopWakingOnCommit = this.store.onOutboundCommitted(() => this.kickSenders());
    this.control.resumeJobs();
    const gcIntervalMs = this.options.tombstoneGcIntervalMs ?? 10_000;
    this.gcTimer = setInterval(() => void this.collectTombstones(), gcIntervalMs);
    this.gcTimer.unref();
    this.logger.info({ url: this.url, peers: [...this.clients.keys()] }, 'replication engine listening');
  }

  pause(request: PauseRequest): void {
    this.pauseState.pause(request);
    this.logger.info({ request }, 'replication paused');
    // Wake the senders when the pause ends by itself (or its continue window closes).
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    const endsAtMs = this.pauseState.endsAtMs();
    if (endsAtMs !== null) {
      this.resumeTimer = setTimeout(() => this.kickSenders(), Math.max(0, endsAtMs - Date.now()) + 1);
      this.resumeTimer.unref();
    }
  }

  resume(): void {
    this.pauseState.resume();
    this.logger.info('replication resumed');
    this.kickSenders();
  }

  metrics(): MetricsSnapshot {
    const nowMs = this.store.wallClockMs();
    return {
      region: this.store.regionName,
      atMs: nowMs,
      pause: { phase: this.pauseState.phase(), endsAtMs: this.pauseState.endsAtMs() },
      outboundHighSequence: this.store.outboundHighSequence(),
      outbound: this.senders.map((sender) => sender.status()),
      inbound: this.tracker.peers.map((source) => {
        const stats = this.lag.stats(source, this.store.regionName, nowMs);
        return {
          source,
          appliedSequence: this.tracker.contiguousSequence(source),
          replicationLatency: {
            averageMs: stats.lagMsAverage,
            maxMs: stats.lagMsMax,
            sampleCount: stats.sampleCount,
          },
        };
      }),
      appliedTotal: this.receiver.totals().applied,
      conflictTotal: this.receiver.totals().conflicts,
    };
  }

  async close(): Promise<void> {
    if (this.gcTimer) clearInterval(this.gcTimer);
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    this.stopWakingOnCommit?.();
    await Promise.all(this.senders.map((sender) => sender.stop()));
    await this.control.stop();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    for (const client of this.clients.values()) client.close();
    await this.truncating;
  }

  private kickSenders(): void {
    for (const sender of this.senders) sender.kick();
  }

  private headerSnapshot() {
    const frontier = this.tracker.appliedFrontier();
    return {
      originClock: encodeHlc(this.store.hlc.peek()),
      originHighSequence: this.store.outboundHighSequence(),
      originAppliedFrontier: frontier ? encodeHlc(frontier) : null,
    };
  }

  /** Drops log entries no peer still waits for: a caught-up peer does not hold the log back. */
  private truncateLog(): void {
    if (this.truncating) {
      this.truncateAgain = true;
      return;
    }
    const high = this.store.outboundHighSequence();
    let through = high;
    for (const sender of this.senders)
      if (!sender.caughtUp()) through = Math.min(through, sender.ackedSequence());
    if (through <= this.truncatedThrough) return;
    this.truncating = this.store
      .truncateOutbound(through)
      .then(() => {
        this.truncatedThrough = Math.max(this.truncatedThrough, through);
      })
      .catch((error: unknown) => this.logger.warn({ err: error }, 'outbound log truncation failed'))
      .finally(() => {
        this.truncating = undefined;
        if (this.truncateAgain) {
          this.truncateAgain = false;
          this.truncateLog();
        }
      });
  }

  private async collectTombstones(): Promise<void> {
    const frontier = this.tracker.stableFrontier();
    if (!frontier) return;
    try {
      while ((await this.store.collectTombstones(frontier, 1000)) === 1000) {}
    } catch (error) {
      this.logger.warn({ err: error }, 'tombstone collection failed');
    }
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    try {
      const url = new URL(request.url ?? '/', 'http://replication');
      const result = await this.route(request.method ?? 'GET', url, request);
      reply(response, 200, result);
    } catch (error) {
      if (error instanceof ReplicationError) {
        reply(response, error.statusCode, { code: error.code, message: error.message, ...error.body });
        return;
      }
      this.logger.error({ err: error, url: request.url }, 'replication request failed');
      const message = error instanceof Error ? error.message : String(error);
      reply(response, 500, { code: 'Internal', message });
    }
  }

  private async route(method: string, url: URL, request: http.IncomingMessage): Promise<unknown> {
    const path = url.pathname;
    if (method === 'GET' && path === paths.metrics) return this.metrics();
    if (method === 'GET' && path === paths.conflicts) return this.conflicts(url);
    if (method === 'GET' && path.startsWith(`${paths.tables}/`)) {
      return this.describeTable(decodeURIComponent(path.slice(paths.tables.length + 1)));
    }
    if (method !== 'POST') throw new ReplicationError('NotFound', `${method} ${path}`, 404);
    const body = (await readJson(request)) as Record<string, unknown>;
    switch (path) {
      case paths.batch:
        return this.receiver.receive(body as unknown as BatchRequest);
      case paths.backfill:
        return this.applyBackfill(body as unknown as BackfillRequest);
      case paths.createTable:
        return this.createReplicaTable(body.meta as TableMeta);
      case paths.tableMeta:
        return this.adoptMeta(body.meta as TableMeta);
      case paths.deleteTable:
        await this.store.dropTable(String(body.tableName));
        return { ok: true };
      case paths.pause:
        this.pause(pauseRequest(body));
        return this.metrics().pause;
      case paths.resume:
        this.resume();
        return this.metrics().pause;
      default:
        throw new ReplicationError('NotFound', `${method} ${path}`, 404);
    }
  }

  private conflicts(url: URL): unknown {
    const table = url.searchParams.get('table') ?? undefined;
    const limitText = url.searchParams.get('limit');
    const limit = Math.min(maxConflictLimit, Math.max(1, Number(limitText ?? defaultConflictLimit) || 1));
    const conflicts = this.store.conflicts(table === undefined ? { limit } : { table, limit });
    return {
      region: this.store.regionName,
      conflicts: conflicts.map((conflict) => ({
        ...conflict,
        winner: { ...conflict.winner, version: encodeHlc(conflict.winner.version) },
        loser: { ...conflict.loser, version: encodeHlc(conflict.loser.version) },
      })),
    };
  }

  private describeTable(tableName: string): unknown {
    const table = this.store.getTableMeta(tableName);
    if (!table) throw new ReplicationError('TableNotFound', `no table ${tableName}`, 404);
    return { table };
  }

  private async createReplicaTable(source: TableMeta): Promise<unknown> {
    const existing = this.store.getTableMeta(source.TableName);
    if (existing) {
      const sameReplica =
        existing.globalTableVersion !== undefined &&
        existing.replicas?.some((replica) => replica.RegionName === this.store.regionName);
      if (sameReplica) return { ok: true };
      throw new ReplicationError(
        'TableAlreadyExists',
        `${source.TableName} exists in ${this.store.regionName}`,
        409,
      );
    }
    const meta = await replicaTableMeta(this.store, source, this.options.accountId, this.store.wallClockMs());
    await this.store.putTableMeta(meta);
    this.logger.info({ table: meta.TableName }, 'replica table created; waiting for backfill');
    return { ok: true };
  }

  /** A definition another replica changed: adopted without sending it on (the sender tells everyone). */
  private async adoptMeta(incoming: TableMeta): Promise<unknown> {
    // Under the table operations' lock: a local UpdateTimeToLive or settle must not be overwritten.
    const { meta, newIndexes } = await withStoreTableLock(this.store, incoming.TableName, async () => {
      const local = this.store.getTableMeta(incoming.TableName);
      if (!local) throw new ReplicationError('TableNotFound', `no table ${incoming.TableName}`, 404);
      const adopted = await adoptTableMeta(this.store, local, incoming);
      await this.store.putTableMeta(adopted.meta);
      return adopted;
    });
    // Sampled after the meta committed: every later local write goes to the replicas in it.
    const highSequence = this.store.outboundHighSequence();
    if (newIndexes.length > 0) {
      void buildIndexes(this.store, meta.TableName, newIndexes).catch((error: unknown) =>
        this.logger.error({ err: error, table: meta.TableName }, 'index build for a replicated index failed'),
      );
    }
    return { highSequence };
  }

  private async applyBackfill(request: BackfillRequest): Promise<unknown> {
    if (!this.pauseState.canApply()) throw new ReplicationError('ReplicationPaused', 'paused', 503);
    const table = this.store.getTableMeta(request.tableName);
    if (!table) throw new ReplicationError('TableNotFound', `no table ${request.tableName}`, 404);
    const applied = await this.store.transactReplicated((tx) => {
      let count = 0;
      for (const record of request.records) {
        if (tx.applyChange(table, toChangeRecord(record)).outcome === 'applied') count++;
      }
      return count;
    });
    return { applied };
  }
}

function pauseRequest(body: Record<string, unknown>): PauseRequest {
  const request: PauseRequest = {};
  for (const name of ['durationMs', 'continueForMs'] as const) {
    const value = body[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new ReplicationError('BadRequest', `${name} must be a number of milliseconds`, 400);
    }
    request[name] = value;
  }
  if (request.durationMs !== undefined && !(request.durationMs > 0)) {
    throw new ReplicationError('BadRequest', 'durationMs must be positive', 400);
  }
  if (
    request.continueForMs !== undefined &&
    !(request.continueForMs >= 0 && request.continueForMs <= 300_000)
  ) {
    throw new ReplicationError('BadRequest', 'continueForMs must be in [0, 300000]', 400);
  }
  return request;
}

function reply(response: http.ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body ?? {});
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  });
  response.end(payload);
}

function readJson(request: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        reject(new ReplicationError('BadRequest', 'request body too large', 413));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('error', reject);
    request.on('end', () => {
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve(text ? JSON.parse(text) : {});
      } catch {
        reject(new ReplicationError('BadRequest', 'body is not JSON', 400));
      }
    });
  });
}
