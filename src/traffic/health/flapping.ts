/**
 * Health-check flapping (the `pangea:health-check-flapping` fault): while a region flaps, its
 * health-check probes alternately fail and run for real, switching every period, first failing.
 * The health status then flaps by the checks' own rules (Route 53's FailureThreshold per checker
 * and the 18% rule, the accelerator's ThresholdCount), so a period shorter than a check's
 * threshold × interval is absorbed, as it would be on AWS. In the real half probes are not forced
 * to succeed: a region that is really down stays down.
 *
 * The schedule is read by probe overrides the traffic layer injects into the Route 53 checker and
 * the accelerator's health monitor; nothing is patched. Time comes from the injected clock.
 */
import type { Clock } from '../../shared/clock.js';

export interface FlappingRegion {
  region: string;
  periodMs: number;
  /** Clock reading when flapping started (phase 0, failing). */
  sinceMs: number;
}

/** Route 53's wording for an endpoint that did not answer, marked as injected. */
export const flappingFailureStatus =
  'Failure: Connection timed out. (injected by pangea:health-check-flapping)';

export class HealthCheckFlapping {
  private readonly regions = new Map<string, FlappingRegion>();

  constructor(private readonly clock: Pick<Clock, 'nowMs'>) {}

  /** Starts (or restarts, in the failing phase) flapping for a region. */
  start(region: string, periodMs: number): void {
    if (!Number.isFinite(periodMs) || periodMs <= 0) throw new RangeError('periodMs must be positive');
    this.regions.set(region, { region, periodMs, sinceMs: this.clock.nowMs() });
  }

  stop(region: string): void {
    this.regions.delete(region);
  }

  /** True while the region's probes are in a failing half-period. */
  failing(region: string): boolean {
    const flapping = this.regions.get(region);
    if (!flapping) return false;
    const elapsedMs = Math.max(0, this.clock.nowMs() - flapping.sinceMs);
    return Math.floor(elapsedMs / flapping.periodMs) % 2 === 0;
  }

  list(): FlappingRegion[] {
    return [...this.regions.values()].map((flapping) => ({ ...flapping }));
  }
}
