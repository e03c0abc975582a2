/**
 * Convergence: whether every region ended with the same data, and how long after the last fault.
 *
 * Regions are compared on their final reads: sets as sorted sets (a set a region does not list is
 * empty there, as everywhere in the checks), counters by value (a missing item is null). A region
 * without a working final read can't be shown to agree, so it counts as differing. The reference
 * state is the most common one (ties go to the region listed first), and regionsDiffering names
 * every region that does not hold it. afterLastFaultMs is measured from quiescence: the later of the
 * last injected fault's end and the load's end (writes go on until the load stops, so replicas can
 * only be identical after both); replicas that already agreed by then count as 0.
 */
import type { FinalRead, GamedayReport, RunRecord } from '../model.js';
import {
  counterNamesOf,
  finalCounterValue,
  finalSetElements,
  okFinalReads,
  setNamesOf,
} from './final-reads.js';
import { type JudgedFault, lastFaultEndMs, replicaRegions } from './scope.js';
import { compareStrings } from './stats.js';

export type Convergence = GamedayReport['convergence'];

function fingerprint(read: FinalRead, sets: readonly string[], counters: readonly string[]): string {
  return JSON.stringify({
    sets: sets.map((set) => [...new Set(finalSetElements(read, set))].sort(compareStrings)),
    counters: counters.map((counter) => finalCounterValue(read, counter)),
  });
}

/** Each region's state (null: no working final read), in region order. */
function regionStates(record: RunRecord): Array<{ region: string; state: string | null }> {
  const reads = okFinalReads(record);
  const sets = setNamesOf(reads);
  const counters = counterNamesOf(reads);
  return replicaRegions(record).map((region) => {
    const read = reads.find((candidate) => candidate.region === region);
    return { region, state: read ? fingerprint(read, sets, counters) : null };
  });
}

function mostCommon(states: ReadonlyArray<string | null>): string | null {
  const counts = new Map<string, number>();
  for (const state of states) if (state !== null) counts.set(state, (counts.get(state) ?? 0) + 1);
  let best: string | null = null;
  let bestCount = 0;
  // Map iteration follows first appearance, so a strict > keeps the first of equals.
  for (const [state, count] of counts)
    if (count > bestCount) {
      best = state;
      bestCount = count;
    }
  return best;
}

export function checkConvergence(record: RunRecord, faults: readonly JudgedFault[]): Convergence {
  const states = regionStates(record);
  const reference = mostCommon(states.map(({ state }) => state));
  const regionsDiffering = states
    .filter(({ state }) => state === null || state !== reference)
    .map(({ region }) => region);
  const converged = states.length > 0 && regionsDiffering.length === 0;
  const afterLastFaultMs =
    converged && record.convergedAtMs !== null
      ? Math.max(
          0,
          record.convergedAtMs - Math.max(lastFaultEndMs(faults, record.loadEndMs), record.loadEndMs),
        )
      : null;
  return { converged, afterLastFaultMs, regionsDiffering };
}
