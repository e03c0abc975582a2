/**
 * Change records: what a committed write becomes on its way to the other replicas, and the
 * replicated state of one item. Every state and change carries a causal context, the highest
 * version per origin region that its history has seen (a version vector bounded by the number of
 * replicas); it is what lets merge tell "overwrote it knowingly" from "wrote concurrently".
 * Deletes are tombstones: they keep a version (and context) so an older put arriving late loses.
 */
import type { Item } from '../../dataplane/model.js';
import { compareHlc, type HlcTimestamp, type HybridLogicalClock, maxHlc } from './hlc.js';

/** Per origin region, the highest version of that region this item's history includes. */
export type CausalContext = Readonly<Record<string, HlcTimestamp>>;

interface ChangeCommon {
  readonly table: string;
  /** The key attributes only (hash, and range if any). */
  readonly key: Item;
  readonly version: HlcTimestamp;
  readonly originRegion: string;
  /** Position in the origin's outbound log, from 1, without gaps. */
  readonly originSequence: number;
  /** The version this write replaced at its origin (null: there was no item and no tombstone). */
  readonly replacedVersion: HlcTimestamp | null;
  /** The replaced state's context joined with this write's own version. */
  readonly context: CausalContext;
  /** The origin's physical wall clock at commit, for ReplicationLatency (the version may run ahead of it). */
  readonly committedAtMs: number;
}

export interface PutChange extends ChangeCommon {
  readonly kind: 'put';
  readonly newImage: Item;
}

export interface DeleteChange extends ChangeCommon {
  readonly kind: 'delete';
}

export type ChangeRecord = PutChange | DeleteChange;

export interface LiveState {
  readonly kind: 'live';
  readonly image: Item;
  readonly version: HlcTimestamp;
  readonly context: CausalContext;
}

export interface TombstoneState {
  readonly kind: 'tombstone';
  readonly version: HlcTimestamp;
  readonly context: CausalContext;
}

/** A replica's state for one item; `undefined` means no item and no tombstone (never written, or collected). */
export type ItemState = LiveState | TombstoneState;

/** Stable identity of an item across replicas: table plus key attributes in name order. */
export function itemKeyId(table: string, key: Item): string {
  const attributes = Object.keys(key)
    .sort()
    .map((name) => [name, key[name]]);
  return JSON.stringify([table, attributes]);
}

export function joinContexts(a: CausalContext, b: CausalContext): CausalContext {
  const joined: Record<string, HlcTimestamp> = { ...a };
  for (const [region, version] of Object.entries(b)) {
    const existing = joined[region];
    joined[region] = existing ? maxHlc(existing, version) : version;
  }
  return joined;
}

/** True when the context's history includes `version` (or a later write of the same origin). */
export function contextHasSeen(context: CausalContext, version: HlcTimestamp): boolean {
  const seen = context[version.region];
  return seen !== undefined && compareHlc(seen, version) >= 0;
}

/** The state a replica holds after adopting a change as the item's winner. */
export function stateFromChange(change: ChangeRecord, context: CausalContext = change.context): ItemState {
  if (change.kind === 'put')
    return { kind: 'live', image: change.newImage, version: change.version, context };
  return { kind: 'tombstone', version: change.version, context };
}

export type LocalWrite =
  | { kind: 'put'; table: string; key: Item; newImage: Item }
  | { kind: 'delete'; table: string; key: Item };

export interface LocalCommit {
  hlc: HybridLogicalClock;
  /** The item's current state at this replica, read in the same transaction as the write. */
  current: ItemState | undefined;
  originSequence: number;
  committedAtMs: number;
}

/**
 * Versions a local write. The clock first observes the replaced version (already done on receipt,
 * but state restored from storage may not have been), so the new version is strictly above it.
 */
export function commitLocalWrite(write: LocalWrite, commit: LocalCommit): ChangeRecord {
  const { hlc, current } = commit;
  if (current) hlc.observe(current.version);
  const version = hlc.now();
  const common = {
    table: write.table,
    key: write.key,
    version,
    originRegion: hlc.region,
    originSequence: commit.originSequence,
    replacedVersion: current?.version ?? null,
    context: joinContexts(current?.context ?? {}, { [hlc.region]: version }),
    committedAtMs: commit.committedAtMs,
  };
  if (write.kind === 'put') return { ...common, kind: 'put', newImage: write.newImage };
  return { ...common, kind: 'delete' };
}

const encodedSizes = new WeakMap<ChangeRecord, number>();

/** Approximate wire size (UTF-8 JSON), for batch byte limits; memoised per record. */
export function estimateChangeBytes(change: ChangeRecord): number {
  let size = encodedSizes.get(change);
  if (size === undefined) {
    size = Buffer.byteLength(JSON.stringify(change), 'utf8');
    encodedSizes.set(change, size);
  }
  return size;
}
