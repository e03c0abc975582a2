/**
 * The world's global traffic layer: Route 53 health checks probing through the WAN fabric, the
 * authoritative DNS server that follows them, and the Global Accelerator. Started after the fabric
 * (probes and proxied connections travel its links), stopped before it. The admin API changes each
 * part at run time through the methods here, validating with the libraries' own rules.
 * Health-check flapping (a game-day fault) is a probe override injected into both the Route 53
 * checker and the accelerator's health checks at start, switched per region through the methods.
 */
import { systemClock } from '../shared/clock.js';
import { errorMessage, PangeaError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { didYouMean } from '../shared/text.js';
import {
  Accelerator,
  type AcceleratorConfig,
  type AcceleratorStatus,
  type HealthProbe,
  socketProbe,
} from '../traffic/accelerator/index.js';
import {
  type CidrCollection,
  type DnsServer,
  type DnsServerStats,
  dnsLocationsFromTopology,
  type HostedZone,
  latencyFromTopology,
  startDnsServer,
} from '../traffic/dns/index.js';
import {
  type FlappingRegion,
  flappingFailureStatus,
  formatProblemPath,
  type HealthCheckConfig,
  HealthChecker,
  HealthCheckFlapping,
  type HealthCheckStatus,
  healthCheckProblems,
} from '../traffic/health/index.js';
import { regionOfAddress } from '../traffic/health/resolve.js';
import type { WanFabric } from '../wan/fabric.js';
import { acceleratorProblems, hostedZoneProblems, servedHostedZones } from './topology/traffic.js';
import type { Topology } from './topology/types.js';

export interface HealthCheckSummary {
  id: string;
  type: string;
  healthy: boolean;
  /** ISO time `healthy` last changed (or the check was created). */
  lastChanged: string;
  /** Checkers whose view is healthy, of those that have reported. */
  healthyCheckers: number;
  reportingCheckers: number;
  /** The most recent checker's status report, e.g. "Success: HTTP Status Code 200, OK". */
  lastReport: string | null;
}

export interface AcceleratorSummary {
  name: string;
  enabled: boolean;
  running: boolean;
  listeners: Array<{
    index: number;
    ports: number[];
    proxyMode: string;
    openConnections: number;
    groups: Array<{
      region: string;
      trafficDialPercentage: number;
      healthy: boolean;
      connections: number;
      requests: number;
      /** Share of this listener's connections + requests so far that went to this group. */
      trafficSharePct: number;
    }>;
  }>;
}

export interface TrafficStatus {
  healthChecks: HealthCheckSummary[];
  dns: DnsServerStats & { zones: string[] };
  accelerator: AcceleratorSummary;
}

export interface TrafficEndpoints {
  dns: string;
  accelerator: string | null;
}

/** The fields of an endpoint group `PUT /v1/accelerator/endpoint-groups/{region}` may change. */
export interface EndpointGroupChange {
  TrafficDialPercentage?: unknown;
  Weight?: unknown;
  /** Which endpoint Weight applies to (EndpointId, or its service part: `loadBalancer`); default all. */
  EndpointId?: unknown;
  HealthCheckProtocol?: unknown;
  HealthCheckPath?: unknown;
  HealthCheckPort?: unknown;
  ThresholdCount?: unknown;
  /** Only this listener (index); default every listener with a group in the region. */
  Listener?: unknown;
}

const groupFields = [
  'TrafficDialPercentage',
  'HealthCheckProtocol',
  'HealthCheckPath',
  'HealthCheckPort',
  'ThresholdCount',
] as const;

function invalid(
  code: string,
  problems: Array<{ path: ReadonlyArray<string | number>; message: string }>,
): PangeaError {
  const lines = problems.map(
    (problem) => `${formatProblemPath(problem.path) || '(body)'}: ${problem.message}`,
  );
  return new PangeaError(code, lines.join('\n'), { problems });
}

export class TrafficLayer {
  private zones: HostedZone[];
  private cidrCollections: CidrCollection[] = [];
  private acceleratorConfig: AcceleratorConfig;
  private readonly clockOffsetMs = Date.now() - systemClock.nowMs();

  private constructor(
    private readonly topology: Topology,
    private readonly checker: HealthChecker,
    private readonly dns: DnsServer,
    private readonly accelerator: Accelerator,
    private readonly flapping: HealthCheckFlapping,
    private readonly logger: Logger,
  ) {
    this.zones = topology.traffic.hostedZones;
    this.acceleratorConfig = topology.traffic.accelerator;
  }

  /** Starts all three or none; a port in use is a `PortInUse` error naming the address. */
  static async start(topology: Topology, fabric: WanFabric, logger: Logger): Promise<TrafficLayer> {
    const { global, traffic } = topology;
    const flapping = new HealthCheckFlapping(systemClock);
    const checker = new HealthChecker(traffic.healthChecks, {
      topology,
      links: fabric,
      logger: logger.child({ component: 'health' }),
      probeOverride: (request) =>
        flapping.failing(request.region) ? { healthy: false, status: flappingFailureStatus } : undefined,
    });
    checker.onChange((change) =>
      logger.info(
        { healthCheck: change.id, healthy: change.healthy, reason: change.reason },
        'health check changed',
      ),
    );
    let dns: DnsServer | undefined;
    let accelerator: Accelerator | undefined;
    try {
      dns = await startDnsServer({
        host: global.host,
        port: global.dnsPort,
        zones: traffic.hostedZones,
        locations: dnsLocationsFromTopology(topology),
        latencyMs: latencyFromTopology(topology),
        isHealthy: (id) => checker.isHealthy(id),
        logger: logger.child({ component: 'dns' }),
      }).catch((error) => {
        throw new PangeaError(
          'PortInUse',
          `DNS server: cannot listen on ${global.host}:${global.dnsPort} (${/\bE[A-Z]+\b/.exec(errorMessage(error))?.[0] ?? errorMessage(error)})`,
        );
      });
      accelerator = new Accelerator(traffic.accelerator, {
        topology,
        host: global.host,
        timing: topology.timing.accelerator,
        logger: logger.child({ component: 'accelerator' }),
        probe: flappingProbe(socketProbe(), topology, flapping),
      });
      await accelerator.start();
      checker.start();
    } catch (error) {
      await accelerator?.stop();
      await dns?.stop();
      await checker.stop();
      throw error;
    }
    return new TrafficLayer(topology, checker, dns, accelerator, flapping, logger);
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.checker.stop(), this.dns.stop(), this.accelerator.stop()]);
  }

  endpoints(): TrafficEndpoints {
    const { host, dnsPort } = this.topology.global;
    const firstPort = this.acceleratorConfig.Listeners[0]?.PortRanges[0]?.FromPort;
    const enabled = this.acceleratorConfig.Enabled !== false && firstPort !== undefined;
    return {
      dns: `dns://${host}:${dnsPort}`,
      accelerator: enabled ? `http://${host}:${firstPort}` : null,
    };
  }

  // -- health checks ---------------------------------------------------------------------------

  healthChecks(): HealthCheckStatus[] {
    return this.checker.statuses();
  }

  healthCheck(id: string): HealthCheckStatus & { config: HealthCheckConfig | undefined } {
    const status = this.checker.status(id);
    return { ...status, config: this.checker.configs().find((config) => config.Id === id) };
  }

  healthCheckConfigs(): HealthCheckConfig[] {
    return this.checker.configs();
  }

  /** Replaces every check; records and aliases that name a removed check then count it healthy. */
  replaceHealthChecks(input: unknown): HealthCheckConfig[] {
    const problems = healthCheckProblems(input, this.topology, ['healthChecks']);
    if (problems.length > 0) throw invalid('HealthCheckInvalid', problems);
    this.checker.update(input as HealthCheckConfig[]);
    this.logger.info(
      { healthChecks: (input as HealthCheckConfig[]).map((check) => check.Id) },
      'health checks replaced',
    );
    return this.checker.configs();
  }

  /**
   * pangea:health-check-flapping: probes of the Route 53 checks targeting `region` and of its
   * accelerator endpoint groups alternately fail and run for real, switching every `periodMs`.
   */
  startHealthCheckFlapping(region: string, periodMs: number): void {
    if (!this.topology.regions.some((candidate) => candidate.name === region))
      throw new PangeaError('UnknownRegion', `unknown region "${region}"`);
    this.flapping.start(region, periodMs);
    this.logger.warn({ region, periodMs }, 'health checks flapping');
  }

  stopHealthCheckFlapping(region: string): void {
    this.flapping.stop(region);
    this.logger.info({ region }, 'health checks probe for real again');
  }

  flappingRegions(): FlappingRegion[] {
    return this.flapping.list();
  }

  // -- DNS -------------------------------------------------------------------------------------

  hostedZones(): { hostedZones: HostedZone[]; cidrCollections: CidrCollection[] } {
    return { hostedZones: this.zones, cidrCollections: this.cidrCollections };
  }

  /** Same shape and defaults as `traffic.hostedZones` in pangea.yaml (TTLs, `<region>-alb` records). */
  replaceHostedZones(hostedZones: unknown, cidrCollections: unknown = []): HostedZone[] {
    if (!Array.isArray(hostedZones))
      throw invalid('DnsZonesInvalid', [
        { path: ['hostedZones'], message: 'must be a list of hosted zones' },
      ]);
    const { traffic: _traffic, ...base } = this.topology;
    const healthChecks = this.checker.configs();
    const zones = servedHostedZones(hostedZones as HostedZone[], base, healthChecks);
    const problems = hostedZoneProblems({ ...this.topology.traffic, healthChecks, hostedZones: zones }, [
      'hostedZones',
    ]);
    if (problems.length > 0) throw invalid('DnsZonesInvalid', problems);
    this.dns.updateZones(zones, cidrCollections as CidrCollection[]);
    this.zones = zones;
    this.cidrCollections = cidrCollections as CidrCollection[];
    return zones;
  }

  dnsStats(): DnsServerStats & { zones: string[] } {
    return { ...this.dns.stats, zones: this.zones.map((zone) => zone.Name) };
  }

  // -- accelerator -----------------------------------------------------------------------------

  acceleratorStatus(): AcceleratorStatus & { config: AcceleratorConfig } {
    return { ...this.accelerator.status(), config: this.acceleratorConfig };
  }

  async replaceAccelerator(config: unknown): Promise<AcceleratorStatus & { config: AcceleratorConfig }> {
    const problems = acceleratorProblems(config, this.topology, []);
    if (problems.length > 0) throw invalid('AcceleratorConfigInvalid', problems);
    await this.accelerator.update(config as AcceleratorConfig);
    this.acceleratorConfig = structuredClone(config as AcceleratorConfig);
    this.logger.info({ accelerator: this.acceleratorConfig }, 'accelerator updated');
    return this.acceleratorStatus();
  }

  /** The common run-time change: a group's dial, an endpoint's weight, its health-check settings. */
  async changeEndpointGroup(
    region: string,
    change: EndpointGroupChange,
  ): Promise<AcceleratorStatus & { config: AcceleratorConfig }> {
    const config = structuredClone(this.acceleratorConfig);
    const listenerIndex = change.Listener === undefined ? undefined : Number(change.Listener);
    const groups = config.Listeners.flatMap((listener, index) =>
      listenerIndex === undefined || listenerIndex === index
        ? listener.EndpointGroups.filter((group) => group.EndpointGroupRegion === region)
        : [],
    );
    if (groups.length === 0) {
      const regions = [
        ...new Set(
          config.Listeners.flatMap((listener) =>
            listener.EndpointGroups.map((group) => group.EndpointGroupRegion),
          ),
        ),
      ];
      throw new PangeaError(
        'UnknownRegion',
        `the accelerator has no endpoint group in "${region}"${didYouMean(region, regions)}`,
      );
    }
    for (const group of groups) {
      for (const field of groupFields)
        if (change[field] !== undefined) Object.assign(group, { [field]: change[field] });
      if (change.Weight !== undefined)
        setWeight(group.EndpointConfigurations ?? [], region, change.Weight, change.EndpointId);
    }
    return this.replaceAccelerator(config);
  }

  // -- status ----------------------------------------------------------------------------------

  status(): TrafficStatus {
    return {
      healthChecks: this.checker.statuses().map((status) => this.summarize(status)),
      dns: this.dnsStats(),
      accelerator: summarizeAccelerator(this.accelerator.status()),
    };
  }

  private summarize(status: HealthCheckStatus): HealthCheckSummary {
    const latest = [...status.observations].sort((a, b) => b.checkedAtMs - a.checkedAtMs)[0];
    return {
      id: status.id,
      type: status.type,
      healthy: status.healthy,
      lastChanged: new Date(this.clockOffsetMs + status.lastChangedMs).toISOString(),
      healthyCheckers: status.observations.filter((observation) => observation.healthy).length,
      reportingCheckers: status.observations.length,
      lastReport: latest?.status ?? null,
    };
  }
}

/** The accelerator's probes, failing while the probed endpoint's region is in a failing half-period. */
function flappingProbe(probe: HealthProbe, topology: Topology, flapping: HealthCheckFlapping): HealthProbe {
  return async (target) => {
    const region = regionOfAddress(topology, target.host)?.name;
    if (region !== undefined && flapping.failing(region))
      return { ok: false, detail: 'no response in time (injected by pangea:health-check-flapping)' };
    return probe(target);
  };
}

function setWeight(
  endpoints: NonNullable<
    AcceleratorConfig['Listeners'][number]['EndpointGroups'][number]['EndpointConfigurations']
  >,
  region: string,
  weight: unknown,
  endpointId: unknown,
): void {
  const wanted =
    typeof endpointId === 'string'
      ? endpointId.includes(':')
        ? endpointId
        : `${region}:${endpointId}`
      : undefined;
  const targets =
    wanted === undefined ? endpoints : endpoints.filter((endpoint) => endpoint.EndpointId === wanted);
  if (targets.length === 0) {
    const ids = endpoints.map((endpoint) => endpoint.EndpointId);
    throw new PangeaError(
      'UnknownEndpoint',
      `no endpoint "${String(endpointId)}" in the ${region} group${didYouMean(String(wanted), ids)}`,
    );
  }
  for (const endpoint of targets) endpoint.Weight = weight as number;
}

function summarizeAccelerator(status: AcceleratorStatus): AcceleratorSummary {
  return {
    name: status.name,
    enabled: status.enabled,
    running: status.running,
    listeners: status.listeners.map((listener) => {
      const counters = status.traffic.find((traffic) => traffic.index === listener.index)?.groups ?? [];
      const total = counters.reduce((sum, group) => sum + group.connections + group.requests, 0);
      return {
        index: listener.index,
        ports: listener.ports,
        proxyMode: listener.proxyMode,
        openConnections: listener.openConnections,
        groups: listener.groups.map((group) => {
          const counted = counters.find((candidate) => candidate.region === group.region);
          const volume = (counted?.connections ?? 0) + (counted?.requests ?? 0);
          return {
            region: group.region,
            trafficDialPercentage: group.trafficDialPercentage,
            healthy: group.healthy,
            connections: counted?.connections ?? 0,
            requests: counted?.requests ?? 0,
            trafficSharePct: total === 0 ? 0 : Math.round((1000 * volume) / total) / 10,
          };
        }),
      };
    }),
  };
}
