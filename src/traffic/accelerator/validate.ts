/**
 * Accelerator configuration checks: a JSON Schema for shapes and ranges (AWS limits from
 * https://docs.aws.amazon.com/global-accelerator/latest/api/API_EndpointGroup.html and
 * API_EndpointConfiguration.html), then semantic rules against the topology, then defaults.
 * Every problem names its field, all at once, under the stable code `AcceleratorConfigInvalid`.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { PangeaError } from '../../shared/errors.js';
import { didYouMean } from '../../shared/text.js';
import type { RegionSpec, Topology } from '../../world/topology/types.js';
import type {
  AcceleratorConfig,
  AcceleratorTiming,
  EndpointGroupConfig,
  ListenerConfig,
  ResolvedAcceleratorConfig,
  ResolvedEndpoint,
  ResolvedEndpointGroup,
  ResolvedListener,
} from './types.js';

/** AWS: an EndpointGroup holds at most 10 endpoints. */
const maxEndpointsPerGroup = 10;
/** Pangea bound: each listener port is a real socket. */
const maxPortsPerAccelerator = 64;
/** The AWS default interval, which the timing profile rescales. */
const awsDefaultIntervalSeconds = 30;
/** Services a region exposes on its WAN face that an accelerator may front. */
const endpointServices = ['loadBalancer', 'dynamodb'] as const;

const port = { type: 'integer', minimum: 1, maximum: 65535 } as const;

const endpointGroupSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['EndpointGroupRegion'],
  properties: {
    EndpointGroupRegion: { type: 'string', minLength: 1, maxLength: 255 },
    TrafficDialPercentage: { type: 'number', minimum: 0, maximum: 100 },
    HealthCheckProtocol: { enum: ['TCP', 'HTTP', 'HTTPS'] },
    HealthCheckPort: port,
    HealthCheckPath: { type: 'string', maxLength: 255, pattern: '^/[-a-zA-Z0-9@:%_\\\\+.~#?&/=]*$' },
    HealthCheckIntervalSeconds: { enum: [10, 30] },
    ThresholdCount: { type: 'integer', minimum: 1, maximum: 10 },
    EndpointConfigurations: {
      type: 'array',
      maxItems: maxEndpointsPerGroup,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['EndpointId'],
        properties: {
          EndpointId: { type: 'string', minLength: 1, maxLength: 255 },
          Weight: { type: 'integer', minimum: 0, maximum: 255 },
        },
      },
    },
  },
} as const;

export const acceleratorSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['Listeners'],
  properties: {
    Name: { type: 'string', minLength: 1, maxLength: 64 },
    Enabled: { type: 'boolean' },
    Listeners: {
      type: 'array',
      minItems: 1,
      maxItems: 10,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['PortRanges', 'EndpointGroups'],
        properties: {
          Protocol: { enum: ['TCP'] },
          PortRanges: {
            type: 'array',
            minItems: 1,
            maxItems: 10,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['FromPort', 'ToPort'],
              properties: { FromPort: port, ToPort: port },
            },
          },
          ClientAffinity: { enum: ['NONE', 'SOURCE_IP'] },
          ProxyMode: { enum: ['TCP', 'HTTP'] },
          PassiveFailover: {
            type: 'object',
            additionalProperties: false,
            required: ['Enabled'],
            properties: { Enabled: { type: 'boolean' }, RetryIdempotent: { type: 'boolean' } },
          },
          EndpointGroups: { type: 'array', minItems: 1, items: endpointGroupSchema },
        },
      },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: false });
const validateShape = ajv.compile(acceleratorSchema);

interface Problem {
  path: string;
  message: string;
}

/** Checks and resolves a configuration; throws PangeaError('AcceleratorConfigInvalid') listing every problem. */
export function resolveAcceleratorConfig(
  config: unknown,
  topology: Topology,
  timing: AcceleratorTiming,
): ResolvedAcceleratorConfig {
  if (!validateShape(config)) throw invalid((validateShape.errors ?? []).map(schemaProblem));
  const typed = config as AcceleratorConfig;
  const problems = semanticProblems(typed, topology);
  if (problems.length > 0) throw invalid(problems);
  return {
    name: typed.Name ?? 'accelerator',
    enabled: typed.Enabled ?? true,
    listeners: typed.Listeners.map((listener, index) => resolveListener(listener, index, topology, timing)),
  };
}

function invalid(problems: Problem[]): PangeaError {
  const lines = [
    ...new Set(problems.map((problem) => `${problem.path || '(top level)'}: ${problem.message}`)),
  ];
  return new PangeaError('AcceleratorConfigInvalid', `accelerator configuration:\n${lines.join('\n')}`, {
    problems,
  });
}

function schemaProblem(error: ErrorObject): Problem {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .reduce(
      (text, segment) =>
        /^\d+$/.test(segment) ? `${text}[${segment}]` : text ? `${text}.${segment}` : segment,
      '',
    );
  if (error.keyword === 'additionalProperties') {
    const extra = String(error.params.additionalProperty);
    return { path: path ? `${path}.${extra}` : extra, message: 'is not a known field' };
  }
  if (error.keyword === 'required') {
    const missing = String(error.params.missingProperty);
    return { path: path ? `${path}.${missing}` : missing, message: 'is required' };
  }
  if (error.keyword === 'enum') {
    return { path, message: `must be one of ${(error.params.allowedValues as unknown[]).join(', ')}` };
  }
  return { path, message: error.message ?? 'is invalid' };
}

function semanticProblems(config: AcceleratorConfig, topology: Topology): Problem[] {
  const problems: Problem[] = [];
  const portOwners = new Map<number, number>();
  config.Listeners.forEach((listener, listenerIndex) => {
    const at = `Listeners[${listenerIndex}]`;
    checkPorts(listener, at, listenerIndex, portOwners, problems);
    if (listener.PassiveFailover?.Enabled && (listener.ProxyMode ?? 'TCP') !== 'HTTP') {
      problems.push({
        path: `${at}.PassiveFailover`,
        message: 'needs ProxyMode HTTP (a byte pipe cannot see request failures)',
      });
    }
    const seenRegions = new Set<string>();
    listener.EndpointGroups.forEach((group, groupIndex) => {
      const groupAt = `${at}.EndpointGroups[${groupIndex}]`;
      const region = checkGroupRegion(group, groupAt, topology, seenRegions, problems);
      if (region) checkEndpoints(group, region, groupAt, topology, problems);
      if (group.HealthCheckPath !== undefined && (group.HealthCheckProtocol ?? 'TCP') === 'TCP') {
        problems.push({
          path: `${groupAt}.HealthCheckPath`,
          message: 'only applies to HTTP or HTTPS checks',
        });
      }
    });
  });
  if (portOwners.size > maxPortsPerAccelerator) {
    problems.push({ path: 'Listeners', message: `at most ${maxPortsPerAccelerator} listener ports in all` });
  }
  return problems;
}

function checkPorts(
  listener: ListenerConfig,
  at: string,
  listenerIndex: number,
  portOwners: Map<number, number>,
  problems: Problem[],
): void {
  listener.PortRanges.forEach((range, rangeIndex) => {
    const rangeAt = `${at}.PortRanges[${rangeIndex}]`;
    if (range.ToPort < range.FromPort) {
      problems.push({ path: `${rangeAt}.ToPort`, message: 'must not be below FromPort' });
      return;
    }
    if (range.ToPort - range.FromPort >= maxPortsPerAccelerator) {
      problems.push({ path: rangeAt, message: `spans more than ${maxPortsPerAccelerator} ports` });
      return;
    }
    for (let value = range.FromPort; value <= range.ToPort; value++) {
      const owner = portOwners.get(value);
      if (owner !== undefined && owner !== listenerIndex) {
        problems.push({ path: rangeAt, message: `port ${value} is already used by Listeners[${owner}]` });
      }
      portOwners.set(value, listenerIndex);
    }
  });
}

function checkGroupRegion(
  group: EndpointGroupConfig,
  at: string,
  topology: Topology,
  seen: Set<string>,
  problems: Problem[],
): RegionSpec | undefined {
  const names = topology.regions.map((region) => region.name);
  const region = topology.regions.find((candidate) => candidate.name === group.EndpointGroupRegion);
  if (!region) {
    problems.push({
      path: `${at}.EndpointGroupRegion`,
      message: `"${group.EndpointGroupRegion}" is not a region of this world${didYouMean(group.EndpointGroupRegion, names)}`,
    });
    return undefined;
  }
  // AWS: a listener can have only one endpoint group in a specific Region.
  if (seen.has(region.name)) {
    problems.push({
      path: `${at}.EndpointGroupRegion`,
      message: `the listener already has a group in ${region.name}`,
    });
  }
  seen.add(region.name);
  return region;
}

function checkEndpoints(
  group: EndpointGroupConfig,
  region: RegionSpec,
  at: string,
  topology: Topology,
  problems: Problem[],
): void {
  const seen = new Set<string>();
  (group.EndpointConfigurations ?? []).forEach((endpoint, index) => {
    const path = `${at}.EndpointConfigurations[${index}].EndpointId`;
    if (seen.has(endpoint.EndpointId)) problems.push({ path, message: 'is listed twice in this group' });
    seen.add(endpoint.EndpointId);
    const parsed = parseEndpointId(endpoint.EndpointId, topology);
    if ('problem' in parsed) problems.push({ path, message: parsed.problem });
    else if (parsed.region.name !== region.name) {
      problems.push({
        path,
        message: `is in ${parsed.region.name}, not in the group's region ${region.name}`,
      });
    }
  });
}

type ParsedEndpoint = { region: RegionSpec; port: number } | { problem: string };

/** `<region>:<service>` or `127.0.<n>.x:<port>`; the port must be one the WAN fabric relays. */
export function parseEndpointId(endpointId: string, topology: Topology): ParsedEndpoint {
  const separator = endpointId.lastIndexOf(':');
  if (separator <= 0) {
    return { problem: 'must be "<region>:loadBalancer", "<region>:dynamodb" or "127.0.<n>.x:<port>"' };
  }
  const head = endpointId.slice(0, separator);
  const tail = endpointId.slice(separator + 1);
  const address = /^127\.0\.(\d+)\.\d+$/.exec(head);
  if (address) {
    const region = topology.regions.find((candidate) => candidate.number === Number(address[1]));
    if (!region) return { problem: `no region of this world owns ${head}` };
    const value = Number(tail);
    if (!relayedPorts(region).includes(value)) {
      return {
        problem: `the WAN fabric relays only ports ${relayedPorts(region).join(', ')} into ${region.name}`,
      };
    }
    return { region, port: value };
  }
  const region = topology.regions.find((candidate) => candidate.name === head);
  if (!region) {
    const names = topology.regions.map((candidate) => candidate.name);
    return { problem: `"${head}" is not a region of this world${didYouMean(head, names)}` };
  }
  const service = endpointServices.find((name) => name === tail);
  if (!service) return { problem: `unknown service "${tail}"; use ${endpointServices.join(' or ')}` };
  return { region, port: region.services[service].port };
}

function relayedPorts(region: RegionSpec): number[] {
  const { dynamodb, replication, loadBalancer } = region.services;
  return [dynamodb.port, replication.port, loadBalancer.port];
}

function resolveListener(
  listener: ListenerConfig,
  index: number,
  topology: Topology,
  timing: AcceleratorTiming,
): ResolvedListener {
  const ports: number[] = [];
  for (const range of listener.PortRanges) {
    for (let value = range.FromPort; value <= range.ToPort; value++)
      if (!ports.includes(value)) ports.push(value);
  }
  const passive = listener.PassiveFailover;
  return {
    index,
    ports,
    clientAffinity: listener.ClientAffinity ?? 'NONE',
    proxyMode: listener.ProxyMode ?? 'TCP',
    passiveFailover: {
      Enabled: passive?.Enabled ?? false,
      RetryIdempotent: passive?.RetryIdempotent ?? true,
    },
    groups: listener.EndpointGroups.map((group) => resolveGroup(group, index, topology, timing)),
  };
}

function resolveGroup(
  group: EndpointGroupConfig,
  listenerIndex: number,
  topology: Topology,
  timing: AcceleratorTiming,
): ResolvedEndpointGroup {
  const intervalSeconds = group.HealthCheckIntervalSeconds ?? awsDefaultIntervalSeconds;
  return {
    region: group.EndpointGroupRegion,
    trafficDialPercentage: group.TrafficDialPercentage ?? 100,
    healthCheck: {
      protocol: group.HealthCheckProtocol ?? 'TCP',
      port: group.HealthCheckPort,
      path: group.HealthCheckPath ?? '/',
      intervalMs: (intervalSeconds / awsDefaultIntervalSeconds) * timing.healthCheckIntervalMs,
      thresholdCount: group.ThresholdCount ?? timing.thresholdCount,
    },
    endpoints: (group.EndpointConfigurations ?? []).map((endpoint): ResolvedEndpoint => {
      const parsed = parseEndpointId(endpoint.EndpointId, topology);
      if ('problem' in parsed) throw new PangeaError('AcceleratorConfigInvalid', parsed.problem);
      return {
        key: `${listenerIndex}/${group.EndpointGroupRegion}/${endpoint.EndpointId}`,
        endpointId: endpoint.EndpointId,
        region: parsed.region.name,
        weight: endpoint.Weight ?? 128,
        wanHost: parsed.region.wanAddress,
        insideHost: parsed.region.address,
        port: parsed.port,
      };
    }),
  };
}
