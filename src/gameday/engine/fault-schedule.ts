/**
 * Carries out a scenario's steps: each fault is injected through the admin API at its offset from
 * the start of load, the surviving regions are read right after a fault that cuts a region's data
 * off (for the recovery point), and each fault's end is taken from the world's own record. Faults
 * still active when the load ends are stopped, so the world is whole again before the final reads.
 */
import { errorMessage } from '../../shared/errors.js';
import type { FaultRecord } from '../faults/runner.js';
import type { FaultEvent, ScenarioStep } from '../model.js';
import type { WorldAdmin } from './admin.js';

/** Faults after which the other regions may lack the region's acknowledged writes. */
const dataIsolatingActions = new Set([
  'pangea:region-outage',
  'aws:network:route-table-disrupt-cross-region-connectivity',
  'aws:dynamodb:global-table-pause-replication',
]);

export type SurvivorSnapshot = (
  survivors: string[],
) => Promise<{ tMs: number; sets: Record<string, string[]> }>;

export interface FaultScheduleOptions {
  admin: WorldAdmin;
  steps: ScenarioStep[];
  regions: string[];
  /** Run-relative milliseconds. */
  nowMs: () => number;
  /** Epoch milliseconds of run time 0, to place the world's ISO timestamps on the run's clock. */
  epochAtZeroMs: number;
  snapshot: SurvivorSnapshot;
  onEvent?: (event: FaultEvent, phase: 'started' | 'ended' | 'failed') => void;
}

export class FaultSchedule {
  private readonly events: FaultEvent[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly options: FaultScheduleOptions) {}

  start(): void {
    for (const step of this.options.steps) {
      const delayMs = Math.max(0, step.atMs - this.options.nowMs());
      this.timers.push(setTimeout(() => this.track(this.inject(step)), delayMs));
    }
  }

  list(): FaultEvent[] {
    return this.events.map((event) => ({ ...event }));
  }

  active(): FaultEvent[] {
    return this.events.filter((event) => event.faultId !== null && event.endMs === null);
  }

  /** Updates fault ends from the world's records. */
  refresh(records: FaultRecord[]): void {
    for (const event of this.active()) {
      const record = records.find((candidate) => candidate.id === event.faultId);
      if (!record || record.state === 'active' || !record.endedAt) continue;
      this.markEnded(event, Date.parse(record.endedAt) - this.options.epochAtZeroMs, record.error);
    }
  }

  /** Cancels steps not started yet, waits for injections under way, and stops every active fault. */
  async stopAll(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    await Promise.all([...this.pending]);
    for (const event of this.active()) {
      try {
        const record = await this.options.admin.stopFault(event.faultId ?? '');
        const endedMs = record.endedAt ? Date.parse(record.endedAt) - this.options.epochAtZeroMs : null;
        this.markEnded(event, endedMs ?? this.options.nowMs(), record.error);
      } catch (error) {
        this.markEnded(event, this.options.nowMs(), `stop failed: ${errorMessage(error)}`);
      }
    }
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  private markEnded(event: FaultEvent, endMs: number, error: string | null): void {
    event.endMs = Math.max(event.startMs, endMs);
    if (error) event.error = error;
    this.options.onEvent?.(event, 'ended');
  }

  private async inject(step: ScenarioStep): Promise<void> {
    const { admin, regions, nowMs } = this.options;
    const target = typeof step.parameters.region === 'string' ? step.parameters.region : null;
    const event: FaultEvent = {
      step: step.name,
      action: step.action,
      parameters: step.parameters,
      faultId: null,
      scheduledMs: step.atMs,
      startMs: nowMs(),
      endMs: null,
      regions: target ? [target] : [],
      survivorSets: null,
      error: null,
    };
    this.events.push(event);
    try {
      const record = await admin.injectFault(step.action, step.parameters, step.durationMs);
      event.faultId = record.id;
      event.parameters = record.parameters;
      this.options.onEvent?.(event, 'started');
    } catch (error) {
      event.error = errorMessage(error);
      event.endMs = event.startMs;
      this.options.onEvent?.(event, 'failed');
      return;
    }
    if (target && dataIsolatingActions.has(step.action)) {
      const survivors = regions.filter((region) => region !== target);
      event.survivorSets = await this.options.snapshot(survivors).catch(() => null);
    }
  }
}
