/**
 * Validation of health checks: the JSON Schema (Route 53's limits), then the rules across fields and
 * against the world (regions, locations, ports). Every problem names its field, e.g.
 * `healthChecks[2].FailureThreshold: must be between 1 and 10`, and all are reported at once.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { PangeaError } from '../../shared/errors.js';
import { didYouMean } from '../../shared/text.js';
import type { Topology } from '../../world/topology/types.js';
import { checkerLocationFor, regionOfAddress, relayedPorts } from './resolve.js';
import { healthCheckSchema } from './schema.js';
import { endpointCheckTypes, type HealthCheckConfig, type HealthCheckType, isEndpointType } from './types.js';

export type PathSegment = string | number;

export interface HealthCheckProblem {
  path: PathSegment[];
  message: string;
}

const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const validateOne = ajv.compile(healthCheckSchema);

export function formatProblemPath(path: readonly PathSegment[]): string {
  return path.reduce<string>((text, segment) => {
    if (typeof segment === 'number') return `${text}[${segment}]`;
    return text ? `${text}.${segment}` : segment;
  }, '');
}

/**
 * Every problem of a list of checks. `basePath` prefixes the paths (default `healthChecks`, the
 * topology field), so the caller can map them to YAML lines or an API error.
 */
export function healthCheckProblems(
  input: unknown,
  topology: Topology,
  basePath: PathSegment[] = ['healthChecks'],
): HealthCheckProblem[] {
  if (!Array.isArray(input)) return [{ path: basePath, message: 'must be a list of health checks' }];
  const schemaProblems = input.flatMap((check, index) =>
    validateOne(check)
      ? []
      : (validateOne.errors ?? []).map((error) => schemaProblem(error, [...basePath, index])),
  );
  if (schemaProblems.length > 0) return dedupe(schemaProblems);
  return semanticProblems(input as HealthCheckConfig[], topology, basePath);
}

/** Validates and returns the checks, or throws `HealthCheckInvalid` listing every problem. */
export function parseHealthChecks(
  input: unknown,
  topology: Topology,
  basePath: PathSegment[] = ['healthChecks'],
): HealthCheckConfig[] {
  const problems = healthCheckProblems(input, topology, basePath);
  if (problems.length > 0) {
    const lines = problems.map((problem) => `${formatProblemPath(problem.path)}: ${problem.message}`);
    throw new PangeaError('HealthCheckInvalid', lines.join('\n'), { problems });
  }
  return input as HealthCheckConfig[];
}

function schemaProblem(error: ErrorObject, base: PathSegment[]): HealthCheckProblem {
  const path = [
    ...base,
    ...error.instancePath
      .split('/')
      .slice(1)
      .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment)),
  ];
  const params = error.params as Record<string, unknown>;
  const schema = (error.parentSchema ?? {}) as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      const allowed = Object.keys(healthCheckSchema.properties);
      return { path: [...path, field], message: `unknown field "${field}"${didYouMean(field, allowed)}` };
    }
    case 'required':
      return { path, message: `missing required field "${String(params.missingProperty)}"` };
    case 'enum':
      return { path, message: `must be one of ${(params.allowedValues as unknown[]).join(', ')}` };
    case 'minimum':
    case 'maximum':
      return { path, message: `must be between ${schema.minimum} and ${schema.maximum}` };
    case 'minItems':
      return { path, message: `must list at least ${schema.minItems}` };
    case 'maxItems':
      return { path, message: `may list at most ${schema.maxItems}` };
    case 'minLength':
    case 'maxLength':
      return { path, message: `must be ${schema.minLength ?? 0} to ${schema.maxLength} characters long` };
    case 'pattern':
      return { path, message: "may contain only letters, digits, '.', '_', ':' and '-'" };
    default:
      return { path, message: error.message ?? 'is invalid' };
  }
}

function dedupe(problems: HealthCheckProblem[]): HealthCheckProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = formatProblemPath(problem.path);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

type Report = (field: PathSegment[], message: string) => void;

function semanticProblems(
  checks: HealthCheckConfig[],
  topology: Topology,
  basePath: PathSegment[],
): HealthCheckProblem[] {
  const problems: HealthCheckProblem[] = [];
  const byId = new Map<string, HealthCheckConfig>();
  checks.forEach((check, index) => {
    const report: Report = (field, message) =>
      problems.push({ path: [...basePath, index, ...field], message });
    if (byId.has(check.Id)) report(['Id'], `health check "${check.Id}" is defined twice`);
    else byId.set(check.Id, check);
  });
  checks.forEach((check, index) => {
    const report: Report = (field, message) =>
      problems.push({ path: [...basePath, index, ...field], message });
    checkFieldsApply(check, report);
    if (isEndpointType(check.Type)) checkEndpoint(check, topology, report);
    if (check.Type === 'CALCULATED') checkChildren(check, byId, report);
    if (check.Type === 'CLOUDWATCH_METRIC' && !check.AlarmIdentifier)
      report([], 'a CLOUDWATCH_METRIC check needs AlarmIdentifier');
    if (check.Type === 'RECOVERY_CONTROL' && !check.RoutingControlArn)
      report([], 'a RECOVERY_CONTROL check needs RoutingControlArn');
  });
  return problems;
}

const endpointFields = [
  'TargetRegion',
  'IPAddress',
  'Port',
  'ResourcePath',
  'FullyQualifiedDomainName',
  'SearchString',
  'RequestInterval',
  'FailureThreshold',
  'MeasureLatency',
  'EnableSNI',
  'Regions',
] as const;

/** Fields that only make sense for some types; a misplaced one is almost always a mistake. */
function applicableTypes(field: keyof HealthCheckConfig): readonly HealthCheckType[] | undefined {
  if ((endpointFields as readonly string[]).includes(field)) {
    if (field === 'SearchString') return ['HTTP_STR_MATCH', 'HTTPS_STR_MATCH'];
    if (field === 'EnableSNI') return ['HTTPS', 'HTTPS_STR_MATCH'];
    if (field === 'ResourcePath') return ['HTTP', 'HTTPS', 'HTTP_STR_MATCH', 'HTTPS_STR_MATCH'];
    return endpointCheckTypes;
  }
  if (field === 'HealthThreshold' || field === 'ChildHealthChecks') return ['CALCULATED'];
  if (field === 'InsufficientDataHealthStatus')
    return ['CALCULATED', 'CLOUDWATCH_METRIC', 'RECOVERY_CONTROL'];
  if (field === 'AlarmIdentifier') return ['CLOUDWATCH_METRIC'];
  if (field === 'RoutingControlArn') return ['RECOVERY_CONTROL'];
  return undefined;
}

function checkFieldsApply(check: HealthCheckConfig, report: Report): void {
  for (const field of Object.keys(check) as Array<keyof HealthCheckConfig>) {
    const types = applicableTypes(field);
    if (types && !types.includes(check.Type)) {
      report([field], `does not apply to ${check.Type} checks (only ${types.join(', ')})`);
    }
  }
}

function checkEndpoint(check: HealthCheckConfig, topology: Topology, report: Report): void {
  const regionNames = topology.regions.map((region) => region.name);
  if (check.TargetRegion === undefined && check.IPAddress === undefined) {
    report([], 'an endpoint check needs TargetRegion or IPAddress (127.0.<n>.1 or .2 of a region)');
  } else if (check.TargetRegion !== undefined && check.IPAddress !== undefined) {
    report(['IPAddress'], 'give TargetRegion or IPAddress, not both');
  }
  let region = topology.regions.find((candidate) => candidate.name === check.TargetRegion);
  if (check.TargetRegion !== undefined && !region) {
    report(
      ['TargetRegion'],
      `"${check.TargetRegion}" is not a region of this world${didYouMean(check.TargetRegion, regionNames)}`,
    );
  }
  if (check.IPAddress !== undefined) {
    region = regionOfAddress(topology, check.IPAddress);
    if (!region) {
      report(
        ['IPAddress'],
        `"${check.IPAddress}" is not an address of a region of this world (127.0.<n>.1 or 127.0.<n>.2: ${topology.regions.map((r) => `${r.name} ${r.address}`).join(', ')})`,
      );
    }
  }
  if (region && check.Port !== undefined && !relayedPorts(region).includes(check.Port)) {
    report(
      ['Port'],
      `${region.name} has no service on port ${check.Port} reachable through the WAN (${relayedPorts(region).join(', ')})`,
    );
  }
  if (check.Type.endsWith('_STR_MATCH') && check.SearchString === undefined) {
    report([], `a ${check.Type} check needs SearchString`);
  }
  checkCheckerRegions(check, topology, report);
}

function checkCheckerRegions(check: HealthCheckConfig, topology: Topology, report: Report): void {
  if (topology.locations.length === 0 && check.Regions === undefined) {
    report([], 'the world has no locations to run health checkers from; add locations or Regions');
  }
  const seen = new Map<string, number>();
  (check.Regions ?? []).forEach((name, index) => {
    const location = checkerLocationFor(topology, name);
    if (!location) {
      const names = topology.locations.map((candidate) => candidate.name);
      report(
        ['Regions', index],
        `"${name}" is neither a location of this world nor the anchor region of one${didYouMean(name, names)}`,
      );
      return;
    }
    const earlier = seen.get(location.name);
    if (earlier !== undefined) {
      report(['Regions', index], `runs from location ${location.name}, like Regions[${earlier}]`);
    }
    seen.set(location.name, index);
  });
}

function checkChildren(check: HealthCheckConfig, byId: Map<string, HealthCheckConfig>, report: Report): void {
  if (check.ChildHealthChecks === undefined) {
    report([], 'a CALCULATED check needs ChildHealthChecks');
    return;
  }
  const seen = new Set<string>();
  check.ChildHealthChecks.forEach((childId, index) => {
    const child = byId.get(childId);
    const path = ['ChildHealthChecks', index];
    if (seen.has(childId)) report(path, `"${childId}" is listed twice`);
    seen.add(childId);
    if (childId === check.Id) report(path, 'a check cannot be its own child');
    else if (!child) report(path, `no health check "${childId}"${didYouMean(childId, [...byId.keys()])}`);
    // Pangea keeps calculated checks one level deep: no cycles, and one evaluation per change.
    else if (child.Type === 'CALCULATED')
      report(path, `"${childId}" is CALCULATED; children must be other types`);
  });
}
