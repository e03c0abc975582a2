/**
 * Target selection, as ALB's `load_balancing.algorithm.type`: `round_robin` takes the routable
 * targets in turn; `least_outstanding_requests` takes the one with the fewest requests in flight,
 * ties broken in turn (so an idle group still spreads). Pure: the caller passes the targets.
 */
import type { BalancingAlgorithm } from './types.js';

export interface Candidate {
  routable: boolean;
  inFlight: number;
}

export interface Selector {
  /** The index of the chosen target, or -1 when none is routable. */
  pick(targets: readonly Candidate[]): number;
}

export function createSelector(algorithm: BalancingAlgorithm): Selector {
  let cursor = 0;
  /** The routable targets starting after the last choice, in order. */
  const inTurn = (targets: readonly Candidate[]): number[] => {
    const order: number[] = [];
    for (let step = 0; step < targets.length; step++) {
      const index = (cursor + step) % targets.length;
      if (targets[index]!.routable) order.push(index);
    }
    return order;
  };
  return {
    pick(targets) {
      if (targets.length === 0) return -1;
      const order = inTurn(targets);
      if (order.length === 0) return -1;
      let chosen = order[0]!;
      if (algorithm === 'least_outstanding_requests') {
        for (const index of order) if (targets[index]!.inFlight < targets[chosen]!.inFlight) chosen = index;
      }
      cursor = (chosen + 1) % targets.length;
      return chosen;
    },
  };
}
