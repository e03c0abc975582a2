/** Everything the checkers computed, as the verdicts and findings read it. */
import type { CounterCheck, LocationSummary, RecoveryPoint, RecoveryTime, RunRecord } from '../model.js';
import type { Convergence } from './convergence.js';
import type { JudgedFault } from './scope.js';
import type { SetFullResult } from './set-full.js';
import type { Totals } from './summary.js';

export interface Analysis {
  record: RunRecord;
  /** The recovery window the recovery times used. */
  sustainMs: number;
  faults: JudgedFault[];
  locations: string[];
  regions: string[];
  totals: Totals;
  locationSummaries: LocationSummary[];
  recoveryTimes: RecoveryTime[];
  recoveryPoints: RecoveryPoint[];
  sets: SetFullResult;
  counters: CounterCheck[];
  convergence: Convergence;
}

/** The fault a recovery result names (labels are unique). */
export function faultLabelled(analysis: Analysis, label: string): JudgedFault | undefined {
  return analysis.faults.find((fault) => fault.label === label);
}
