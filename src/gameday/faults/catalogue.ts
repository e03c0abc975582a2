/**
 * The fault catalogue: actions named after AWS FIS actions (plus `pangea:` actions FIS has no
 * equivalent for), as pure data and validation. A request `{action, parameters, durationMs}`
 * becomes a plan of effects that the runner applies and undoes; nothing here touches the world.
 * https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html
 *
 * - `aws:ecs:stop-task` (FIS: "Runs the Amazon ECS API action StopTask to stop the target task";
 *   StopTask sends SIGTERM, then SIGKILL after the stop timeout,
 *   https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_StopTask.html): a region's app
 *   instances, held down for the duration (in ECS the service would replace the task; holding it is
 *   what makes the app tier outage last the fault's duration).
 * - `aws:network:disrupt-connectivity` (FIS: denies traffic to the target subnets by cloning their
 *   network ACL; scope `dynamodb` blocks the regional DynamoDB endpoint's prefix list): only scope
 *   `dynamodb` here. The region's own DynamoDB endpoint drops what it would serve; requests it
 *   passes on to other regions travel, and global-table replication (AWS-internal) is unaffected.
 * - `pangea:clock-skew`: the region's data-plane wall clock (HLC versions, stream record times, TTL,
 *   conflict log) jumps by `offsetMilliseconds` and runs fast or slow by `driftPpm`.
 * - `pangea:health-check-flapping`: the Route 53 checks and accelerator endpoint-group checks of a
 *   region alternately fail and probe for real, switching every `periodMilliseconds`.
 */
import { PangeaError } from '../../shared/errors.js';
import { didYouMean } from '../../shared/text.js';

/** FIS experiments run for at most 12 hours. */
export const maxFaultDurationMs = 12 * 60 * 60 * 1000;
const maxDelayMs = 60_000;
/** A clock more than an hour off is a different fault (a wrong time zone); keep skews to NTP-scale trouble. */
export const maxClockOffsetMs = 60 * 60 * 1000;
/** 100,000 ppm = 10% fast or slow, far beyond a real oscillator (~100 ppm), still meaningful. */
export const maxClockDriftPpm = 100_000;
export const defaultFlappingPeriodMs = 2_000;
/** Below this, probes (every 250 ms to 1 s in the fast profile) could not see both halves. */
export const minFlappingPeriodMs = 100;
const maxFlappingPeriodMs = 60 * 60 * 1000;
/** FIS scopes of aws:network:disrupt-connectivity that Pangea implements. */
export const disruptConnectivityScopes = ['dynamodb'] as const;
const fisDisruptConnectivityScopes = ['all', 'availability-zone', 'dynamodb', 'prefix-list', 's3'];

export const faultActions = [
  'aws:network:route-table-disrupt-cross-region-connectivity',
  'aws:dynamodb:global-table-pause-replication',
  'aws:ecs:task-network-latency',
  'aws:ecs:task-network-packet-loss',
  'pangea:region-outage',
  'aws:ecs:stop-task',
  'aws:network:disrupt-connectivity',
  'pangea:clock-skew',
  'pangea:health-check-flapping',
  'aws:fis:wait',
] as const;
export type FaultAction = (typeof faultActions)[number];

/** What one link direction gets from a fault, on top of the link's values before any fault. */
export interface LinkDelta {
  latencyMs: number;
  jitterMs: number;
  lossPct: number;
  partitioned: boolean;
}

export type FaultEffect =
  | { kind: 'link'; from: string; to: string; delta: LinkDelta }
  | { kind: 'pause-replication'; region: string }
  | { kind: 'region-outage'; region: string }
  /** The first `instances` app instances of the region (or all), held stopped. */
  | { kind: 'stop-app-instances'; region: string; instances: number | 'all' }
  | { kind: 'disrupt-dynamodb'; region: string }
  | { kind: 'clock-skew'; region: string; offsetMs: number; driftPpm: number }
  | { kind: 'health-check-flapping'; region: string; periodMs: number }
  | { kind: 'wait' };

/** Effects that act on one whole region (as opposed to links); see the runner's conflict rule. */
export type RegionEffect = Exclude<FaultEffect, { kind: 'link' } | { kind: 'wait' }>;

export function isRegionEffect(effect: FaultEffect): effect is RegionEffect {
  return effect.kind !== 'link' && effect.kind !== 'wait';
}

export interface FaultRequest {
  action: string;
  parameters: Record<string, unknown>;
  durationMs: number;
}

export interface FaultPlan {
  action: FaultAction;
  /** The parameters with defaults filled in, as recorded. */
  parameters: Record<string, string | number>;
  durationMs: number;
  effects: FaultEffect[];
}

const allowedParameters: Record<FaultAction, readonly string[]> = {
  'aws:network:route-table-disrupt-cross-region-connectivity': ['region', 'to'],
  'aws:dynamodb:global-table-pause-replication': ['region'],
  'aws:ecs:task-network-latency': ['region', 'to', 'delayMilliseconds', 'jitterMilliseconds'],
  'aws:ecs:task-network-packet-loss': ['region', 'to', 'lossPercent'],
  'pangea:region-outage': ['region'],
  'aws:ecs:stop-task': ['region', 'instances'],
  'aws:network:disrupt-connectivity': ['region', 'scope'],
  'pangea:clock-skew': ['region', 'offsetMilliseconds', 'driftPpm'],
  'pangea:health-check-flapping': ['region', 'periodMilliseconds'],
  'aws:fis:wait': [],
};

/** What validation may know about the world beyond its region names. */
export interface FaultWorldFacts {
  /** App instances per region (services.app.instances); unknown regions are not checked. */
  appInstances?: Readonly<Record<string, number>>;
}

const invalid = (message: string): PangeaError => new PangeaError('InvalidFaultParameter', message);

function isFaultAction(action: string): action is FaultAction {
  return (faultActions as readonly string[]).includes(action);
}

function regionParameter(value: unknown, field: string, regions: readonly string[]): string {
  if (typeof value !== 'string' || value === '') throw invalid(`${field} must name a region`);
  if (!regions.includes(value))
    throw invalid(`${field}: unknown region "${value}"${didYouMean(value, regions)}`);
  return value;
}

function numberParameter(value: unknown, field: string, fallback: number, max: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max)
    throw invalid(`${field} must be a number from 0 to ${max}`);
  return value;
}

/** A whole number from min to max (either sign); absent: fallback. */
function integerParameter(value: unknown, field: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw invalid(`${field} must be a whole number from ${min} to ${max}`);
  return value;
}

/** Validates a request against the world's regions; throws PangeaError with a stable code. */
export function planFault(
  request: FaultRequest,
  regions: readonly string[],
  facts: FaultWorldFacts = {},
): FaultPlan {
  const { action, parameters, durationMs } = request;
  if (typeof action !== 'string' || !isFaultAction(action)) {
    const text = String(action);
    throw new PangeaError(
      'UnknownFaultAction',
      `unknown fault action "${text}"${didYouMean(text, faultActions)} (one of ${faultActions.join(', ')})`,
    );
  }
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters))
    throw invalid('parameters must be an object');
  if (!Number.isInteger(durationMs) || durationMs < 1 || durationMs > maxFaultDurationMs)
    throw invalid(`durationMs must be an integer from 1 to ${maxFaultDurationMs}`);
  const allowed = allowedParameters[action];
  for (const [field, value] of Object.entries(parameters)) {
    if (value !== undefined && !allowed.includes(field)) {
      const list = allowed.length > 0 ? allowed.join(', ') : 'none';
      throw invalid(`${action} has no parameter "${field}"${didYouMean(field, allowed)} (takes: ${list})`);
    }
  }
  if (action === 'aws:fis:wait') return { action, parameters: {}, durationMs, effects: [{ kind: 'wait' }] };
  const region = regionParameter(parameters.region, 'region', regions);
  if (action === 'aws:dynamodb:global-table-pause-replication' || action === 'pangea:region-outage') {
    const kind = action === 'pangea:region-outage' ? 'region-outage' : 'pause-replication';
    return { action, parameters: { region }, durationMs, effects: [{ kind, region }] };
  }
  if (action === 'aws:ecs:stop-task') return planStopTask(parameters, region, durationMs, facts);
  if (action === 'aws:network:disrupt-connectivity') {
    const scope = parameters.scope;
    if (scope !== 'dynamodb') {
      const text = String(scope);
      const why =
        scope === undefined
          ? 'scope is required'
          : fisDisruptConnectivityScopes.includes(text)
            ? `scope "${text}" is an FIS scope Pangea does not implement`
            : `unknown scope "${text}"${didYouMean(text, disruptConnectivityScopes)}`;
      throw invalid(`${why} (the only scope Pangea implements is dynamodb)`);
    }
    return {
      action,
      parameters: { region, scope },
      durationMs,
      effects: [{ kind: 'disrupt-dynamodb', region }],
    };
  }
  if (action === 'pangea:clock-skew') {
    const offsetMs = integerParameter(
      parameters.offsetMilliseconds,
      'offsetMilliseconds',
      0,
      -maxClockOffsetMs,
      maxClockOffsetMs,
    );
    const driftPpm = parameters.driftPpm ?? 0;
    if (typeof driftPpm !== 'number' || !Number.isFinite(driftPpm) || Math.abs(driftPpm) > maxClockDriftPpm)
      throw invalid(`driftPpm must be a number from -${maxClockDriftPpm} to ${maxClockDriftPpm}`);
    if (offsetMs === 0 && driftPpm === 0)
      throw invalid('a clock skew needs a non-zero offsetMilliseconds or driftPpm (or both)');
    return {
      action,
      parameters: { region, offsetMilliseconds: offsetMs, driftPpm },
      durationMs,
      effects: [{ kind: 'clock-skew', region, offsetMs, driftPpm }],
    };
  }
  if (action === 'pangea:health-check-flapping') {
    const periodMs = integerParameter(
      parameters.periodMilliseconds,
      'periodMilliseconds',
      defaultFlappingPeriodMs,
      minFlappingPeriodMs,
      maxFlappingPeriodMs,
    );
    return {
      action,
      parameters: { region, periodMilliseconds: periodMs },
      durationMs,
      effects: [{ kind: 'health-check-flapping', region, periodMs }],
    };
  }
  const to = parameters.to === undefined || parameters.to === 'all' ? 'all' : parameters.to;
  if (to !== 'all') regionParameter(to, 'to', regions);
  if (to === region) throw invalid('to must be another region than region');
  const destinations = to === 'all' ? regions.filter((name) => name !== region) : [to as string];
  const resolved: Record<string, string | number> = { region, to: to as string };
  const delta: LinkDelta = { latencyMs: 0, jitterMs: 0, lossPct: 0, partitioned: false };
  if (action === 'aws:network:route-table-disrupt-cross-region-connectivity') {
    delta.partitioned = true;
  } else if (action === 'aws:ecs:task-network-latency') {
    delta.latencyMs = numberParameter(parameters.delayMilliseconds, 'delayMilliseconds', 200, maxDelayMs);
    delta.jitterMs = numberParameter(parameters.jitterMilliseconds, 'jitterMilliseconds', 10, maxDelayMs);
    resolved.delayMilliseconds = delta.latencyMs;
    resolved.jitterMilliseconds = delta.jitterMs;
  } else {
    delta.lossPct = numberParameter(parameters.lossPercent, 'lossPercent', 7, 100);
    resolved.lossPercent = delta.lossPct;
  }
  return {
    action,
    parameters: resolved,
    durationMs,
    effects: destinations.map((destination) => ({
      kind: 'link',
      from: region,
      to: destination,
      delta: { ...delta },
    })),
  };
}

function planStopTask(
  parameters: Record<string, unknown>,
  region: string,
  durationMs: number,
  facts: FaultWorldFacts,
): FaultPlan {
  const fleetSize = facts.appInstances?.[region];
  if (fleetSize === 0)
    throw invalid(`${region} runs no app instances (services.app.instances is 0); there is no task to stop`);
  const max = fleetSize ?? Number.MAX_SAFE_INTEGER;
  const requested = parameters.instances;
  let instances: number | 'all';
  if (requested === undefined || requested === null || requested === 'all') {
    // Default: every app instance of the region, named by number when the world's size is known.
    instances = fleetSize ?? 'all';
  } else {
    if (typeof requested !== 'number' || !Number.isInteger(requested) || requested < 1 || requested > max)
      throw invalid(
        fleetSize === undefined
          ? 'instances must be a whole number >= 1 (or all)'
          : `instances must be a whole number from 1 to ${fleetSize} (${region} runs ${fleetSize} app instances), or all`,
      );
    instances = requested;
  }
  return {
    action: 'aws:ecs:stop-task',
    parameters: { region, instances },
    durationMs,
    effects: [{ kind: 'stop-app-instances', region, instances }],
  };
}

/** One line saying what undoing the plan does, for the record. */
export function describeUndo(plan: FaultPlan): string {
  switch (plan.action) {
    case 'aws:network:route-table-disrupt-cross-region-connectivity':
    case 'aws:ecs:task-network-latency':
    case 'aws:ecs:task-network-packet-loss':
      return `restore ${plan.effects.length} link(s) ${plan.parameters.region} -> ${plan.parameters.to} to their values without this fault`;
    case 'aws:dynamodb:global-table-pause-replication':
      return `resume replication of ${plan.parameters.region}`;
    case 'pangea:region-outage':
      return `start ${plan.parameters.region}`;
    case 'aws:ecs:stop-task':
      return `start the ${plan.parameters.instances === 'all' ? 'stopped' : `${plan.parameters.instances} stopped`} app instance(s) of ${plan.parameters.region} again; the fleet supervises them as before`;
    case 'aws:network:disrupt-connectivity':
      return `restore ${plan.parameters.region}'s connectivity to its DynamoDB endpoint`;
    case 'pangea:clock-skew':
      return `set ${plan.parameters.region}'s wall clock back to real time (its HLC never goes backwards: versions keep increasing)`;
    case 'pangea:health-check-flapping':
      return `probe ${plan.parameters.region}'s health checks for real again`;
    case 'aws:fis:wait':
      return 'nothing';
  }
}
