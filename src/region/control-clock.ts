/**
 * A region's wall clock under the `pangea:clock-skew` fault: real time, plus a jump, plus a drift
 * that accumulates from the fault's start. The region's DynamoDB endpoint reads it for everything
 * that stamps time into data: the store's hybrid logical clock (item versions, so last-writer-wins
 * between regions), stream record times, TTL expiry and the conflict log. The HLC never goes
 * backwards when the skew is removed: it keeps its high-water mark and counts logically on top of
 * it until real time catches up (src/replication/core/hlc.ts).
 */
import type { ClockSkewSetting } from './control-protocol.js';

const partsPerMillion = 1_000_000;

/** Whole epoch milliseconds (like Date.now) of a clock with `skew`, when real time is `realMs`. */
export function skewedNowMs(realMs: number, skew: ClockSkewSetting | null): number {
  if (!skew) return realMs;
  // Drift runs from the fault's start; a start in the future (another host's clock) counts as now.
  const elapsedMs = Math.max(0, realMs - skew.sinceEpochMs);
  return Math.floor(realMs + skew.offsetMs + (elapsedMs * skew.driftPpm) / partsPerMillion);
}

export class RegionWallClock {
  constructor(
    private readonly realNowMs: () => number = Date.now,
    private skew: ClockSkewSetting | null = null,
  ) {}

  nowMs(): number {
    return skewedNowMs(this.realNowMs(), this.skew);
  }

  /** null: real time again. */
  setSkew(skew: ClockSkewSetting | null): void {
    this.skew = skew ? { ...skew } : null;
  }

  currentSkew(): ClockSkewSetting | null {
    return this.skew ? { ...this.skew } : null;
  }
}
