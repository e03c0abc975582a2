/**
 * An accelerator entry point with AWS Global Accelerator semantics: listeners on the world's
 * accelerator address, routing by proximity, dials, weights, affinity and health (routing.ts),
 * its own health checks (health.ts), and a proxy that makes each client pay its own WAN link
 * (proxy.ts). Run-time `update` keeps established connections and the health of kept endpoints.
 */
import { type Clock, systemClock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { silentLogger } from '../../shared/logger.js';
import { type Random, randomSeed, seededRandom } from '../../shared/random.js';
import type { Topology } from '../../world/topology/types.js';
import {
  type EndpointHealthStatus,
  HealthMonitor,
  type HealthProbe,
  type MonitoredEndpoint,
  socketProbe,
} from './health.js';
import { AcceleratorMetrics, type FailoverEvent, type HealthEvent, type MetricsSnapshot } from './metrics.js';
import {
  type ListenerRuntime,
  type ProxyLimits,
  type ProxyServer,
  startHttpProxy,
  startTcpProxy,
} from './proxy.js';
import {
  affinityKey,
  type FlowKey,
  orderByProximity,
  type Place,
  type ProximityMs,
  placeResolver,
  proximityFromTopology,
  type RoutableGroup,
  type RouteDecision,
  routeFlow,
} from './routing.js';
import type {
  AcceleratorConfig,
  AcceleratorTiming,
  ResolvedAcceleratorConfig,
  ResolvedListener,
  RoutedEndpoint,
} from './types.js';
import { resolveAcceleratorConfig } from './validate.js';

/** GA keeps an idle TCP flow for 340 s (not configurable on AWS); divided by the world's timeScale. */
export const awsTcpIdleTimeoutMs = 340_000;

export interface AcceleratorOptions {
  topology: Topology;
  /** Where listeners bind; default topology.global.host (127.0.0.1). */
  host?: string;
  /** Default: topology.timing.accelerator. */
  timing?: AcceleratorTiming;
  clock?: Clock;
  random?: Random;
  logger?: Logger;
  /** Default: real TCP/HTTP probes from 127.0.0.1 to each region's inside address. */
  probe?: HealthProbe;
  /** Default: the topology's configured link delays; pass the fabric's live links to follow run-time changes. */
  proximity?: ProximityMs;
  /** Default 340 s / topology.timing.timeScale. */
  idleTimeoutMs?: number;
  /** Per listener port; default 10,000. */
  maxConnections?: number;
  /** HTTP mode upstream pools (client address × endpoint); default 256. */
  maxUpstreamPools?: number;
  /** Sockets per pool; default 32. */
  maxSocketsPerPool?: number;
  /** Default 8 MiB. */
  maxRequestBodyBytes?: number;
}

export interface EndpointStatus {
  key: string;
  endpointId: string;
  weight: number;
  /** Where client traffic goes (the region's WAN face). */
  address: string;
  health: EndpointHealthStatus | undefined;
}

export interface ListenerStatus {
  index: number;
  ports: number[];
  proxyMode: ResolvedListener['proxyMode'];
  clientAffinity: ResolvedListener['clientAffinity'];
  passiveFailover: ResolvedListener['passiveFailover'];
  openConnections: number;
  groups: Array<{
    region: string;
    trafficDialPercentage: number;
    /** At least one endpoint with weight > 0 is healthy. */
    healthy: boolean;
    healthCheck: ResolvedListener['groups'][number]['healthCheck'];
    endpoints: EndpointStatus[];
  }>;
}

export interface AcceleratorStatus {
  name: string;
  enabled: boolean;
  running: boolean;
  host: string;
  nowMs: number;
  listeners: ListenerStatus[];
  traffic: MetricsSnapshot['listeners'];
  failovers: FailoverEvent[];
  healthChanges: HealthEvent[];
}

interface RunningListener {
  ports: number[];
  proxyMode: ResolvedListener['proxyMode'];
  servers: ProxyServer[];
}

export class Accelerator {
  private config: ResolvedAcceleratorConfig;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly logger: Logger;
  private readonly host: string;
  private readonly timing: AcceleratorTiming;
  private readonly limits: ProxyLimits;
  private readonly proximity: ProximityMs;
  private readonly placeOf: (address: string) => Place;
  private readonly health: HealthMonitor;
  private readonly metrics = new AcceleratorMetrics();
  private readonly running = new Map<number, RunningListener>();
  /** Routable views of each listener's groups, closest first, per client place; rebuilt on update. */
  private routable = new Map<number, RoutableGroup<RoutedEndpoint>[]>();
  private orderedByPlace = new Map<string, RoutableGroup<RoutedEndpoint>[]>();
  private started = false;

  constructor(
    config: AcceleratorConfig,
    private readonly options: AcceleratorOptions,
  ) {
    const { topology } = options;
    this.timing = options.timing ?? topology.timing.accelerator;
    this.config = resolveAcceleratorConfig(config, topology, this.timing);
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? seededRandom(randomSeed());
    this.logger = options.logger ?? silentLogger();
    this.host = options.host ?? topology.global.host;
    this.proximity = options.proximity ?? proximityFromTopology(topology);
    this.placeOf = placeResolver(topology);
    this.limits = {
      idleTimeoutMs: options.idleTimeoutMs ?? awsTcpIdleTimeoutMs / topology.timing.timeScale,
      maxConnections: options.maxConnections ?? 10_000,
      maxPools: options.maxUpstreamPools ?? 256,
      maxSocketsPerPool: options.maxSocketsPerPool ?? 32,
      maxRequestBodyBytes: options.maxRequestBodyBytes ?? 8 * 1024 * 1024,
    };
    this.health = new HealthMonitor(this.clock, options.probe ?? socketProbe(), (change) => {
      this.metrics.healthChanged(change);
      this.logger.info(
        { endpoint: change.key, state: change.state, detail: change.detail },
        'accelerator endpoint health',
      );
    });
    this.rebuildRoutable();
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.health.reconcile(this.monitoredEndpoints());
    try {
      for (const listener of this.config.listeners) await this.startListener(listener);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Stops listening and cuts every connection. */
  async stop(): Promise<void> {
    this.started = false;
    this.health.stop();
    const closing = [...this.running.values()].flatMap((listener) =>
      listener.servers.map((server) => server.close(false)),
    );
    this.running.clear();
    await Promise.all(closing);
  }

  /**
   * Applies a new configuration; an invalid one throws (AcceleratorConfigInvalid) and changes
   * nothing. Listeners whose ports and mode stay keep their sockets; others are replaced, and
   * connections already established on the old ones stay until closed or idle.
   */
  async update(config: AcceleratorConfig): Promise<void> {
    const next = resolveAcceleratorConfig(config, this.options.topology, this.timing);
    this.config = next;
    this.rebuildRoutable();
    if (!this.started) return;
    this.health.reconcile(this.monitoredEndpoints());
    for (const [index, running] of this.running) {
      const wanted = next.listeners[index];
      const same = wanted && wanted.proxyMode === running.proxyMode && samePorts(wanted.ports, running.ports);
      if (same) continue;
      this.running.delete(index);
      await Promise.all(running.servers.map((server) => server.close(true)));
    }
    for (const listener of next.listeners)
      if (!this.running.has(listener.index)) await this.startListener(listener);
  }

  /** Routes a flow as a new connection would be routed now (also what the admin API can show). */
  route(
    listenerIndex: number,
    flow: FlowKey,
    exclude?: ReadonlySet<string>,
  ): RouteDecision<RoutedEndpoint> | undefined {
    const listener = this.config.listeners[listenerIndex];
    if (!this.config.enabled || !listener) return undefined;
    const ordered = this.orderedGroups(listenerIndex, this.placeOf(flow.sourceAddress));
    return routeFlow(ordered, affinityKey(flow, listener.clientAffinity), this.random, exclude);
  }

  status(): AcceleratorStatus {
    const healthByKey = new Map(this.health.snapshot().map((entry) => [entry.key, entry]));
    const metrics = this.metrics.snapshot();
    return {
      name: this.config.name,
      enabled: this.config.enabled,
      running: this.started,
      host: this.host,
      nowMs: this.clock.nowMs(),
      listeners: this.config.listeners.map((listener) => ({
        index: listener.index,
        ports: listener.ports,
        proxyMode: listener.proxyMode,
        clientAffinity: listener.clientAffinity,
        passiveFailover: listener.passiveFailover,
        openConnections: (this.running.get(listener.index)?.servers ?? []).reduce(
          (total, server) => total + server.openConnections,
          0,
        ),
        groups: listener.groups.map((group) => ({
          region: group.region,
          trafficDialPercentage: group.trafficDialPercentage,
          healthy: group.endpoints.some(
            (endpoint) => endpoint.weight > 0 && this.health.isRoutable(endpoint.key),
          ),
          healthCheck: group.healthCheck,
          endpoints: group.endpoints.map((endpoint) => ({
            key: endpoint.key,
            endpointId: endpoint.endpointId,
            weight: endpoint.weight,
            address: `${endpoint.wanHost}:${endpoint.port}`,
            health: healthByKey.get(endpoint.key),
          })),
        })),
      })),
      traffic: metrics.listeners,
      failovers: metrics.failovers,
      healthChanges: metrics.healthChanges,
    };
  }

  private async startListener(listener: ResolvedListener): Promise<void> {
    const running: RunningListener = { ports: listener.ports, proxyMode: listener.proxyMode, servers: [] };
    this.running.set(listener.index, running);
    const runtime = this.runtimeFor(listener.index);
    const start = listener.proxyMode === 'HTTP' ? startHttpProxy : startTcpProxy;
    for (const port of listener.ports)
      running.servers.push(await start(this.host, port, runtime, this.limits));
    this.logger.info(
      { listener: listener.index, ports: listener.ports, mode: listener.proxyMode },
      'accelerator listening',
    );
  }

  private runtimeFor(index: number): ListenerRuntime {
    const listenerNow = () => this.config.listeners[index] as ResolvedListener;
    return {
      listener: listenerNow,
      decide: (flow, exclude) => this.route(index, flow, exclude),
      counted: (flow, decision, kind) => {
        this.metrics.count(index, decision.group.region, decision.endpoint.key, kind, decision.reason);
        this.metrics.noteTarget({
          atMs: this.clock.nowMs(),
          listener: index,
          from: this.placeOf(flow.sourceAddress).name,
          intendedRegion: decision.intendedRegion,
          toRegion: decision.group.region,
          reason: decision.reason,
        });
      },
      upstreamFailed: (decision, detail) => {
        this.metrics.upstreamError(index, decision.group.region);
        if (listenerNow()?.passiveFailover.Enabled) this.health.markFailed(decision.endpoint.key, detail);
      },
      retried: (flow, failed, next) => {
        this.metrics.noteTarget({
          atMs: this.clock.nowMs(),
          listener: index,
          from: this.placeOf(flow.sourceAddress).name,
          intendedRegion: failed.group.region,
          toRegion: next.group.region,
          reason: 'passive-retry',
        });
      },
    };
  }

  private rebuildRoutable(): void {
    const health = this.health;
    this.routable = new Map(
      this.config.listeners.map((listener) => [
        listener.index,
        listener.groups.map((group) => ({
          region: group.region,
          trafficDialPercentage: group.trafficDialPercentage,
          endpoints: group.endpoints.map(
            (endpoint): RoutedEndpoint =>
              Object.defineProperty({ ...endpoint }, 'healthy', {
                get: () => health.isRoutable(endpoint.key),
                enumerable: true,
              }) as RoutedEndpoint,
          ),
        })),
      ]),
    );
    this.orderedByPlace.clear();
  }

  private orderedGroups(listenerIndex: number, place: Place): RoutableGroup<RoutedEndpoint>[] {
    const cacheKey = `${listenerIndex}|${place.kind}|${place.kind === 'unknown' ? '' : place.name}`;
    let ordered = this.orderedByPlace.get(cacheKey);
    if (!ordered) {
      ordered = orderByProximity(this.routable.get(listenerIndex) ?? [], place, this.proximity);
      // Only proximity from the topology is fixed; a live proximity source is re-read each time.
      if (!this.options.proximity) this.orderedByPlace.set(cacheKey, ordered);
    }
    return ordered;
  }

  private monitoredEndpoints(): MonitoredEndpoint[] {
    return this.config.listeners.flatMap((listener) =>
      listener.groups.flatMap((group) =>
        group.endpoints.map((endpoint) => ({
          key: endpoint.key,
          target: {
            host: endpoint.insideHost,
            port: group.healthCheck.port ?? endpoint.port,
            protocol: group.healthCheck.protocol,
            path: group.healthCheck.path,
          },
          intervalMs: group.healthCheck.intervalMs,
          thresholdCount: group.healthCheck.thresholdCount,
        })),
      ),
    );
  }
}

function samePorts(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((port, index) => port === b[index]);
}
