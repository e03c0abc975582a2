/**
 * The fault catalogue: actions named after AWS FIS actions (plus `pangea:region-outage`), as pure
 * data and validation. A request `{action, parameters, durationMs}` becomes a plan of effects that
 * the runner applies and undoes; nothing here touches the world.
 * https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html
 */
import { PangeaError } from '../../shared/errors.js';
import { didYouMean } from '../../shared/text.js';

/** FIS experiments run for at most 12 hours. */
export const maxFaultDurationMs = 12 * 60 * 60 * 1000;
const maxDelayMs = 60_000;

export const faultActions = [
  'aws:network:route-table-disrupt-cross-region-connectivity',
  'aws:dynamodb:global-table-pause-replication',
  'aws:ecs:task-network-latency',
  'aws:ecs:task-network-packet-loss',
  'pangea:region-outage',
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
  | { kind: 'wait' };

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
  'aws:fis:wait': [],
};

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

/** Validates a request against the world's regions; throws PangeaError with a stable code. */
export function planFault(request: FaultRequest, regions: readonly string[]): FaultPlan {
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
    case 'aws:fis:wait':
      return 'nothing';
  }
}
