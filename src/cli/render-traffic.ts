/** Human output of the traffic layer: health checks, record sets, the accelerator. */
import type { AcceleratorStatus } from '../traffic/accelerator/index.js';
import type { ResourceRecordSet } from '../traffic/dns/index.js';
import type { HealthCheckConfig, HealthCheckStatus } from '../traffic/health/index.js';
import type { TrafficStatus } from '../world/traffic.js';
import { table } from './table.js';

const mark = (healthy: boolean): string => (healthy ? 'healthy' : 'UNHEALTHY');

function target(config: HealthCheckConfig | undefined): string {
  if (!config) return '-';
  if (config.Type === 'CALCULATED') return `children ${(config.ChildHealthChecks ?? []).join(',')}`;
  const where = config.TargetRegion ?? config.IPAddress ?? '-';
  const port = config.Port ? `:${config.Port}` : '';
  return `${where}${port}${config.ResourcePath ?? ''}`;
}

export function renderHealthChecks(statuses: HealthCheckStatus[], configs: HealthCheckConfig[]): string {
  if (statuses.length === 0) return 'no health checks';
  return table([
    ['ID', 'TYPE', 'TARGET', 'STATUS', 'CHECKERS OK', 'LAST REPORT'],
    ...statuses.map((status) => {
      const healthyCheckers = status.observations.filter((observation) => observation.healthy).length;
      const latest = [...status.observations].sort((a, b) => b.checkedAtMs - a.checkedAtMs)[0];
      return [
        status.id,
        status.type,
        target(configs.find((config) => config.Id === status.id)),
        mark(status.healthy),
        `${healthyCheckers}/${status.observations.length}`,
        latest?.status ?? '-',
      ];
    }),
  ]);
}

export function renderHealthCheck(status: HealthCheckStatus & { config?: HealthCheckConfig }): string {
  const observations = table([
    ['CHECKER', 'ADDRESS', 'VIEW', 'LATENCY', 'REPORT'],
    ...status.observations.map((observation) => [
      observation.checker,
      observation.ipAddress,
      mark(observation.healthy),
      observation.latencyMs === undefined ? '-' : `${observation.latencyMs.toFixed(1)} ms`,
      observation.status,
    ]),
  ]);
  const history = status.history.map((change) => `  ${mark(change.healthy)}: ${change.reason}`);
  return [
    `${status.id} (${status.type}) ${mark(status.healthy)}`,
    `config: ${JSON.stringify(status.config ?? {})}`,
    '',
    observations,
    ...(history.length > 0 ? ['', 'history (oldest first):', ...history] : []),
  ].join('\n');
}

export function renderRecords(records: ResourceRecordSet[]): string {
  return table([
    ['NAME', 'TYPE', 'POLICY', 'TTL', 'VALUE', 'HEALTH CHECK'],
    ...records.map((record) => [
      record.Name,
      record.Type,
      policyOf(record),
      record.TTL === undefined ? '-' : String(record.TTL),
      record.AliasTarget
        ? `alias ${record.AliasTarget.DNSName}${record.AliasTarget.EvaluateTargetHealth ? ' (evaluate health)' : ''}`
        : (record.ResourceRecords ?? []).map((value) => value.Value).join(', '),
      record.HealthCheckId ?? '-',
    ]),
  ]);
}

function policyOf(record: ResourceRecordSet): string {
  if (record.Weight !== undefined) return `weighted ${record.Weight}`;
  if (record.Region !== undefined) return `latency ${record.Region}`;
  if (record.Failover !== undefined) return `failover ${record.Failover}`;
  if (record.GeoLocation !== undefined) return `geo ${Object.values(record.GeoLocation).join('/')}`;
  if (record.MultiValueAnswer !== undefined) return 'multivalue';
  if (record.CidrRoutingConfig !== undefined) return `cidr ${record.CidrRoutingConfig.LocationName}`;
  return 'simple';
}

export function renderAccelerator(status: AcceleratorStatus): string {
  const lines = [`accelerator "${status.name}" ${status.enabled ? 'enabled' : 'DISABLED'} on ${status.host}`];
  for (const listener of status.listeners) {
    const counters = status.traffic.find((traffic) => traffic.index === listener.index)?.groups ?? [];
    const total = counters.reduce((sum, group) => sum + group.connections + group.requests, 0);
    lines.push(
      '',
      `listener ${listener.index}: ports ${listener.ports.join(',')}, ${listener.proxyMode} mode, affinity ${listener.clientAffinity}, ${listener.openConnections} open connections`,
      table([
        ['REGION', 'DIAL', 'HEALTH', 'ENDPOINTS (weight, health)', 'CONNECTIONS', 'REQUESTS', 'SHARE'],
        ...listener.groups.map((group) => {
          const counted = counters.find((candidate) => candidate.region === group.region);
          const volume = (counted?.connections ?? 0) + (counted?.requests ?? 0);
          return [
            group.region,
            `${group.trafficDialPercentage}%`,
            mark(group.healthy),
            group.endpoints
              .map(
                (endpoint) => `${endpoint.endpointId} (${endpoint.weight}, ${endpoint.health?.state ?? '-'})`,
              )
              .join('; '),
            String(counted?.connections ?? 0),
            String(counted?.requests ?? 0),
            total === 0 ? '-' : `${((100 * volume) / total).toFixed(1)}%`,
          ];
        }),
      ]),
    );
  }
  const failovers = status.failovers.slice(-5);
  if (failovers.length > 0) {
    lines.push('', 'recent failovers:');
    for (const event of failovers)
      lines.push(
        `  ${event.at} ${event.from}: ${event.intendedRegion} -> ${event.toRegion} (${event.reason})`,
      );
  }
  return lines.join('\n');
}

/** The short block `pangea status` shows: one line per health check, DNS and accelerator summary. */
export function renderTrafficSummary(traffic: TrafficStatus | null | undefined): string | undefined {
  if (!traffic) return undefined;
  const checks = table([
    ['HEALTH CHECK', 'TYPE', 'STATUS', 'CHECKERS OK', 'SINCE'],
    ...traffic.healthChecks.map((check) => [
      check.id,
      check.type,
      mark(check.healthy),
      `${check.healthyCheckers}/${check.reportingCheckers}`,
      check.lastChanged.slice(11, 19),
    ]),
  ]);
  const groups = traffic.accelerator.listeners.flatMap((listener) =>
    listener.groups.map(
      (group) =>
        `${group.region} ${group.trafficDialPercentage}% ${group.healthy ? 'ok' : 'DOWN'} (${group.trafficSharePct}%)`,
    ),
  );
  return [
    '',
    checks,
    '',
    `dns: ${traffic.dns.queries} queries (${traffic.dns.zones.join(', ')})   accelerator: ${groups.join(', ') || 'no groups'}`,
  ].join('\n');
}
