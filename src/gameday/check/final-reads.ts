/**
 * Reading the final reads. A set a region's final read does not list counts as empty there: a
 * region that holds none of a set's elements may simply not know the set exists, and reading it
 * as "not judged" would hide exactly the losses the check is for.
 */
import type { FinalRead, RunRecord } from '../model.js';
import { compareStrings } from './stats.js';

export function okFinalReads(record: RunRecord): FinalRead[] {
  return record.finalReads.filter((read) => read.ok);
}

export function finalSetElements(read: FinalRead, set: string): string[] {
  return read.sets[set] ?? [];
}

export function finalCounterValue(read: FinalRead, counter: string): number | null {
  return read.counters[counter] ?? null;
}

export function setNamesOf(reads: readonly FinalRead[]): string[] {
  return [...new Set(reads.flatMap((read) => Object.keys(read.sets)))].sort(compareStrings);
}

export function counterNamesOf(reads: readonly FinalRead[]): string[] {
  return [...new Set(reads.flatMap((read) => Object.keys(read.counters)))].sort(compareStrings);
}

/** An element's identity across the run: element strings are only unique within their set. */
export function elementId(set: string, element: string): string {
  return `${set}/${element}`;
}
