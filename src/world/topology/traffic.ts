/**
 * The `traffic:` section of pangea.yaml: Route 53 health checks, hosted zones and the Global
 * Accelerator, in the AWS APIs' own field names. Parts left out are generated from the regions
 * (one health check, one latency alias and one accelerator endpoint group per region); validation
 * is the libraries' own, with their paths mapped under `traffic.` so load.ts can name the YAML line.
 */
import { isPangeaError } from '../../shared/errors.js';
import { didYouMean } from '../../shared/text.js';
import type { AcceleratorConfig } from '../../traffic/accelerator/index.js';
import { resolveAcceleratorConfig } from '../../traffic/accelerator/index.js';
import type { HostedZone, ResourceRecordSet } from '../../traffic/dns/index.js';
import { regionEndpointRecords, zoneProblems } from '../../traffic/dns/index.js';
import type { HealthCheckConfig } from '../../traffic/health/index.js';
import { healthCheckProblems } from '../../traffic/health/index.js';
import type { PathSegment, Problem } from './load.js';
import type { Topology, TrafficSpec } from './types.js';

export interface RawTraffic {
  healthChecks?: unknown;
  hostedZones?: unknown;
  accelerator?: unknown;
}

/** A topology before its traffic section is resolved (what the traffic libraries validate against). */
export type BaseTopology = Omit<Topology, 'traffic'>;

/** The zone the default records live in, as in the AWS multi-region walkthroughs. */
export const defaultZoneName = 'example.com';
/** The name latency-routed to the nearest healthy region. */
export const defaultAppRecordName = `app.${defaultZoneName}`;
/** The path the reference app (and its load balancer) answers health checks on. */
export const healthCheckPath = '/health';

/** The health check that stands for a region's load balancer: DNS aliases to `<region>-alb` follow it. */
export const regionHealthCheckId = (region: string): string => `${region}-alb`;

const asTopology = (base: BaseTopology): Topology =>
  ({ ...base, traffic: { healthChecks: [], hostedZones: [], accelerator: { Listeners: [] } } }) as Topology;

export function defaultHealthChecks(base: BaseTopology): HealthCheckConfig[] {
  return base.regions.map((region) => ({
    Id: regionHealthCheckId(region.name),
    Type: 'HTTP',
    TargetRegion: region.name,
    ResourcePath: healthCheckPath,
  }));
}

export function defaultHostedZones(base: BaseTopology): HostedZone[] {
  return [
    {
      Name: defaultZoneName,
      ResourceRecordSets: base.regions.map((region) => ({
        Name: defaultAppRecordName,
        Type: 'A',
        SetIdentifier: region.name,
        Region: region.name,
        AliasTarget: { DNSName: `${region.name}-alb.${defaultZoneName}`, EvaluateTargetHealth: true },
      })),
    },
  ];
}

export function defaultAccelerator(base: BaseTopology): AcceleratorConfig {
  const port = base.global.acceleratorPort;
  return {
    Name: 'pangea',
    Listeners: [
      {
        Protocol: 'TCP',
        PortRanges: [{ FromPort: port, ToPort: port }],
        ClientAffinity: 'NONE',
        EndpointGroups: base.regions.map((region) => ({
          EndpointGroupRegion: region.name,
          TrafficDialPercentage: 100,
          HealthCheckProtocol: 'HTTP',
          HealthCheckPath: healthCheckPath,
          EndpointConfigurations: [{ EndpointId: `${region.name}:loadBalancer`, Weight: 128 }],
        })),
      },
    ],
  };
}

/**
 * What the DNS server serves for the configured zones: records without a TTL get the profile's
 * `dnsTtlSeconds`, and each zone gets `<region>-alb.<zone>` A records (the region's WAN face)
 * carrying the region's health check, unless the zone defines that name itself. Idempotent, so
 * zones read back from the server can be sent again.
 */
export function servedHostedZones(
  zones: readonly HostedZone[],
  base: BaseTopology,
  healthChecks: readonly HealthCheckConfig[],
): HostedZone[] {
  const checkIds = new Set(healthChecks.map((check) => check.Id));
  const healthCheckIds = Object.fromEntries(
    base.regions
      .map((region) => [region.name, regionHealthCheckId(region.name)] as const)
      .filter(([, id]) => checkIds.has(id)),
  );
  const ttlSeconds = base.timing.dnsTtlSeconds;
  return zones.map((zone) => {
    // Unvalidated input is passed through as it is: the DNS validator reports what is wrong with it.
    if (!isZoneShaped(zone)) return zone;
    const records = zone.ResourceRecordSets.map((record) =>
      record.TTL === undefined && record.AliasTarget === undefined ? { ...record, TTL: ttlSeconds } : record,
    );
    const zoneName = zone.Name.replace(/\.$/, '');
    const taken = new Set(records.map((record) => record.Name.replace(/\.$/, '').toLowerCase()));
    const generated = regionEndpointRecords(asTopology(base), {
      zoneName,
      ttlSeconds,
      healthCheckIds,
    }).filter((record) => !taken.has(record.Name.toLowerCase()));
    return { ...zone, ResourceRecordSets: [...records, ...generated] };
  });
}

function isZoneShaped(zone: unknown): zone is HostedZone {
  if (typeof zone !== 'object' || zone === null) return false;
  const { Name, ResourceRecordSets } = zone as Partial<HostedZone>;
  return (
    typeof Name === 'string' &&
    Array.isArray(ResourceRecordSets) &&
    ResourceRecordSets.every(
      (record) => typeof record === 'object' && record !== null && typeof record.Name === 'string',
    )
  );
}

export function resolveTraffic(raw: RawTraffic | undefined, base: BaseTopology): TrafficSpec {
  const healthChecks = (raw?.healthChecks as HealthCheckConfig[] | undefined) ?? defaultHealthChecks(base);
  const zones = (raw?.hostedZones as HostedZone[] | undefined) ?? defaultHostedZones(base);
  return {
    healthChecks,
    hostedZones: servedHostedZones(zones, base, healthChecks),
    accelerator: (raw?.accelerator as AcceleratorConfig | undefined) ?? defaultAccelerator(base),
  };
}

/** `Listeners[0].EndpointGroups[1].Weight` → ['Listeners', 0, 'EndpointGroups', 1, 'Weight']. */
export function parseProblemPath(text: string): PathSegment[] {
  if (text === '' || text === '(root)' || text === '(top level)') return [];
  return [...text.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((match) =>
    match[2] !== undefined ? Number(match[2]) : (match[1] as string),
  );
}

/** Every problem of the traffic section, paths rooted at `traffic`. */
export function trafficProblems(raw: RawTraffic | undefined, base: BaseTopology): Problem[] {
  const topology = asTopology(base);
  const healthProblems =
    raw?.healthChecks === undefined
      ? []
      : healthCheckProblems(raw.healthChecks, topology, ['traffic', 'healthChecks']);
  if (healthProblems.length > 0) return healthProblems;
  const resolved = resolveTraffic(raw, base);
  return [
    ...hostedZoneProblems(resolved, ['traffic', 'hostedZones']),
    ...acceleratorProblems(resolved.accelerator, topology, ['traffic', 'accelerator']),
  ];
}

/** The DNS library's problems plus the one rule across components: a HealthCheckId must exist. */
export function hostedZoneProblems(traffic: TrafficSpec, basePath: PathSegment[]): Problem[] {
  const problems = zoneProblems(traffic.hostedZones).map((problem) => {
    const [first, ...rest] = parseProblemPath(problem.path);
    // The library calls the list `zones`; ours is `hostedZones` (or whatever basePath says).
    return {
      path: first === 'zones' ? [...basePath, ...rest] : [...basePath, first ?? '', ...rest],
      message: problem.message,
    };
  });
  if (problems.length > 0) return problems;
  const checkIds = traffic.healthChecks.map((check) => check.Id);
  traffic.hostedZones.forEach((zone, zoneIndex) => {
    zone.ResourceRecordSets.forEach((record: ResourceRecordSet, recordIndex) => {
      if (record.HealthCheckId === undefined || checkIds.includes(record.HealthCheckId)) return;
      problems.push({
        path: [...basePath, zoneIndex, 'ResourceRecordSets', recordIndex, 'HealthCheckId'],
        message: `unknown health check "${record.HealthCheckId}"${didYouMean(record.HealthCheckId, checkIds)}`,
      });
    });
  });
  return problems;
}

export function acceleratorProblems(config: unknown, topology: Topology, basePath: PathSegment[]): Problem[] {
  try {
    resolveAcceleratorConfig(config, topology, topology.timing.accelerator);
  } catch (error) {
    if (!isPangeaError(error)) throw error;
    const problems = (error.details.problems as Array<{ path: string; message: string }> | undefined) ?? [
      { path: '', message: error.message },
    ];
    return problems.map((problem) => ({
      path: [...basePath, ...parseProblemPath(problem.path)],
      message: problem.message,
    }));
  }
  return listenerPortClashes(config as AcceleratorConfig, topology, basePath);
}

/** Listener ports share global.host with the admin API, edge, DNS and dashboard. */
function listenerPortClashes(
  config: AcceleratorConfig,
  topology: Topology,
  basePath: PathSegment[],
): Problem[] {
  const { host: _host, acceleratorPort: _own, ...others } = topology.global;
  const problems: Problem[] = [];
  config.Listeners.forEach((listener, listenerIndex) => {
    listener.PortRanges.forEach((range, rangeIndex) => {
      for (const [name, port] of Object.entries(others)) {
        if (port < range.FromPort || port > range.ToPort) continue;
        problems.push({
          path: [...basePath, 'Listeners', listenerIndex, 'PortRanges', rangeIndex],
          message: `port ${port} is also used by global.${name}`,
        });
      }
    });
  });
  return problems;
}
