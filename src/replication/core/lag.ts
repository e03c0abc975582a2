/**
 * ReplicationLatency per source → destination pair: arrival time at the destination minus the
 * original write time at the source, averaged (and maxed) over a sliding window that is bounded
 * both in age and in sample count, so memory stays fixed however fast writes arrive.
 * Samples use the two regions' own clocks, as AWS does; a skewed clock shows up as lag (never below 0).
 */

export interface LagWindowLimits {
  /** Samples older than this are ignored (CloudWatch reports per period). */
  windowMs: number;
  /** At most this many most recent samples are kept. */
  maxSamples: number;
}

export interface LagStats {
  sampleCount: number;
  lagMsAverage: number | null;
  lagMsMax: number | null;
}

export const defaultLagWindowLimits: LagWindowLimits = { windowMs: 60_000, maxSamples: 1024 };
const maxSamplesLimit = 1_000_000;

/** A ring buffer of (arrivedAtMs, lagMs) samples. */
export class LagWindow {
  private readonly arrivedAtMs: Float64Array;
  private readonly lagMs: Float64Array;
  private next = 0;
  private size = 0;

  constructor(readonly limits: LagWindowLimits = defaultLagWindowLimits) {
    const { windowMs, maxSamples } = limits;
    if (!(windowMs > 0) || !Number.isInteger(maxSamples) || maxSamples < 1 || maxSamples > maxSamplesLimit) {
      throw new RangeError(`lag window needs windowMs > 0 and 1 <= maxSamples <= ${maxSamplesLimit}`);
    }
    this.arrivedAtMs = new Float64Array(maxSamples);
    this.lagMs = new Float64Array(maxSamples);
  }

  record(committedAtMs: number, arrivedAtMs: number): void {
    this.arrivedAtMs[this.next] = arrivedAtMs;
    this.lagMs[this.next] = Math.max(0, arrivedAtMs - committedAtMs);
    this.next = (this.next + 1) % this.limits.maxSamples;
    this.size = Math.min(this.size + 1, this.limits.maxSamples);
  }

  stats(nowMs: number): LagStats {
    const oldestMs = nowMs - this.limits.windowMs;
    let count = 0;
    let sum = 0;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < this.size; i++) {
      if (this.arrivedAtMs[i]! < oldestMs) continue;
      const lag = this.lagMs[i]!;
      count++;
      sum += lag;
      max = Math.max(max, lag);
    }
    if (count === 0) return { sampleCount: 0, lagMsAverage: null, lagMsMax: null };
    return { sampleCount: count, lagMsAverage: sum / count, lagMsMax: max };
  }
}

export class ReplicationLagStats {
  private readonly windows = new Map<string, LagWindow>();

  constructor(private readonly limits: LagWindowLimits = defaultLagWindowLimits) {}

  record(source: string, destination: string, committedAtMs: number, arrivedAtMs: number): void {
    const pairKey = `${source}\u0000${destination}`;
    let window = this.windows.get(pairKey);
    if (!window) {
      window = new LagWindow(this.limits);
      this.windows.set(pairKey, window);
    }
    window.record(committedAtMs, arrivedAtMs);
  }

  stats(source: string, destination: string, nowMs: number): LagStats {
    const window = this.windows.get(`${source}\u0000${destination}`);
    return window ? window.stats(nowMs) : { sampleCount: 0, lagMsAverage: null, lagMsMax: null };
  }
}
