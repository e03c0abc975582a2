/**
 * The accelerator's own health checks, one state machine per endpoint
 * (https://docs.aws.amazon.com/global-accelerator/latest/dg/about-endpoint-groups-health-check-options.html):
 * TCP = the connection opens; HTTP(S) = GET <path> answers 200. ThresholdCount consecutive results
 * flip the state either way; a new endpoint's first result decides at once (AWS: it "must pass a
 * health check to be considered healthy"; Pangea routes to it until that first result arrives).
 *
 * Where probes come from: the accelerator host (127.0.0.1) straight to the region's inside address
 * (127.0.<n>.1), not through the WAN face. On AWS the checks run from AWS's network next to the
 * endpoint, so a cut between a client location and a region does not fail them; and the WAN fabric
 * accepts every connection on the WAN face before it knows whether the region is alive, which
 * would make TCP checks through it pass for a dead region.
 */
import http from 'node:http';
import net from 'node:net';
import type { Clock, TimerHandle } from '../../shared/clock.js';
import { errorMessage } from '../../shared/errors.js';
import type { HealthCheckProtocol } from './types.js';

/** Route 53's HTTP connect limit, also used as the ceiling of a probe's whole run. */
const maxProbeTimeoutMs = 4_000;
/**
 * A probe gets at least this long even when checks run more often (the `fast` profile's 250 ms):
 * a dead region refuses at once, but a live one answering `/health` late on a busy machine must not
 * fail its checks and flap. Probes of one endpoint never overlap, so a hung endpoint is probed once
 * per timeout instead of once per interval.
 */
const minProbeTimeoutMs = 1_000;

export type HealthState = 'initial' | 'healthy' | 'unhealthy';

export interface ProbeTarget {
  host: string;
  port: number;
  protocol: HealthCheckProtocol;
  path: string;
  timeoutMs: number;
}

export interface ProbeResult {
  ok: boolean;
  detail: string;
}

export type HealthProbe = (target: ProbeTarget) => Promise<ProbeResult>;

/** Real sockets. `localAddress` is the documented checker address (default: the accelerator host). */
export function socketProbe(localAddress = '127.0.0.1'): HealthProbe {
  return (target) =>
    target.protocol === 'TCP' ? tcpProbe(target, localAddress) : httpProbe(target, localAddress);
}

function tcpProbe(target: ProbeTarget, localAddress: string): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: target.host, port: target.port, localAddress });
    const finish = (result: ProbeResult) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ ok: false, detail: 'connect timed out' }), target.timeoutMs);
    socket.once('connect', () => finish({ ok: true, detail: 'connected' }));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      finish({ ok: false, detail: error.code ?? error.message }),
    );
  });
}

function httpProbe(target: ProbeTarget, localAddress: string): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(result);
    };
    const request = http.get(
      { host: target.host, port: target.port, path: target.path, localAddress, agent: false },
      (response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        finish({ ok: status === 200, detail: `HTTP ${status}` });
      },
    );
    const timer = setTimeout(() => finish({ ok: false, detail: 'no response in time' }), target.timeoutMs);
    request.once('error', (error: NodeJS.ErrnoException) =>
      finish({ ok: false, detail: error.code ?? errorMessage(error) }),
    );
  });
}

/** One endpoint's health: counts consecutive results against the threshold. */
export class EndpointHealth {
  state: HealthState = 'initial';
  detail = 'not probed yet';
  changedAtMs: number;
  private consecutive = 0;

  constructor(
    public thresholdCount: number,
    nowMs: number,
  ) {
    this.changedAtMs = nowMs;
  }

  /** Routing counts an endpoint not probed yet as healthy. */
  get routable(): boolean {
    return this.state !== 'unhealthy';
  }

  /** Returns true when the state changed. */
  record(ok: boolean, detail: string, nowMs: number): boolean {
    this.detail = detail;
    const target: HealthState = ok ? 'healthy' : 'unhealthy';
    if (this.state === target) {
      this.consecutive = 0;
      return false;
    }
    this.consecutive++;
    if (this.state !== 'initial' && this.consecutive < this.thresholdCount) return false;
    return this.become(target, nowMs);
  }

  /** Passive failover: out at once, back only through the active checks' threshold. */
  markFailed(detail: string, nowMs: number): boolean {
    this.detail = `passive: ${detail}`;
    return this.become('unhealthy', nowMs);
  }

  private become(state: HealthState, nowMs: number): boolean {
    this.consecutive = 0;
    if (this.state === state) return false;
    this.state = state;
    this.changedAtMs = nowMs;
    return true;
  }
}

export interface MonitoredEndpoint {
  key: string;
  target: Omit<ProbeTarget, 'timeoutMs'>;
  intervalMs: number;
  thresholdCount: number;
}

export interface EndpointHealthStatus {
  key: string;
  state: HealthState;
  detail: string;
  changedAtMs: number;
  target: string;
}

export interface HealthChange {
  key: string;
  state: HealthState;
  detail: string;
  atMs: number;
}

interface Watch {
  spec: MonitoredEndpoint;
  health: EndpointHealth;
  timer: TimerHandle | undefined;
  probing: boolean;
}

/** Probes every endpoint on its group's interval; probes never overlap for one endpoint. */
export class HealthMonitor {
  private readonly watches = new Map<string, Watch>();
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly probe: HealthProbe,
    private readonly onChange: (change: HealthChange) => void = () => {},
  ) {}

  /** Adopts a new endpoint set; endpoints that stay keep their state (a config update is no outage). */
  reconcile(endpoints: readonly MonitoredEndpoint[]): void {
    this.stopped = false;
    const wanted = new Map(endpoints.map((endpoint) => [endpoint.key, endpoint]));
    for (const [key, watch] of this.watches) {
      if (!wanted.has(key)) {
        this.cancel(watch);
        this.watches.delete(key);
      }
    }
    for (const spec of wanted.values()) {
      const existing = this.watches.get(spec.key);
      if (existing) {
        const intervalChanged = existing.spec.intervalMs !== spec.intervalMs;
        existing.spec = spec;
        existing.health.thresholdCount = spec.thresholdCount;
        if (intervalChanged && !existing.probing) this.schedule(existing, 0);
        continue;
      }
      const watch: Watch = {
        spec,
        health: new EndpointHealth(spec.thresholdCount, this.clock.nowMs()),
        timer: undefined,
        probing: false,
      };
      this.watches.set(spec.key, watch);
      this.schedule(watch, 0);
    }
  }

  stop(): void {
    this.stopped = true;
    for (const watch of this.watches.values()) this.cancel(watch);
  }

  isRoutable(key: string): boolean {
    return this.watches.get(key)?.health.routable ?? true;
  }

  markFailed(key: string, detail: string): void {
    const watch = this.watches.get(key);
    if (watch?.health.markFailed(detail, this.clock.nowMs())) this.report(watch);
  }

  snapshot(): EndpointHealthStatus[] {
    return [...this.watches.values()].map(({ spec, health }) => ({
      key: spec.key,
      state: health.state,
      detail: health.detail,
      changedAtMs: health.changedAtMs,
      target: `${spec.target.protocol} ${spec.target.host}:${spec.target.port}${spec.target.protocol === 'TCP' ? '' : spec.target.path}`,
    }));
  }

  private schedule(watch: Watch, delayMs: number): void {
    this.cancel(watch);
    watch.timer = this.clock.setTimer(() => void this.runProbe(watch), delayMs);
  }

  private cancel(watch: Watch): void {
    if (watch.timer) this.clock.clearTimer(watch.timer);
    watch.timer = undefined;
  }

  private async runProbe(watch: Watch): Promise<void> {
    watch.timer = undefined;
    if (this.stopped || this.watches.get(watch.spec.key) !== watch) return;
    if (watch.probing) {
      this.schedule(watch, watch.spec.intervalMs);
      return;
    }
    watch.probing = true;
    // The next probe is due one interval after this one started, as on a fixed schedule.
    this.schedule(watch, watch.spec.intervalMs);
    const timeoutMs = Math.min(Math.max(watch.spec.intervalMs, minProbeTimeoutMs), maxProbeTimeoutMs);
    let result: ProbeResult;
    try {
      result = await this.probe({ ...watch.spec.target, timeoutMs });
    } catch (error) {
      result = { ok: false, detail: errorMessage(error) };
    }
    watch.probing = false;
    if (this.stopped || this.watches.get(watch.spec.key) !== watch) return;
    if (watch.health.record(result.ok, result.detail, this.clock.nowMs())) this.report(watch);
  }

  private report(watch: Watch): void {
    this.onChange({
      key: watch.spec.key,
      state: watch.health.state,
      detail: watch.health.detail,
      atMs: watch.health.changedAtMs,
    });
  }
}
