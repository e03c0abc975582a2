/**
 * The apply decision for one incoming change against a replica's current state of the item.
 *
 * Definitions (C = incoming change, L = local state):
 * - C is already known when L's context includes C's version: a duplicate (same version) or
 *   superseded (a later write of the same origin, which was written on top of C, was seen).
 *   Nothing changes, which makes applying idempotent.
 * - Otherwise C and L are concurrent when neither's context includes the other's version: neither
 *   writer had seen the other's write. That is a conflict, recorded with winner and loser.
 * - Last writer wins on the version in every case, and the new context is the join of both.
 *   The resulting state is the version-maximal change's image plus the join of every context seen,
 *   both independent of delivery order, so replicas that saw the same changes hold equal states.
 * A tombstone is a state like any other: a later put beats it, an older put arriving late loses.
 */
import type { Item } from '../../dataplane/model.js';
import {
  type CausalContext,
  type ChangeRecord,
  contextHasSeen,
  type ItemState,
  joinContexts,
  stateFromChange,
} from './change.js';
import { compareHlc, type HlcTimestamp } from './hlc.js';

export interface ConflictSide {
  readonly version: HlcTimestamp;
  readonly region: string;
  /** The put's image, or null for a tombstone. */
  readonly image: Item | null;
}

export interface ConflictRecord {
  readonly table: string;
  readonly key: Item;
  readonly winner: ConflictSide;
  readonly loser: ConflictSide;
  readonly detectedAtRegion: string;
  readonly detectedAtMs: number;
}

export type MergeOutcome =
  /** The incoming change is the item's new winner. */
  | 'applied'
  /** The same version is already the state or in its history. */
  | 'duplicate'
  /** A later write of the same origin, made on top of this one, is already known. */
  | 'superseded'
  /** Concurrent with the local state and older: the local state stays (its context grows). */
  | 'lost-conflict';

export interface MergeDecision {
  readonly outcome: MergeOutcome;
  /** What the replica must store (the same object as `local` when nothing changed). */
  readonly state: ItemState;
  readonly changed: boolean;
  readonly conflict?: ConflictRecord;
}

export interface Detection {
  region: string;
  nowMs: number;
}

export function decideMerge(
  local: ItemState | undefined,
  incoming: ChangeRecord,
  at: Detection,
): MergeDecision {
  if (!local) return { outcome: 'applied', state: stateFromChange(incoming), changed: true };
  if (contextHasSeen(local.context, incoming.version)) {
    const duplicate = compareHlc(local.context[incoming.version.region]!, incoming.version) === 0;
    return { outcome: duplicate ? 'duplicate' : 'superseded', state: local, changed: false };
  }
  const concurrent = !contextHasSeen(incoming.context, local.version);
  const context = joinContexts(local.context, incoming.context);
  const incomingWins = compareHlc(incoming.version, local.version) > 0;
  const state = incomingWins ? stateFromChange(incoming, context) : withContext(local, context);
  const conflict = concurrent ? conflictRecord(local, incoming, incomingWins, at) : undefined;
  const outcome: MergeOutcome = incomingWins ? 'applied' : concurrent ? 'lost-conflict' : 'superseded';
  return conflict ? { outcome, state, changed: true, conflict } : { outcome, state, changed: true };
}

function withContext(state: ItemState, context: CausalContext): ItemState {
  return { ...state, context };
}

const sideOfState = (state: ItemState): ConflictSide => ({
  version: state.version,
  region: state.version.region,
  image: state.kind === 'live' ? state.image : null,
});

const sideOfChange = (change: ChangeRecord): ConflictSide => ({
  version: change.version,
  region: change.originRegion,
  image: change.kind === 'put' ? change.newImage : null,
});

function conflictRecord(
  local: ItemState,
  incoming: ChangeRecord,
  incomingWins: boolean,
  at: Detection,
): ConflictRecord {
  const localSide = sideOfState(local);
  const incomingSide = sideOfChange(incoming);
  return {
    table: incoming.table,
    key: incoming.key,
    winner: incomingWins ? incomingSide : localSide,
    loser: incomingWins ? localSide : incomingSide,
    detectedAtRegion: at.region,
    detectedAtMs: at.nowMs,
  };
}
