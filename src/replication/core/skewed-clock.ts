/**
 * A region's physical clock as an injected Clock: the base clock plus an offset (a jump, or the
 * epoch for a monotonic base) plus a drift rate in parts per million. Game days use `jump` and
 * `setDriftPpm` to skew one region; the hybrid logical clock reads it like any other Clock.
 * Timers are delegated untouched: they measure durations on the host, which skew does not change.
 */
import type { Clock, TimerHandle } from '../../shared/clock.js';

export interface ClockSkew {
  /** Added to the base reading, e.g. `performance.timeOrigin` to turn `performance.now()` into epoch ms. */
  offsetMs: number;
  /** How much faster (positive) or slower this clock runs than the base, in parts per million. */
  driftPpm: number;
}

const ppm = 1_000_000;

export class SkewedClock implements Clock {
  private offsetMs: number;
  private driftPpm: number;
  /** Base reading from which the current drift accumulates. */
  private driftAnchorMs: number;

  constructor(
    private readonly base: Clock,
    skew: Partial<ClockSkew> = {},
  ) {
    this.offsetMs = skew.offsetMs ?? 0;
    this.driftPpm = skew.driftPpm ?? 0;
    this.driftAnchorMs = base.nowMs();
  }

  nowMs(): number {
    const baseMs = this.base.nowMs();
    return baseMs + this.offsetMs + this.accumulatedDriftMs(baseMs);
  }

  /** A step change (NTP correction, VM pause, operator error); negative jumps go backwards. */
  jump(deltaMs: number): void {
    this.offsetMs += deltaMs;
  }

  /** Changes the drift rate from now on; drift already accumulated is kept as offset. */
  setDriftPpm(driftPpm: number): void {
    const baseMs = this.base.nowMs();
    this.offsetMs += this.accumulatedDriftMs(baseMs);
    this.driftAnchorMs = baseMs;
    this.driftPpm = driftPpm;
  }

  /** The current total offset from the base clock and the drift rate. */
  skew(): ClockSkew {
    return { offsetMs: this.nowMs() - this.base.nowMs(), driftPpm: this.driftPpm };
  }

  setTimer(callback: () => void, delayMs: number): TimerHandle {
    return this.base.setTimer(callback, delayMs);
  }

  clearTimer(handle: TimerHandle): void {
    this.base.clearTimer(handle);
  }

  private accumulatedDriftMs(baseMs: number): number {
    return ((baseMs - this.driftAnchorMs) * this.driftPpm) / ppm;
  }
}
