/**
 * Writes this region's heartbeat every interval and reads everyone's from the local replica, so
 * every page can show how far behind the other regions' data is. When a peer's heartbeat looks
 * stale, the peer's own copy is read directly (at most every few seconds) to tell "replication into
 * this region lags" (a problem here) from "the peer is down" (not a problem here).
 */
import type { Logger } from 'pino';
import type { AppConfig } from './config.js';
import type { DynamoClients } from './dynamo.js';
import { errorName } from './errors.js';
import { type Heartbeat, lagReasons, type PeerLag, type PeerProbe, peerLags } from './lag.js';
import type { HeartbeatRepository } from './repositories/heartbeat.js';

export interface ReplicationSnapshot {
  /** When the local replica was last read successfully (epoch ms), null before the first read. */
  readAtMs: number | null;
  peers: PeerLag[];
  lastError: string | null;
}

const probeEveryMs = 3000;
const callTimeoutMs = 1000;

export class ReplicationMonitor {
  private heartbeats: Heartbeat[] = [];
  private readonly probes = new Map<string, PeerProbe>();
  private readAtMs: number | null = null;
  private lastError: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly clients: DynamoClients,
    private readonly repository: HeartbeatRepository,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    const tick = () => {
      this.running = this.beat().finally(() => {
        this.running = null;
        if (this.timer) this.timer = setTimeout(tick, this.config.heartbeatIntervalMs);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  peers(): string[] {
    return this.config.regions.filter((region) => region !== this.config.region);
  }

  snapshot(): ReplicationSnapshot {
    const nowMs = this.now();
    const lags = peerLags(this.heartbeats, this.peers(), nowMs, this.config.heartbeatIntervalMs).map(
      (peer) => {
        const probe = this.probes.get(peer.region);
        return probe ? { ...peer, probe } : peer;
      },
    );
    return { readAtMs: this.readAtMs, peers: lags, lastError: this.lastError };
  }

  /** Reasons the replication lag makes this region unhealthy (empty when it's fine). */
  lagProblems(): string[] {
    const written = new Map(this.heartbeats.map((beat) => [beat.region, beat.writtenAtMs]));
    return lagReasons(this.snapshot().peers, this.config.maxReplicationLagMs, written);
  }

  private async beat(): Promise<void> {
    const doc = this.clients.local().doc;
    try {
      const beat = {
        region: this.config.region,
        writtenAtMs: this.now(),
        instanceId: this.config.instanceId,
      };
      await this.repository.write(doc, beat, AbortSignal.timeout(callTimeoutMs));
      this.heartbeats = await this.repository.readAll(doc, AbortSignal.timeout(callTimeoutMs));
      this.readAtMs = this.now();
      this.lastError = null;
      await this.probeStalePeers();
    } catch (error) {
      const name = errorName(error);
      if (this.lastError !== name) this.logger.warn({ error: name }, 'heartbeat failed');
      this.lastError = name;
    }
  }

  private async probeStalePeers(): Promise<void> {
    const nowMs = this.now();
    const stale = this.snapshot().peers.filter(
      (peer) => peer.estimatedLagMs !== null && peer.estimatedLagMs > this.config.maxReplicationLagMs,
    );
    await Promise.all(
      stale
        .filter((peer) => nowMs - (this.probes.get(peer.region)?.checkedAtMs ?? 0) >= probeEveryMs)
        .map((peer) => this.probe(peer.region)),
    );
    for (const region of this.probes.keys()) {
      if (!stale.some((peer) => peer.region === region)) this.probes.delete(region);
    }
  }

  private async probe(region: string): Promise<void> {
    const doc = this.clients.forRegion(region).doc;
    try {
      const own = await this.repository.read(doc, region, true, AbortSignal.timeout(callTimeoutMs));
      this.probes.set(region, {
        outcome: 'reachable',
        peerWrittenAtMs: own?.writtenAtMs ?? null,
        checkedAtMs: this.now(),
      });
    } catch (error) {
      this.probes.set(region, { outcome: 'unreachable', error: errorName(error), checkedAtMs: this.now() });
    }
  }
}
