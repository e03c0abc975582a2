/**
 * A set-full checker over the run's sets, after Jepsen's `set-full`
 * (https://jepsen-io.github.io/jepsen/jepsen.checker.html#var-set-full): adds of single elements,
 * reads that return a whole set, and a per-element history of where each element was seen.
 * Written from the definitions below, adapted to a run that ends with one final read per region.
 *
 * Inputs
 * - An element is a (set, element) pair from an operation's `write`; it is *attempted* when some
 *   operation wrote it, *acknowledged* when one of them succeeded (its ack time is the earliest such
 *   end), and *definitely failed* when every write of it failed without being indeterminate. Its add
 *   *completed* at its ack time, or else at the last end of its writes. Elements that reads return
 *   but no operation wrote (older data) are not judged.
 * - A read is an operation with `read` that succeeded ([startMs, endMs], its elements), or a final
 *   read that worked, which reads every set at the run's end (start = end = record.endMs; a set it
 *   does not list reads as empty).
 *
 * Per element
 * - known: acknowledged, or present in some read.
 * - lost: known, and absent from the final read of at least one region.
 * - stable: known, and present in every final read (and there is at least one), hence present in
 *   every read that began after some time t. For an acknowledged element t is the start of the first
 *   read that began after the last read that began after the ack and missed it; its stable latency
 *   is t - ack, 0 when no read missed it.
 * - stale read: a read that began after an element's ack and did not return it. A read is counted
 *   once however many elements it missed; final reads count too (a loss shows there as well).
 * - never read: attempted, not definitely failed, and no read other than the final ones began after
 *   its add completed, so the clients never had a chance to see it.
 * - recovered: present in some read though no add of it was acknowledged (an indeterminate add
 *   that took effect; a definitely failed one that shows up is counted here too).
 * "Began after" is strict: a read that started in the millisecond of the ack may have been sent first.
 */
import type { OpRecord, RunRecord, SetCheck } from '../model.js';
import { elementId, finalSetElements, okFinalReads, setNamesOf } from './final-reads.js';
import { compareStrings, latencySummary, upperBound } from './stats.js';

/** Lost elements the report lists; the verdicts and findings count all of them. */
export const reportedLostLimit = 1000;

interface ElementHistory {
  id: string;
  set: string;
  element: string;
  ackMs: number | null;
  completedMs: number;
  definitelyFailed: boolean;
}

interface SetRead {
  /** One id per read operation or final read, shared by every set a final read covers. */
  readId: number;
  startMs: number;
  /** The region of a final read; null for the clients' reads. */
  finalRegion: string | null;
  elements: ReadonlySet<string>;
}

export interface SetFullResult {
  /** With every lost element (the report caps the list). */
  check: SetCheck;
  /** Lost elements whose add was acknowledged, by id. */
  lostAcknowledged: string[];
  /** Per region, how many lost acknowledged elements its final read lacks. */
  lostAcknowledgedByRegion: Record<string, number>;
}

function elementHistories(ops: readonly OpRecord[]): ElementHistory[] {
  const writesById = new Map<string, { set: string; element: string; writes: OpRecord[] }>();
  for (const op of ops) {
    if (!op.write) continue;
    const id = elementId(op.write.set, op.write.element);
    const entry = writesById.get(id);
    if (entry) entry.writes.push(op);
    else writesById.set(id, { ...op.write, writes: [op] });
  }
  return [...writesById.entries()].map(([id, { set, element, writes }]) => {
    const acks = writes.filter((op) => op.ok).map((op) => op.endMs);
    const ackMs = acks.length > 0 ? Math.min(...acks) : null;
    return {
      id,
      set,
      element,
      ackMs,
      completedMs: ackMs ?? Math.max(...writes.map((op) => op.endMs)),
      definitelyFailed: writes.every((op) => !op.ok && !op.indeterminate),
    };
  });
}

/** Every read per set, by start time (final reads last, at the run's end). */
function readsBySet(record: RunRecord, sets: readonly string[]): Map<string, SetRead[]> {
  const bySet = new Map<string, SetRead[]>(sets.map((set) => [set, []]));
  let readId = 0;
  for (const op of record.ops) {
    if (!op.ok || !op.read) continue;
    const read = {
      readId: readId++,
      startMs: op.startMs,
      finalRegion: null,
      elements: new Set(op.read.elements),
    };
    bySet.get(op.read.set)?.push(read);
  }
  for (const finalRead of okFinalReads(record)) {
    const id = readId++;
    for (const set of sets)
      bySet.get(set)?.push({
        readId: id,
        startMs: record.endMs,
        finalRegion: finalRead.region,
        elements: new Set(finalSetElements(finalRead, set)),
      });
  }
  for (const reads of bySet.values()) reads.sort((a, b) => a.startMs - b.startMs);
  return bySet;
}

function allSetNames(record: RunRecord): string[] {
  const names = new Set(setNamesOf(okFinalReads(record)));
  for (const op of record.ops) {
    if (op.write) names.add(op.write.set);
    if (op.read) names.add(op.read.set);
  }
  return [...names].sort(compareStrings);
}

/** Reads of the element's set that began strictly after `afterMs`. */
function readsAfter(reads: readonly SetRead[], afterMs: number): readonly SetRead[] {
  return reads.slice(upperBound(reads, afterMs, (read) => read.startMs));
}

/** t - ack for a stable acknowledged element (see the header). */
function stableLatencyMs(
  readsAfterAck: readonly SetRead[],
  element: string,
  ackMs: number,
  endMs: number,
): number {
  let lastMiss: SetRead | undefined;
  for (const read of readsAfterAck) if (!read.elements.has(element)) lastMiss = read;
  if (!lastMiss) return 0;
  const missStartMs = lastMiss.startMs;
  const next = readsAfterAck.find((read) => read.startMs > missStartMs);
  return (next?.startMs ?? endMs) - ackMs;
}

interface ElementOutcome {
  /** Regions whose final read lacks a known element. */
  lostFrom: string[];
  stable: boolean;
  recovered: boolean;
  neverRead: boolean;
  staleReadIds: number[];
  stableLatencyMs: number | null;
}

function judgeElement(history: ElementHistory, reads: readonly SetRead[], endMs: number): ElementOutcome {
  const { element, ackMs } = history;
  const seen = reads.some((read) => read.elements.has(element));
  const known = ackMs !== null || seen;
  const finals = reads.flatMap(({ finalRegion, elements }) =>
    finalRegion === null ? [] : [{ region: finalRegion, elements }],
  );
  const lostFrom = known
    ? finals.filter((read) => !read.elements.has(element)).map((read) => read.region)
    : [];
  const stable = known && finals.length > 0 && lostFrom.length === 0;
  const readAfterAdd = readsAfter(reads, history.completedMs).some((read) => read.finalRegion === null);
  const readsAfterAck = ackMs === null ? [] : readsAfter(reads, ackMs);
  return {
    lostFrom,
    stable,
    recovered: seen && ackMs === null,
    neverRead: !history.definitelyFailed && !readAfterAdd,
    staleReadIds: readsAfterAck.filter((read) => !read.elements.has(element)).map((read) => read.readId),
    stableLatencyMs: stable && ackMs !== null ? stableLatencyMs(readsAfterAck, element, ackMs, endMs) : null,
  };
}

export function checkSets(record: RunRecord): SetFullResult {
  const bySet = readsBySet(record, allSetNames(record));
  const histories = elementHistories(record.ops).sort((a, b) => compareStrings(a.id, b.id));
  const lost: string[] = [];
  const lostAcknowledged: string[] = [];
  const lostAcknowledgedByRegion: Record<string, number> = {};
  const staleReadIds = new Set<number>();
  const stableLatenciesMs: number[] = [];
  let stable = 0;
  let neverRead = 0;
  let recovered = 0;
  for (const history of histories) {
    const outcome = judgeElement(history, bySet.get(history.set) ?? [], record.endMs);
    if (outcome.lostFrom.length > 0) {
      lost.push(history.id);
      if (history.ackMs !== null) {
        lostAcknowledged.push(history.id);
        for (const region of outcome.lostFrom)
          lostAcknowledgedByRegion[region] = (lostAcknowledgedByRegion[region] ?? 0) + 1;
      }
    }
    if (outcome.stable) stable++;
    if (outcome.neverRead) neverRead++;
    if (outcome.recovered) recovered++;
    for (const readId of outcome.staleReadIds) staleReadIds.add(readId);
    if (outcome.stableLatencyMs !== null) stableLatenciesMs.push(outcome.stableLatencyMs);
  }
  return {
    check: {
      attempted: histories.length,
      acknowledged: histories.filter((history) => history.ackMs !== null).length,
      stable,
      lost,
      neverRead,
      staleReads: staleReadIds.size,
      recovered,
      stableLatency: latencySummary(stableLatenciesMs),
    },
    lostAcknowledged,
    lostAcknowledgedByRegion,
  };
}
