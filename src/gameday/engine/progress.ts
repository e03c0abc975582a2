/** Progress lines while a game day runs: one every few seconds, plus one per fault starting or ending. */
import { percentile, sortNumbers } from '../check/stats.js';
import type { FaultEvent, OpRecord, Scenario, WorldSample } from '../model.js';

const everyMs = 2_000;
const windowMs = 2_000;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

export class ProgressReporter {
  private lastTickMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly scenario: Scenario,
    private readonly nowMs: () => number,
    private readonly write: ((line: string) => void) | undefined,
  ) {}

  line(text: string): void {
    this.write?.(`[${seconds(this.nowMs()).padStart(6)}] ${text}`);
  }

  fault(event: FaultEvent, phase: 'started' | 'ended' | 'failed'): void {
    const what = `${event.step} (${event.action}${event.regions.length > 0 ? ` ${event.regions.join(', ')}` : ''})`;
    if (phase === 'failed') this.line(`fault ${what} could not be injected: ${event.error ?? ''}`);
    else this.line(`fault ${what} ${phase}`);
  }

  /** Success rate and p99 over the last couple of seconds, and the worst replication lag. */
  tick(ops: OpRecord[], sample: WorldSample | undefined): void {
    const now = this.nowMs();
    if (now - this.lastTickMs < everyMs) return;
    this.lastTickMs = now;
    const recent = ops.filter((op) => op.endMs >= now - windowMs);
    const ok = recent.filter((op) => op.ok);
    const rate = recent.length > 0 ? `${((ok.length / recent.length) * 100).toFixed(1)}% ok` : 'no ops';
    const p99 = percentile(sortNumbers(ok.map((op) => op.endMs - op.startMs)), 99);
    const lags = Object.values(sample?.regions ?? {})
      .map((region) => region.replicationLagMs)
      .filter((lag): lag is number => lag !== null);
    const down = Object.entries(sample?.regions ?? {})
      .filter(([, region]) => !region.running || region.healthy === false)
      .map(([name]) => name);
    const parts = [
      `${seconds(Math.min(now, this.scenario.durationMs))}/${seconds(this.scenario.durationMs)}`,
      `${ops.length} ops`,
      rate,
      p99 === null ? 'p99 -' : `p99 ${Math.round(p99)} ms`,
      lags.length > 0 ? `lag max ${Math.round(Math.max(...lags))} ms` : 'lag -',
      down.length > 0 ? `down/unhealthy: ${down.join(', ')}` : 'all regions healthy',
    ];
    this.line(parts.join(' | '));
  }
}
