/**
 * Tombstone garbage collection. A tombstone may go once its version is at or below the stable
 * frontier (see InboundTracker.stableFrontier): every replica has applied it, and every change
 * still to arrive here was written by a region that had already applied it, so that change both
 * sorts after the tombstone and has it in its causal context. Without the tombstone the outcome of
 * merging such a change is therefore the same, and nothing can resurrect. Until then it is kept,
 * however long a region stays partitioned or paused.
 */
import type { ItemState } from './change.js';
import { compareHlc, type HlcTimestamp } from './hlc.js';

export function isTombstoneCollectable(
  state: ItemState | undefined,
  stableFrontier: HlcTimestamp | null,
): boolean {
  if (state?.kind !== 'tombstone' || !stableFrontier) return false;
  return compareHlc(state.version, stableFrontier) <= 0;
}

/** The keys whose tombstones may be removed now. */
export function collectableTombstoneKeys<K>(
  states: Iterable<readonly [K, ItemState]>,
  stableFrontier: HlcTimestamp | null,
): K[] {
  if (!stableFrontier) return [];
  const keys: K[] = [];
  for (const [key, state] of states) {
    if (isTombstoneCollectable(state, stableFrontier)) keys.push(key);
  }
  return keys;
}
