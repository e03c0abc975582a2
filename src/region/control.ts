/**
 * The region process's end of the control channel (control-protocol.ts): one small function per
 * command, acting on the region's services through the handles they expose. Commands run one at a
 * time in arrival order, so a stop of app instances finishes before the next command changes them
 * again. Every command is idempotent: the supervisor may send the same state again after a restart.
 */
import { errorMessage, isPangeaError, PangeaError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { RegionWallClock } from './control-clock.js';
import {
  type ClockSkewSetting,
  normalControlState,
  type RegionControlCommand,
  type RegionControlReply,
  type RegionControlRequest,
  type RegionControlState,
} from './control-protocol.js';

/** What the region's services let the control channel change. */
export interface RegionControlTargets {
  /** Absent when the region runs no app (services.app.instances is 0). */
  appFleet?: { setStoppedInstances(instances: number | 'all'): Promise<void> };
  dynamodb: { setDisrupted(disrupted: boolean): void };
  clock: RegionWallClock;
}

export interface RegionControl {
  /** Runs one command and answers with the state after it. */
  handle(command: RegionControlCommand): Promise<RegionControlState>;
  state(): RegionControlState;
}

export function regionControl(
  targets: RegionControlTargets,
  logger: Logger,
  initial: RegionControlState = normalControlState,
): RegionControl {
  const state: RegionControlState = { ...initial };
  const context = { targets, state, logger };
  let queue: Promise<unknown> = Promise.resolve();
  const run = async (command: RegionControlCommand): Promise<RegionControlState> => {
    switch (command.command) {
      case 'stop-app-instances':
        await stopAppInstances(context, command.instances);
        break;
      case 'disrupt-dynamodb':
        disruptDynamoDb(context, command.disrupted);
        break;
      case 'set-clock-skew':
        setClockSkew(context, command.skew);
        break;
      case 'describe':
        break;
      default:
        throw new PangeaError(
          'UnknownRegionControlCommand',
          `unknown control command "${String((command as { command?: unknown }).command)}"`,
        );
    }
    return { ...state };
  };
  return {
    handle(command) {
      const result = queue.then(() => run(command));
      queue = result.catch(() => undefined);
      return result;
    },
    state: () => ({ ...state }),
  };
}

interface ControlContext {
  targets: RegionControlTargets;
  state: RegionControlState;
  logger: Logger;
}

/** aws:ecs:stop-task: SIGTERM, SIGKILL after a short grace; the fleet keeps them down until released. */
async function stopAppInstances(context: ControlContext, instances: number | 'all'): Promise<void> {
  const valid = instances === 'all' || (Number.isInteger(instances) && instances >= 0);
  if (!valid) throw new PangeaError('InvalidRegionControl', `instances must be "all" or a whole number >= 0`);
  const { appFleet } = context.targets;
  if (!appFleet) {
    if (instances === 0) return;
    throw new PangeaError('RegionHasNoApp', 'this region runs no app instances');
  }
  await appFleet.setStoppedInstances(instances);
  context.state.stoppedAppInstances = instances;
  context.logger.warn({ stoppedAppInstances: instances }, 'control: app instances held stopped');
}

/** aws:network:disrupt-connectivity (scope dynamodb): the region's own DynamoDB endpoint drops requests. */
function disruptDynamoDb(context: ControlContext, disrupted: boolean): void {
  if (typeof disrupted !== 'boolean')
    throw new PangeaError('InvalidRegionControl', 'disrupted must be true or false');
  context.targets.dynamodb.setDisrupted(disrupted);
  context.state.dynamodbDisrupted = disrupted;
  context.logger.warn({ dynamodbDisrupted: disrupted }, 'control: DynamoDB connectivity changed');
}

/** pangea:clock-skew: the wall clock the data plane stamps time with. */
function setClockSkew(context: ControlContext, skew: ClockSkewSetting | null): void {
  const finite = (value: unknown) => typeof value === 'number' && Number.isFinite(value);
  if (skew !== null && !(finite(skew?.offsetMs) && finite(skew?.driftPpm) && finite(skew?.sinceEpochMs)))
    throw new PangeaError('InvalidRegionControl', 'skew needs finite offsetMs, driftPpm and sinceEpochMs');
  context.targets.clock.setSkew(skew);
  context.state.clockSkew = skew ? { ...skew } : null;
  context.logger.warn({ clockSkew: skew }, 'control: wall clock skew changed');
}

/** What a region process needs of its IPC channel. */
export interface ControlPort {
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
  send?(message: RegionControlReply): unknown;
}

/** Answers control requests arriving on `port` (the region process's IPC); returns the detach function. */
export function listenForControl(port: ControlPort, control: RegionControl, logger: Logger): () => void {
  const listener = (message: unknown) => {
    if (!isControlRequest(message)) return;
    const { id } = message;
    control.handle(message.request).then(
      (state) => port.send?.({ type: 'control-reply', id, ok: true, state }),
      (error: unknown) => {
        logger.warn({ err: error, request: message.request }, 'control request failed');
        const code = isPangeaError(error) ? error.code : 'RegionControlFailed';
        port.send?.({ type: 'control-reply', id, ok: false, code, message: errorMessage(error) });
      },
    );
  };
  port.on('message', listener);
  return () => port.off('message', listener);
}

function isControlRequest(message: unknown): message is RegionControlRequest {
  const candidate = message as Partial<RegionControlRequest> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    candidate.type === 'control' &&
    typeof candidate.id === 'number' &&
    typeof candidate.request === 'object' &&
    candidate.request !== null
  );
}
