/**
 * Retry schedule for unacknowledged batches: exponential from a base, capped, with jitter drawn
 * from the injected Random so that retries of many pairs spread out yet replay exactly from a seed.
 * The jitter only shortens a delay, so every delay is within [exp × (1 − jitterRatio), exp] ⊆ (0, cap].
 */
import type { Random } from '../../shared/random.js';

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  /** 0 = no jitter, 1 = anywhere between 0 and the exponential delay. */
  jitterRatio: number;
}

export const defaultBackoffPolicy: BackoffPolicy = { baseMs: 100, capMs: 10_000, jitterRatio: 0.5 };

export function assertBackoffPolicy(policy: BackoffPolicy): void {
  const { baseMs, capMs, jitterRatio } = policy;
  if (!(baseMs > 0) || !(capMs >= baseMs) || !Number.isFinite(capMs)) {
    throw new RangeError(`backoff needs 0 < baseMs <= capMs < Infinity, got ${baseMs} and ${capMs}`);
  }
  if (!(jitterRatio >= 0 && jitterRatio <= 1))
    throw new RangeError(`jitterRatio must be in [0, 1]: ${jitterRatio}`);
}

/** The exponential delay before jitter for retry number `attempt` (1 = first retry). */
export function unjitteredBackoffMs(policy: BackoffPolicy, attempt: number): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 60);
  return Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
}

export function backoffDelayMs(policy: BackoffPolicy, attempt: number, random: Random): number {
  const ceilingMs = unjitteredBackoffMs(policy, attempt);
  return ceilingMs * (1 - policy.jitterRatio * random.next());
}
