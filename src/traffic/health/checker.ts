/**
 * Runs Route 53 health checks the way Route 53 decides them
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html):
 *  - every endpoint check is probed from several checker locations, each on its own schedule
 *    (staggered: Route 53's checkers do not coordinate);
 *  - each checker changes its view only after FailureThreshold consecutive results the other way;
 *  - the endpoint is healthy when MORE than 18% of the checkers see it healthy;
 *  - a new check counts as healthy until there is data; Disabled = healthy; Inverted swaps;
 *  - CALCULATED: healthy when at least HealthThreshold children are healthy (0 = always healthy,
 *    more than the children = never).
 * Time and randomness are injected (ManualClock and a seeded Random in tests). Memory is bounded:
 * per check the last observation per checker and the last `historyLimit` status changes; probes
 * are bounded by `maxConcurrentProbes`, and a checker never has two probes queued or in flight.
 */
import { type Clock, systemClock, type TimerHandle } from '../../shared/clock.js';
import { errorMessage, PangeaError } from '../../shared/errors.js';
import { type Logger, silentLogger } from '../../shared/logger.js';
import { type Random, randomSeed, seededRandom } from '../../shared/random.js';
import { didYouMean } from '../../shared/text.js';
import type { Topology } from '../../world/topology/types.js';
import { type Connect, directConnect, type ProbeRequest, type ProbeResult, probe } from './probe.js';
import { type CheckerPlace, type ResolvedHealthCheck, resolveHealthCheck } from './resolve.js';
import { type WanLinkView, wanConnect } from './transport.js';
import {
  type HealthCheckConfig,
  type HealthCheckObservation,
  type HealthCheckStatus,
  type HealthStatusChange,
  isEndpointType,
  isExternalType,
} from './types.js';
import { parseHealthChecks } from './validate.js';

/** Route 53 considers an endpoint healthy when more than this share of its checkers do. */
export const healthyCheckerShare = 0.18;

export type ProbeFunction = (
  request: ProbeRequest,
  fromAddress: string,
  signal: AbortSignal,
) => Promise<ProbeResult>;

export type HealthChangeListener = (change: HealthStatusChange) => void;

export type ProbeOverride = (request: ProbeRequest, fromAddress: string) => ProbeResult | undefined;

export interface HealthCheckerOptions {
  /** The world: regions (targets), locations (checkers) and timing profile. */
  topology: Topology;
  clock?: Clock;
  random?: Random;
  logger?: Logger;
  /** The world's WAN fabric: probes then see partitions at connect time (see transport.ts). */
  links?: WanLinkView;
  /** The transport; default: through `links` when given, else a plain bound connect. */
  connect?: Connect;
  /** Replaces the whole probe (state-machine tests). */
  probe?: ProbeFunction;
  /**
   * Consulted before every probe: a result to record instead of probing (fault injection, e.g.
   * health-check flapping), or undefined to probe for real.
   */
  probeOverride?: ProbeOverride;
  maxConcurrentProbes?: number;
  /** Status changes kept per check. */
  historyLimit?: number;
}

interface CheckerState {
  place: CheckerPlace;
  /** This checker's view after the threshold; a new checker starts healthy (Route 53's new-check rule). */
  healthy: boolean;
  /** Consecutive results disagreeing with `healthy`. */
  opposingResults: number;
  observation?: HealthCheckObservation;
  timer?: TimerHandle;
  /** A probe is queued or in flight: the next tick skips rather than piling up. */
  busy: boolean;
}

interface CheckState {
  resolved: ResolvedHealthCheck;
  checkers: CheckerState[];
  healthy: boolean;
  lastChangedMs: number;
  history: HealthStatusChange[];
  /** Externally fed checks: the reported status; undefined = insufficient data. */
  reported?: boolean;
  lastKnownReported?: boolean;
  abort: AbortController;
}

interface Verdict {
  healthy: boolean;
  reason: string;
}

export class HealthChecker {
  private readonly checks = new Map<string, CheckState>();
  private readonly listeners = new Set<HealthChangeListener>();
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly logger: Logger;
  private readonly runProbe: ProbeFunction;
  private readonly limiter: ProbeLimiter;
  private readonly historyLimit: number;
  private running = false;

  constructor(
    configs: readonly HealthCheckConfig[],
    private readonly options: HealthCheckerOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? seededRandom(randomSeed());
    this.logger = options.logger ?? silentLogger();
    this.historyLimit = options.historyLimit ?? 100;
    this.limiter = new ProbeLimiter(options.maxConcurrentProbes ?? 32);
    this.runProbe = options.probe ?? this.defaultProbe();
    this.apply(parseHealthChecks(configs, options.topology));
  }

  /** Starts probing every enabled endpoint check. */
  start(): void {
    if (this.running) return;
    this.running = true;
    for (const state of this.checks.values()) this.schedule(state);
  }

  /** Stops probing and waits for probes in flight to end. Statuses stay readable. */
  async stop(): Promise<void> {
    this.running = false;
    for (const state of this.checks.values()) this.unschedule(state);
    await this.limiter.drain();
  }

  /** Replaces the set of checks: unchanged ones keep running, changed ones restart, others come and go. */
  update(configs: readonly HealthCheckConfig[]): void {
    this.apply(parseHealthChecks(configs, this.options.topology));
  }

  configs(): HealthCheckConfig[] {
    return [...this.checks.values()].map((state) => state.resolved.config);
  }

  /** undefined for an unknown id. */
  isHealthy(id: string): boolean | undefined {
    return this.checks.get(id)?.healthy;
  }

  status(id: string): HealthCheckStatus {
    return this.describe(this.stateOf(id));
  }

  statuses(): HealthCheckStatus[] {
    return [...this.checks.values()].map((state) => this.describe(state));
  }

  /** Subscribes to status changes; returns the unsubscribe function. */
  onChange(listener: HealthChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Feeds a CLOUDWATCH_METRIC or RECOVERY_CONTROL check (Pangea has no alarms or routing controls
   * of its own): true/false, or undefined for insufficient data.
   */
  setExternalHealth(id: string, healthy: boolean | undefined): void {
    const state = this.stateOf(id);
    if (!isExternalType(state.resolved.config.Type)) {
      throw new PangeaError(
        'HealthCheckNotExternal',
        `health check "${id}" is ${state.resolved.config.Type}; only CLOUDWATCH_METRIC and RECOVERY_CONTROL checks are fed from outside`,
      );
    }
    state.reported = healthy;
    if (healthy !== undefined) state.lastKnownReported = healthy;
    this.evaluate(state);
  }

  private defaultProbe(): ProbeFunction {
    const connect =
      this.options.connect ??
      (this.options.links ? wanConnect(this.options.links, this.clock) : directConnect);
    return (request, fromAddress, signal) =>
      probe(request, fromAddress, { connect, clock: this.clock, signal });
  }

  private stateOf(id: string): CheckState {
    const state = this.checks.get(id);
    if (!state) {
      throw new PangeaError(
        'UnknownHealthCheck',
        `no health check "${id}"${didYouMean(id, [...this.checks.keys()])}`,
      );
    }
    return state;
  }

  private apply(configs: HealthCheckConfig[]): void {
    const wanted = new Map(configs.map((config) => [config.Id, config]));
    for (const [id, state] of this.checks) {
      if (!wanted.has(id)) {
        this.unschedule(state);
        this.checks.delete(id);
      }
    }
    for (const config of configs) this.applyOne(config);
    // Children first, so calculated checks see their children's current status.
    const ordered = [...this.checks.values()].sort(
      (a, b) =>
        Number(a.resolved.config.Type === 'CALCULATED') - Number(b.resolved.config.Type === 'CALCULATED'),
    );
    for (const state of ordered) this.evaluate(state);
  }

  private applyOne(config: HealthCheckConfig): void {
    const existing = this.checks.get(config.Id);
    const resolved = resolveHealthCheck(config, this.options.topology);
    if (existing && sameProbing(existing.resolved.config, config)) {
      existing.resolved = resolved;
      if (config.Disabled) this.unschedule(existing);
      else if (this.running) this.schedule(existing);
      return;
    }
    if (existing) this.unschedule(existing);
    const state = this.newState(resolved, existing);
    this.checks.set(config.Id, state);
    if (this.running) this.schedule(state);
  }

  private newState(resolved: ResolvedHealthCheck, previous: CheckState | undefined): CheckState {
    const nowMs = this.clock.nowMs();
    const created: HealthStatusChange = {
      id: resolved.config.Id,
      healthy: true,
      atMs: nowMs,
      reason: 'created: a new check counts as healthy until it has data',
    };
    return {
      resolved,
      checkers: resolved.checkers.map((place) => ({ place, healthy: true, opposingResults: 0, busy: false })),
      healthy: previous?.healthy ?? true,
      lastChangedMs: previous?.lastChangedMs ?? nowMs,
      history: previous?.history ?? [created],
      abort: new AbortController(),
    };
  }

  private schedule(state: CheckState): void {
    const { config, intervalMs } = state.resolved;
    if (!isEndpointType(config.Type) || config.Disabled) return;
    for (const checker of state.checkers) {
      if (checker.timer) continue;
      // Uncoordinated checkers: each starts at a random point of the interval.
      this.tickAfter(state, checker, this.random.next() * intervalMs);
    }
  }

  private unschedule(state: CheckState): void {
    for (const checker of state.checkers) {
      if (checker.timer) this.clock.clearTimer(checker.timer);
      checker.timer = undefined;
    }
    state.abort.abort();
    state.abort = new AbortController();
  }

  private tickAfter(state: CheckState, checker: CheckerState, delayMs: number): void {
    checker.timer = this.clock.setTimer(() => {
      this.tickAfter(state, checker, state.resolved.intervalMs);
      if (!checker.busy) this.launch(state, checker);
    }, delayMs);
  }

  private launch(state: CheckState, checker: CheckerState): void {
    const request = state.resolved.probe;
    if (!request) return;
    checker.busy = true;
    const signal = state.abort.signal;
    this.limiter.run(async () => {
      try {
        if (signal.aborted) return;
        const result =
          this.options.probeOverride?.(request, checker.place.address) ??
          (await this.runProbe(request, checker.place.address, signal).catch(
            (error: unknown): ProbeResult => ({ healthy: false, status: `Failure: ${errorMessage(error)}` }),
          ));
        if (!signal.aborted && this.checks.get(state.resolved.config.Id) === state) {
          this.record(state, checker, result);
        }
      } finally {
        checker.busy = false;
      }
    });
  }

  private record(state: CheckState, checker: CheckerState, result: ProbeResult): void {
    if (result.healthy === checker.healthy) {
      checker.opposingResults = 0;
    } else if (++checker.opposingResults >= state.resolved.failureThreshold) {
      checker.healthy = result.healthy;
      checker.opposingResults = 0;
    }
    checker.observation = {
      checker: checker.place.location,
      ipAddress: checker.place.address,
      healthy: checker.healthy,
      status: result.status,
      checkedAtMs: this.clock.nowMs(),
      ...(result.latencyMs === undefined ? {} : { latencyMs: result.latencyMs }),
    };
    this.evaluate(state);
  }

  private evaluate(state: CheckState): void {
    const verdict = this.verdict(state);
    if (verdict.healthy === state.healthy) return;
    const change: HealthStatusChange = {
      id: state.resolved.config.Id,
      healthy: verdict.healthy,
      atMs: this.clock.nowMs(),
      reason: verdict.reason,
    };
    state.healthy = verdict.healthy;
    state.lastChangedMs = change.atMs;
    state.history.push(change);
    if (state.history.length > this.historyLimit)
      state.history.splice(0, state.history.length - this.historyLimit);
    this.logger.info(
      { healthCheck: change.id, healthy: change.healthy, reason: change.reason },
      'health check changed',
    );
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.logger.error({ err: error }, 'health change listener failed');
      }
    }
    for (const parent of this.checks.values()) {
      if (parent.resolved.config.ChildHealthChecks?.includes(change.id)) this.evaluate(parent);
    }
  }

  private verdict(state: CheckState): Verdict {
    const { config } = state.resolved;
    const measured: Verdict = config.Disabled ? { healthy: true, reason: 'disabled' } : this.measure(state);
    if (!config.Inverted) return measured;
    return { healthy: !measured.healthy, reason: `${measured.reason}; inverted` };
  }

  private measure(state: CheckState): Verdict {
    const { config } = state.resolved;
    if (config.Type === 'CALCULATED') return this.measureCalculated(state);
    if (isExternalType(config.Type)) return this.measureExternal(state);
    const total = state.checkers.length;
    const healthy = state.checkers.filter((checker) => checker.healthy).length;
    const share = total === 0 ? 1 : healthy / total;
    return {
      healthy: share > healthyCheckerShare,
      reason: `${healthy} of ${total} checkers report healthy (${Math.round(share * 100)}%; healthy above ${healthyCheckerShare * 100}%)`,
    };
  }

  private measureCalculated(state: CheckState): Verdict {
    const { config } = state.resolved;
    const children = config.ChildHealthChecks ?? [];
    const threshold = config.HealthThreshold ?? children.length;
    const healthy = children.filter((id) =>
      this.childHealthy(id, config.InsufficientDataHealthStatus),
    ).length;
    return {
      healthy: healthy >= threshold,
      reason: `${healthy} of ${children.length} child checks healthy (at least ${threshold} needed)`,
    };
  }

  /** A child without data counts per the parent's InsufficientDataHealthStatus (default: its current status). */
  private childHealthy(id: string, whenNoData: HealthCheckConfig['InsufficientDataHealthStatus']): boolean {
    const child = this.checks.get(id);
    if (!child) return false;
    if (!hasData(child) && whenNoData === 'Healthy') return true;
    if (!hasData(child) && whenNoData === 'Unhealthy') return false;
    return child.healthy;
  }

  private measureExternal(state: CheckState): Verdict {
    if (state.reported !== undefined) {
      return { healthy: state.reported, reason: `reported ${state.reported ? 'healthy' : 'unhealthy'}` };
    }
    switch (state.resolved.config.InsufficientDataHealthStatus) {
      case 'Healthy':
        return { healthy: true, reason: 'insufficient data (InsufficientDataHealthStatus Healthy)' };
      case 'Unhealthy':
        return { healthy: false, reason: 'insufficient data (InsufficientDataHealthStatus Unhealthy)' };
      default:
        // LastKnownStatus; a new check with no last status is healthy.
        return { healthy: state.lastKnownReported ?? true, reason: 'insufficient data (last known status)' };
    }
  }

  private describe(state: CheckState): HealthCheckStatus {
    return {
      id: state.resolved.config.Id,
      type: state.resolved.config.Type,
      healthy: state.healthy,
      lastChangedMs: state.lastChangedMs,
      observations: state.checkers.flatMap((checker) =>
        checker.observation ? [{ ...checker.observation }] : [],
      ),
      history: state.history.map((change) => ({ ...change })),
    };
  }
}

function hasData(state: CheckState): boolean {
  if (isExternalType(state.resolved.config.Type)) return state.reported !== undefined;
  if (state.resolved.config.Type === 'CALCULATED') return true;
  return state.checkers.some((checker) => checker.observation !== undefined);
}

/** Fields that change only how results are combined; editing them keeps the probes and their state. */
const combinationFields = new Set<string>([
  'Inverted',
  'Disabled',
  'HealthThreshold',
  'ChildHealthChecks',
  'InsufficientDataHealthStatus',
  'MeasureLatency',
]);

function sameProbing(a: HealthCheckConfig, b: HealthCheckConfig): boolean {
  const probing = (config: HealthCheckConfig) =>
    JSON.stringify(
      Object.entries(config)
        .filter(([field]) => !combinationFields.has(field))
        .sort(([x], [y]) => x.localeCompare(y)),
    );
  return probing(a) === probing(b);
}

/** At most `limit` probes at once; the rest wait in order. */
class ProbeLimiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly limit: number) {}

  run(task: () => Promise<void>): void {
    const admitted =
      this.active < this.limit
        ? Promise.resolve(void this.active++)
        : new Promise<void>((resolve) => this.waiting.push(resolve));
    const done = admitted.then(async () => {
      try {
        await task();
      } finally {
        // Hand the slot straight to the next waiting probe, if any.
        const next = this.waiting.shift();
        if (next) next();
        else this.active--;
      }
    });
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
  }

  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }
}
