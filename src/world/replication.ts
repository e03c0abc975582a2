/**
 * The world controller's view of global-table replication: it polls each running region's
 * replication endpoint (`/replication/v1/metrics`) once a second and keeps the latest answer, so
 * `status` stays synchronous and cheap, and forwards pause/resume and conflict reads to regions.
 * Per pair source → destination, AWS's CloudWatch metrics come from two sides: PendingReplicationCount
 * from the source's outbound log and ReplicationLatency from the destination's arrivals.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html
 */
import { PangeaError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { RegionSpec, Topology } from './topology/types.js';

const pollIntervalMs = 1_000;
const requestTimeoutMs = 800;
const conflictLimitMax = 1_000;

interface RegionMetrics {
  region: string;
  atMs: number;
  pause: { phase: string; endsAtMs: number | null };
  outboundHighSequence: number;
  outbound: Array<{
    destination: string;
    pendingReplicationCount: number;
    ackedSequence: number;
    lastAckAtMs: number | null;
    lastError: string | null;
  }>;
  inbound: Array<{
    source: string;
    appliedSequence: number;
    replicationLatency: { averageMs: number | null; maxMs: number | null; sampleCount: number };
  }>;
  appliedTotal: number;
  conflictTotal: number;
}

/** One directed pair in `pangea status`: null where the side that measures it is not reachable. */
export interface ReplicationPairStatus {
  source: string;
  destination: string;
  replicationLatencyMs: { average: number | null; max: number | null } | null;
  pendingReplicationCount: number | null;
  lastError: string | null;
}

export interface ReplicationStatus {
  regions: Array<{
    name: string;
    reachable: boolean;
    pause: string | null;
    pauseEndsAt: string | null;
    conflicts: number | null;
  }>;
  pairs: ReplicationPairStatus[];
}

export interface ConflictEntry {
  region: string;
  table: string;
  key: Record<string, unknown>;
  winner: Record<string, unknown>;
  loser: Record<string, unknown>;
  detectedAtRegion: string;
  detectedAtMs: number;
}

export class ReplicationMonitor {
  private readonly latest = new Map<string, RegionMetrics>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    private readonly topology: Topology,
    private readonly isRunning: (region: string) => boolean,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.poll(), pollIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  status(): ReplicationStatus {
    const regions = this.topology.regions.map(({ name }) => {
      const metrics = this.isRunning(name) ? this.latest.get(name) : undefined;
      return {
        name,
        reachable: metrics !== undefined,
        pause: metrics?.pause.phase ?? null,
        pauseEndsAt: metrics?.pause.endsAtMs ? new Date(metrics.pause.endsAtMs).toISOString() : null,
        conflicts: metrics?.conflictTotal ?? null,
      };
    });
    return { regions, pairs: this.pairs() };
  }

  async pause(region: string, body: { durationMs?: number; continueForMs?: number }): Promise<unknown> {
    return this.call(this.spec(region), 'POST', '/pause', body);
  }

  async resume(region: string): Promise<unknown> {
    return this.call(this.spec(region), 'POST', '/resume', {});
  }

  /** Conflicts recorded by one region, or by every running region (newest first). */
  async conflicts(options: { region?: string; table?: string; limit?: number }): Promise<ConflictEntry[]> {
    const limit = Math.min(conflictLimitMax, Math.max(1, options.limit ?? 100));
    const regions = options.region ? [this.spec(options.region)] : this.topology.regions;
    const query = `?limit=${limit}${options.table ? `&table=${encodeURIComponent(options.table)}` : ''}`;
    const answers = await Promise.all(
      regions
        .filter((spec) => options.region !== undefined || this.isRunning(spec.name))
        .map(async (spec) => {
          const answer = (await this.call(spec, 'GET', `/conflicts${query}`)) as {
            conflicts: Omit<ConflictEntry, 'region'>[];
          };
          return answer.conflicts.map((conflict) => ({ region: spec.name, ...conflict }));
        }),
    );
    return answers
      .flat()
      .sort((a, b) => b.detectedAtMs - a.detectedAtMs)
      .slice(0, limit);
  }

  private pairs(): ReplicationPairStatus[] {
    const pairs: ReplicationPairStatus[] = [];
    for (const source of this.topology.regions) {
      for (const destination of this.topology.regions) {
        if (source === destination) continue;
        const outbound = this.running(source.name)?.outbound.find((o) => o.destination === destination.name);
        const inbound = this.running(destination.name)?.inbound.find((i) => i.source === source.name);
        const latency = inbound?.replicationLatency;
        pairs.push({
          source: source.name,
          destination: destination.name,
          replicationLatencyMs: latency ? { average: latency.averageMs, max: latency.maxMs } : null,
          pendingReplicationCount: outbound?.pendingReplicationCount ?? null,
          lastError: outbound?.lastError ?? null,
        });
      }
    }
    return pairs;
  }

  private running(region: string): RegionMetrics | undefined {
    return this.isRunning(region) ? this.latest.get(region) : undefined;
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      await Promise.all(
        this.topology.regions.map(async (spec) => {
          if (!this.isRunning(spec.name)) return void this.latest.delete(spec.name);
          try {
            this.latest.set(spec.name, (await this.call(spec, 'GET', '/metrics')) as RegionMetrics);
          } catch (error) {
            this.latest.delete(spec.name);
            this.logger.debug({ region: spec.name, err: error }, 'replication metrics unavailable');
          }
        }),
      );
    } finally {
      this.polling = false;
    }
  }

  private spec(region: string): RegionSpec {
    const spec = this.topology.regions.find((candidate) => candidate.name === region);
    if (!spec) throw new PangeaError('UnknownRegion', `unknown region "${region}"`);
    return spec;
  }

  /** The region's replication endpoint, reached directly (the controller is not in any region). */
  private async call(spec: RegionSpec, method: string, path: string, body?: unknown): Promise<unknown> {
    const url = `http://${spec.address}:${spec.services.replication.port}/replication/v1${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
    } catch {
      throw new PangeaError('RegionUnavailable', `${spec.name}: the replication endpoint does not answer`);
    }
    const payload = (await response.json().catch(() => ({}))) as { code?: string; message?: string };
    if (!response.ok) {
      throw new PangeaError(
        payload.code ?? 'ReplicationError',
        `${spec.name}: ${payload.message ?? `replication endpoint answered ${response.status}`}`,
      );
    }
    return payload;
  }
}
