/**
 * Runs faults in the world controller: applies a planned fault, undoes it when its duration is
 * over (on the injected clock) or when stopped early, and keeps a record of every fault with its
 * start, end and undo. Link faults overlap correctly: each link direction touched by a fault keeps
 * its values from before the first fault, and its current values are recomputed from those plus
 * every active fault, so the last undo restores the exact previous values.
 *
 * Region-level faults (every action with a region except the link faults) follow one conflict
 * rule, checked before anything is applied (409 FaultConflict):
 *  - two faults of the same kind on one region conflict (one stop-task, one clock skew, ... each);
 *  - `pangea:region-outage` conflicts with every other region-level fault on its region, either
 *    way round: a dead region can't take a fault, and its undo (a fresh start) would end others.
 * Faults of different kinds on one region combine (e.g. a clock skew during a replication pause).
 * Link faults never conflict; they stack as described above.
 *
 * Region-side faults (stop-task, disrupt-connectivity, clock skew) change the region's desired
 * control state in the supervisor, which applies it in the region process and again whenever the
 * process restarts; health-check flapping is a probe override in the controller's traffic layer.
 */
import type { Clock, TimerHandle } from '../../shared/clock.js';
import { errorMessage, PangeaError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { LinkParams } from '../../wan/model.js';
import {
  describeUndo,
  type FaultPlan,
  type FaultRequest,
  type FaultWorldFacts,
  isRegionEffect,
  type LinkDelta,
  planFault,
  type RegionEffect,
} from './catalogue.js';

/** The parts of the WAN fabric a fault uses. */
export interface FaultFabric {
  getLink(from: string, to: string): LinkParams;
  setLink(from: string, to: string, change: Partial<Omit<LinkParams, 'partitioned'>>): unknown;
  partition(a: string, b: string, oneWay: boolean): unknown;
  healLink(from: string, to: string): unknown;
}

/** The control state fields the runner changes (src/region/control-protocol.ts). */
export interface FaultControlChange {
  stoppedAppInstances?: number | 'all';
  dynamodbDisrupted?: boolean;
  clockSkew?: { offsetMs: number; driftPpm: number; sinceEpochMs: number } | null;
}

export interface FaultSupervisor {
  kill(region: string): Promise<unknown>;
  start(region: string): Promise<unknown>;
  /** Changes a region's desired control state; resolves once a running region applied it. */
  setControl(region: string, change: FaultControlChange): Promise<unknown>;
}

/** The controller's traffic layer: health-check probe overrides. */
export interface FaultTraffic {
  startHealthCheckFlapping(region: string, periodMs: number): void;
  stopHealthCheckFlapping(region: string): void;
}

export interface FaultReplication {
  pause(region: string, request: { durationMs?: number }): Promise<unknown>;
  resume(region: string): Promise<unknown>;
}

export type FaultState = 'active' | 'completed' | 'stopped' | 'failed';

export interface FaultRecord {
  id: string;
  action: string;
  parameters: Record<string, string | number>;
  durationMs: number;
  state: FaultState;
  startedAt: string;
  /** When the duration runs out (planned end). */
  endsAt: string;
  /** When the fault was actually undone (or failed); null while active. */
  endedAt: string | null;
  undo: string;
  /** Why it failed to apply or to undo. */
  error: string | null;
}

export interface FaultRunnerOptions {
  clock: Clock;
  /** Wall-clock epoch milliseconds for the records (default Date.now). */
  now?: () => number;
  regions: readonly string[];
  fabric: FaultFabric;
  supervisor: FaultSupervisor;
  replication: FaultReplication;
  traffic: FaultTraffic;
  /** What validation knows of the world besides region names (app instances per region). */
  facts?: FaultWorldFacts;
  logger?: Logger;
  maxActive?: number;
  /** Ended faults kept in the record (oldest dropped first). */
  historyLimit?: number;
}

interface ActiveFault {
  record: FaultRecord;
  plan: FaultPlan;
  timer: TimerHandle | undefined;
  undoing: Promise<FaultRecord> | undefined;
}

interface LinkStack {
  from: string;
  to: string;
  base: Pick<LinkParams, 'latencyMs' | 'jitterMs' | 'lossPct' | 'partitioned'>;
  deltas: Map<string, LinkDelta>;
}

export const defaultMaxActiveFaults = 20;

export class FaultRunner {
  private readonly records: FaultRecord[] = [];
  private readonly active = new Map<string, ActiveFault>();
  private readonly links = new Map<string, LinkStack>();
  /** Region-level effects of active faults, by fault id (see the conflict rule above). */
  private readonly heldRegions = new Map<string, RegionEffect>();
  private nextId = 1;
  private readonly now: () => number;

  constructor(private readonly options: FaultRunnerOptions) {
    this.now = options.now ?? Date.now;
  }

  list(): FaultRecord[] {
    return this.records.map((record) => ({ ...record }));
  }

  get(id: string): FaultRecord {
    const record = this.records.find((candidate) => candidate.id === id);
    if (!record) throw new PangeaError('UnknownFault', `unknown fault "${id}"`);
    return { ...record };
  }

  async inject(request: FaultRequest): Promise<FaultRecord> {
    const plan = planFault(request, this.options.regions, this.options.facts);
    const maxActive = this.options.maxActive ?? defaultMaxActiveFaults;
    if (this.active.size >= maxActive)
      throw new PangeaError('TooManyFaults', `at most ${maxActive} faults can be active; stop one first`);
    for (const effect of plan.effects) {
      if (!isRegionEffect(effect)) continue;
      const holder = [...this.heldRegions].find(([, held]) => regionEffectsConflict(held, effect));
      if (holder) {
        const [holderId, held] = holder;
        const holderAction = this.active.get(holderId)?.plan.action ?? held.kind;
        throw new PangeaError(
          'FaultConflict',
          `${effect.region} is already under fault ${holderId} (${holderAction}); ${
            held.kind === effect.kind
              ? 'one fault of a kind per region'
              : 'a region outage excludes every other region fault'
          }; stop it first`,
        );
      }
    }
    const id = `fault-${this.nextId++}`;
    const startMs = this.now();
    const record: FaultRecord = {
      id,
      action: plan.action,
      parameters: plan.parameters,
      durationMs: plan.durationMs,
      state: 'active',
      startedAt: new Date(startMs).toISOString(),
      endsAt: new Date(startMs + plan.durationMs).toISOString(),
      endedAt: null,
      undo: describeUndo(plan),
      error: null,
    };
    this.remember(record);
    const fault: ActiveFault = { record, plan, timer: undefined, undoing: undefined };
    this.active.set(id, fault);
    try {
      await this.apply(fault);
    } catch (error) {
      // Whatever part was applied is taken back; the fault is recorded as failed.
      await this.revert(fault).catch(() => undefined);
      this.finish(fault, 'failed', errorMessage(error));
      throw error;
    }
    fault.timer = this.options.clock.setTimer(() => void this.undo(fault, 'completed'), plan.durationMs);
    this.options.logger?.warn({ fault: record }, 'fault injected');
    return { ...record };
  }

  /** Stops a fault early: undoes it now. Stopping an ended fault answers its record. */
  async stop(id: string): Promise<FaultRecord> {
    const fault = this.active.get(id);
    if (!fault) return this.get(id);
    return this.undo(fault, 'stopped');
  }

  /** Forgets pending timers (the world is stopping and takes its links and regions with it). */
  close(): void {
    for (const fault of this.active.values()) if (fault.timer) this.options.clock.clearTimer(fault.timer);
  }

  private undo(fault: ActiveFault, state: 'completed' | 'stopped'): Promise<FaultRecord> {
    fault.undoing ??= (async () => {
      if (fault.timer) this.options.clock.clearTimer(fault.timer);
      try {
        await this.revert(fault);
        this.finish(fault, state, null);
      } catch (error) {
        this.finish(fault, 'failed', `undo failed: ${errorMessage(error)}`);
      }
      this.options.logger?.info({ fault: fault.record }, 'fault ended');
      return { ...fault.record };
    })();
    return fault.undoing;
  }

  private finish(fault: ActiveFault, state: FaultState, error: string | null): void {
    fault.record.state = state;
    fault.record.error = error;
    fault.record.endedAt = new Date(this.now()).toISOString();
    this.active.delete(fault.record.id);
    this.heldRegions.delete(fault.record.id);
  }

  private remember(record: FaultRecord): void {
    this.records.push(record);
    const limit = (this.options.historyLimit ?? 200) + (this.options.maxActive ?? defaultMaxActiveFaults);
    while (this.records.length > limit) {
      const index = this.records.findIndex((candidate) => candidate.state !== 'active');
      if (index < 0) break;
      this.records.splice(index, 1);
    }
  }

  private async apply(fault: ActiveFault): Promise<void> {
    const { fabric, supervisor, replication, traffic } = this.options;
    const id = fault.record.id;
    const startedAtMs = Date.parse(fault.record.startedAt);
    for (const effect of fault.plan.effects) {
      if (effect.kind === 'link') {
        const key = `${effect.from}->${effect.to}`;
        let stack = this.links.get(key);
        if (!stack) {
          const { latencyMs, jitterMs, lossPct, partitioned } = fabric.getLink(effect.from, effect.to);
          stack = {
            from: effect.from,
            to: effect.to,
            base: { latencyMs, jitterMs, lossPct, partitioned },
            deltas: new Map(),
          };
          this.links.set(key, stack);
        }
        stack.deltas.set(id, effect.delta);
        this.recompute(key, stack);
      } else if (effect.kind === 'pause-replication') {
        this.heldRegions.set(id, effect);
        await replication.pause(effect.region, { durationMs: fault.plan.durationMs });
      } else if (effect.kind === 'region-outage') {
        this.heldRegions.set(id, effect);
        await supervisor.kill(effect.region);
      } else if (effect.kind === 'stop-app-instances') {
        this.heldRegions.set(id, effect);
        await supervisor.setControl(effect.region, { stoppedAppInstances: effect.instances });
      } else if (effect.kind === 'disrupt-dynamodb') {
        this.heldRegions.set(id, effect);
        await supervisor.setControl(effect.region, { dynamodbDisrupted: true });
      } else if (effect.kind === 'clock-skew') {
        this.heldRegions.set(id, effect);
        const { offsetMs, driftPpm } = effect;
        // Drift accumulates from the fault's start, also across restarts of the region.
        await supervisor.setControl(effect.region, {
          clockSkew: { offsetMs, driftPpm, sinceEpochMs: startedAtMs },
        });
      } else if (effect.kind === 'health-check-flapping') {
        this.heldRegions.set(id, effect);
        traffic.startHealthCheckFlapping(effect.region, effect.periodMs);
      }
    }
  }

  private async revert(fault: ActiveFault): Promise<void> {
    const id = fault.record.id;
    for (const effect of fault.plan.effects) {
      if (effect.kind === 'link') {
        const key = `${effect.from}->${effect.to}`;
        const stack = this.links.get(key);
        if (stack?.deltas.delete(id)) this.recompute(key, stack);
        continue;
      }
      // Only what this fault applied is taken back (a failed apply may have stopped half-way).
      if (this.heldRegions.get(id) !== effect) continue;
      const { supervisor, replication, traffic } = this.options;
      if (effect.kind === 'pause-replication') await replication.resume(effect.region);
      else if (effect.kind === 'region-outage') await supervisor.start(effect.region);
      else if (effect.kind === 'stop-app-instances')
        await supervisor.setControl(effect.region, { stoppedAppInstances: 0 });
      else if (effect.kind === 'disrupt-dynamodb')
        await supervisor.setControl(effect.region, { dynamodbDisrupted: false });
      else if (effect.kind === 'clock-skew') await supervisor.setControl(effect.region, { clockSkew: null });
      else if (effect.kind === 'health-check-flapping') traffic.stopHealthCheckFlapping(effect.region);
    }
  }

  /** Link values = values before the first fault + every active fault's delta; base when none is left. */
  private recompute(key: string, stack: LinkStack): void {
    const { fabric } = this.options;
    const deltas = [...stack.deltas.values()];
    const sum = (field: 'latencyMs' | 'jitterMs' | 'lossPct') =>
      deltas.reduce((total, delta) => total + delta[field], stack.base[field]);
    fabric.setLink(stack.from, stack.to, {
      latencyMs: sum('latencyMs'),
      jitterMs: sum('jitterMs'),
      lossPct: Math.min(100, sum('lossPct')),
    });
    const partitioned = stack.base.partitioned || deltas.some((delta) => delta.partitioned);
    const current = fabric.getLink(stack.from, stack.to).partitioned;
    if (partitioned && !current) fabric.partition(stack.from, stack.to, true);
    if (!partitioned && current) fabric.healLink(stack.from, stack.to);
    if (deltas.length === 0) this.links.delete(key);
  }
}

/** The conflict rule (see the file comment): same kind on one region, or an outage with anything there. */
export function regionEffectsConflict(held: RegionEffect, wanted: RegionEffect): boolean {
  if (held.region !== wanted.region) return false;
  return held.kind === wanted.kind || held.kind === 'region-outage' || wanted.kind === 'region-outage';
}
