/**
 * Recovery time (RTO) per fault and client location, from what the location's clients saw.
 *
 * Only operations that started at or after the fault's start count. A location is affected when
 * one of them that started while the fault was active ([startMs, endMs], or to the end of load
 * for a fault never undone) failed. From the first such failure:
 * - firstSuccessMs: the end of the first successful operation that started after it;
 * - sustainedMs: the start of the first window of `sustainMs`, opening at a successful
 *   operation's start, in which every operation that started succeeded. A window must fit before
 *   the load ended, otherwise a location that recovered in the last seconds would look healthy on
 *   too little evidence.
 * Both are measured from the fault's start. Indeterminate operations count as failures: the
 * client did not get an answer.
 */
import type { OpRecord, RecoveryTime, RunRecord } from '../model.js';
import { faultEndMs, type JudgedFault } from './scope.js';
import { lowerBound } from './stats.js';

const startOf = (op: OpRecord): number => op.startMs;

/** nextFailure[i] = index of the first failed operation at or after i (ops.length if none). */
function nextFailureIndexes(ops: readonly OpRecord[]): number[] {
  const next = new Array<number>(ops.length + 1).fill(ops.length);
  for (let index = ops.length - 1; index >= 0; index--)
    next[index] = ops[index]?.ok === false ? index : (next[index + 1] ?? ops.length);
  return next;
}

function sustainedStartMs(
  ops: readonly OpRecord[],
  afterIndex: number,
  sustainMs: number,
  loadEndMs: number,
): number | null {
  const nextFailure = nextFailureIndexes(ops);
  for (let index = afterIndex + 1; index < ops.length; index++) {
    const candidate = ops[index];
    if (!candidate?.ok) continue;
    const windowEndMs = candidate.startMs + sustainMs;
    // Candidates only start later from here, so no later window fits either.
    if (windowEndMs > loadEndMs) return null;
    const first = lowerBound(ops, candidate.startMs, startOf);
    const end = lowerBound(ops, windowEndMs, startOf);
    if ((nextFailure[first] ?? ops.length) >= end) return candidate.startMs;
  }
  return null;
}

/** `ops`: one location's operations that started at or after the fault, by start time. */
function recoveryOf(
  fault: JudgedFault,
  location: string,
  ops: readonly OpRecord[],
  sustainMs: number,
  loadEndMs: number,
): RecoveryTime {
  const startMs = fault.event.startMs;
  const activeUntilMs = faultEndMs(fault.event, loadEndMs);
  const failureIndex = ops.findIndex((op) => !op.ok && op.startMs <= activeUntilMs);
  if (failureIndex < 0)
    return { fault: fault.label, location, affected: false, firstSuccessMs: null, sustainedMs: null };
  const firstSuccess = ops.slice(failureIndex + 1).find((op) => op.ok);
  const sustainedAtMs = sustainedStartMs(ops, failureIndex, sustainMs, loadEndMs);
  return {
    fault: fault.label,
    location,
    affected: true,
    firstSuccessMs: firstSuccess ? firstSuccess.endMs - startMs : null,
    sustainedMs: sustainedAtMs === null ? null : sustainedAtMs - startMs,
  };
}

/** Per fault (in order), per location (in order). */
export function recoveryTimes(
  record: RunRecord,
  faults: readonly JudgedFault[],
  locations: readonly string[],
  sustainMs: number,
): RecoveryTime[] {
  const opsByLocation = new Map<string, OpRecord[]>(locations.map((location) => [location, []]));
  for (const op of record.ops) opsByLocation.get(op.location)?.push(op);
  // Array.prototype.sort is stable: equal starts keep the record's order.
  for (const ops of opsByLocation.values()) ops.sort((a, b) => a.startMs - b.startMs);
  return faults.flatMap((fault) =>
    locations.map((location) => {
      const ops = opsByLocation.get(location) ?? [];
      const fromFault = ops.slice(lowerBound(ops, fault.event.startMs, startOf));
      return recoveryOf(fault, location, fromFault, sustainMs, record.loadEndMs);
    }),
  );
}
