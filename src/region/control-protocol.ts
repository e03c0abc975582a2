/**
 * The control channel between the world controller's supervisor and a region process, over the
 * region's IPC channel: the supervisor sends a request with an id, the region answers with the
 * same id. Game-day faults that act inside a region (app tasks stopped, the data tier cut off,
 * the region's clock skewed) are commands here. The supervisor keeps each region's desired
 * `RegionControlState`, hands it to a region process when it spawns one, and sends it again when
 * the process reports ready, so a fault outlives a region restart while it is active.
 */

/** The region's wall clock reads real time + offsetMs + drift accumulated since sinceEpochMs. */
export interface ClockSkewSetting {
  /** A jump, in milliseconds (negative: the clock is behind). */
  offsetMs: number;
  /** The clock runs fast (positive) or slow (negative) by this many parts per million. */
  driftPpm: number;
  /** Real epoch milliseconds from which the drift accumulates (the fault's start). */
  sinceEpochMs: number;
}

/** What the controller wants a region to look like; the normal state has no fault in it. */
export interface RegionControlState {
  /** App instances held stopped (the first n by index), or all of them; 0: none. */
  stoppedAppInstances: number | 'all';
  /** Requests served by the region's own DynamoDB endpoint are dropped (aws:network:disrupt-connectivity). */
  dynamodbDisrupted: boolean;
  clockSkew: ClockSkewSetting | null;
}

export const normalControlState: Readonly<RegionControlState> = Object.freeze({
  stoppedAppInstances: 0,
  dynamodbDisrupted: false,
  clockSkew: null,
});

export type RegionControlCommand =
  | { command: 'stop-app-instances'; instances: number | 'all' }
  | { command: 'disrupt-dynamodb'; disrupted: boolean }
  | { command: 'set-clock-skew'; skew: ClockSkewSetting | null }
  | { command: 'describe' };

/** Supervisor → region. */
export interface RegionControlRequest {
  type: 'control';
  id: number;
  request: RegionControlCommand;
}

/** Region → supervisor: the region's control state after the command, or why it failed. */
export type RegionControlReply =
  | { type: 'control-reply'; id: number; ok: true; state: RegionControlState }
  | { type: 'control-reply'; id: number; ok: false; code: string; message: string };

/** A request unanswered this long fails with RegionControlTimeout (stopping tasks takes up to 2 s). */
export const controlRequestTimeoutMs = 5_000;
/** Requests in flight per region; beyond it, RegionControlBusy. */
export const maxPendingControlRequests = 32;

export const controlFields = ['stoppedAppInstances', 'dynamodbDisrupted', 'clockSkew'] as const;
export type ControlField = (typeof controlFields)[number];

/** The (idempotent) command that sets one field of a region's control state to its value in `state`. */
export function commandFor(field: ControlField, state: RegionControlState): RegionControlCommand {
  switch (field) {
    case 'stoppedAppInstances':
      return { command: 'stop-app-instances', instances: state.stoppedAppInstances };
    case 'dynamodbDisrupted':
      return { command: 'disrupt-dynamodb', disrupted: state.dynamodbDisrupted };
    case 'clockSkew':
      return { command: 'set-clock-skew', skew: state.clockSkew };
  }
}

export function sameControlState(a: RegionControlState, b: RegionControlState): boolean {
  const sameSkew =
    a.clockSkew === null || b.clockSkew === null
      ? a.clockSkew === b.clockSkew
      : a.clockSkew.offsetMs === b.clockSkew.offsetMs &&
        a.clockSkew.driftPpm === b.clockSkew.driftPpm &&
        a.clockSkew.sinceEpochMs === b.clockSkew.sinceEpochMs;
  return (
    a.stoppedAppInstances === b.stoppedAppInstances && a.dynamodbDisrupted === b.dynamodbDisrupted && sameSkew
  );
}
