/**
 * Pause and resume of a region's replication, as FIS `aws:dynamodb:global-table-pause-replication`
 * does it: while paused the region neither ships its changes nor applies incoming ones (senders
 * keep them and retry), local writes still commit, and on resume everything continues from the
 * acknowledged watermarks. AWS says replication "may continue for up to 5 minutes after the
 * start"; `continueForMs` models that window, during which replication still flows.
 * Pure: it only reads the injected clock.
 */
import type { Clock } from '../../shared/clock.js';

export type PausePhase = 'running' | 'continuing' | 'paused';

export interface PauseRequest {
  /** How long the pause lasts from its start (including the continue window); omitted = until resume(). */
  durationMs?: number;
  /** Replication keeps flowing this long after the start. */
  continueForMs?: number;
}

/** FIS documents at most five minutes of continued replication. */
export const maxContinueForMs = 5 * 60_000;

interface ActivePause {
  startedAtMs: number;
  continueUntilMs: number;
  endsAtMs: number;
}

export class ReplicationPause {
  private active: ActivePause | null = null;

  constructor(private readonly clock: Clock) {}

  pause(request: PauseRequest = {}): void {
    const continueForMs = request.continueForMs ?? 0;
    const durationMs = request.durationMs ?? Number.POSITIVE_INFINITY;
    if (!(continueForMs >= 0 && continueForMs <= maxContinueForMs)) {
      throw new RangeError(`continueForMs must be in [0, ${maxContinueForMs}]: ${continueForMs}`);
    }
    if (!(durationMs > 0)) throw new RangeError(`durationMs must be positive: ${durationMs}`);
    const startedAtMs = this.clock.nowMs();
    this.active = {
      startedAtMs,
      continueUntilMs: startedAtMs + Math.min(continueForMs, durationMs),
      endsAtMs: startedAtMs + durationMs,
    };
  }

  resume(): void {
    this.active = null;
  }

  phase(): PausePhase {
    const active = this.active;
    if (!active) return 'running';
    const nowMs = this.clock.nowMs();
    if (nowMs >= active.endsAtMs) {
      this.active = null;
      return 'running';
    }
    return nowMs < active.continueUntilMs ? 'continuing' : 'paused';
  }

  canSend(): boolean {
    return this.phase() !== 'paused';
  }

  canApply(): boolean {
    return this.phase() !== 'paused';
  }

  /** When the current pause ends by itself (null if none or open-ended). */
  endsAtMs(): number | null {
    if (this.phase() === 'running') return null;
    const endsAtMs = this.active!.endsAtMs;
    return Number.isFinite(endsAtMs) ? endsAtMs : null;
  }
}
