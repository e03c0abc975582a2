/**
 * What the checkers range over, derived once from the record: the client locations, the regions
 * and the faults (with the labels the report uses for them).
 */
import type { FaultEvent, RunRecord } from '../model.js';
import { compareStrings } from './stats.js';

/** A fault that was injected, with its unique label in the report (`RecoveryTime.fault`, ...). */
export interface JudgedFault {
  label: string;
  event: FaultEvent;
}

function uniqueInOrder(names: Iterable<string>): string[] {
  return [...new Set(names)];
}

/** The configured names first (their order is the scenario's), then any others seen, sorted. */
function withExtras(configured: readonly string[], seen: Iterable<string>): string[] {
  const known = new Set(configured);
  const extras = uniqueInOrder(seen)
    .filter((name) => !known.has(name))
    .sort(compareStrings);
  return [...uniqueInOrder(configured), ...extras];
}

/** Client locations of the load, plus any location an operation came from. */
export function clientLocations(record: RunRecord): string[] {
  const { locations } = record.scenario.load;
  const configured = locations === 'all' ? record.world.locations : locations;
  return withExtras(
    configured,
    record.ops.map((op) => op.location),
  );
}

/** The world's regions, plus any other region an operation or final read names. */
export function regionNames(record: RunRecord): string[] {
  const seen = [
    ...record.ops.flatMap((op) => (op.region === null ? [] : [op.region])),
    ...record.finalReads.map((read) => read.region),
  ];
  return withExtras(record.world.regions, seen);
}

/** Regions that hold replicas: the world's, plus any other region a final read came from. */
export function replicaRegions(record: RunRecord): string[] {
  return withExtras(
    record.world.regions,
    record.finalReads.map((read) => read.region),
  );
}

/**
 * Faults that were injected (a fault whose injection failed never happened, so failures during its
 * slot are not its doing), labelled by step name; a repeated step name gets " #2", " #3", ...
 */
export function judgedFaults(record: RunRecord): JudgedFault[] {
  const seen = new Map<string, number>();
  const labelled = record.faults.map((event) => {
    const occurrence = (seen.get(event.step) ?? 0) + 1;
    seen.set(event.step, occurrence);
    return { label: occurrence === 1 ? event.step : `${event.step} #${occurrence}`, event };
  });
  return labelled.filter(({ event }) => event.faultId !== null);
}

/** A fault still active when the load stopped counts as lasting until then. */
export function faultEndMs(event: FaultEvent, loadEndMs: number): number {
  return event.endMs ?? loadEndMs;
}

/** When the last fault ended (the end of load when there were none). */
export function lastFaultEndMs(faults: readonly JudgedFault[], loadEndMs: number): number {
  if (faults.length === 0) return loadEndMs;
  return Math.max(...faults.map(({ event }) => faultEndMs(event, loadEndMs)));
}
