/**
 * Counters: whether each counter's final value can be explained by the increments the clients made.
 *
 * Acknowledged increments must all be there; indeterminate ones may or may not have applied, so the
 * acceptable range is [acknowledged, acknowledged + indeterminate] (sums of amounts). A missing
 * counter item reads as 0 for the range. With no working final read a counter can't be shown to be
 * in range, so it is not. lostIncrements is how far the lowest final value falls short of the
 * acknowledged sum: under last-writer-wins, concurrent increments in two regions overwrite each
 * other instead of adding up.
 */
import type { CounterCheck, OpRecord, RunRecord } from '../model.js';
import { counterNamesOf, finalCounterValue, okFinalReads } from './final-reads.js';
import { compareStrings } from './stats.js';

function sumAmounts(ops: readonly OpRecord[], counter: string, include: (op: OpRecord) => boolean): number {
  let sum = 0;
  for (const op of ops) if (op.increment?.counter === counter && include(op)) sum += op.increment.amount;
  return sum;
}

function counterNames(record: RunRecord): string[] {
  const names = new Set(counterNamesOf(okFinalReads(record)));
  for (const op of record.ops) if (op.increment) names.add(op.increment.counter);
  return [...names].sort(compareStrings);
}

function checkCounter(record: RunRecord, counter: string): CounterCheck {
  const acknowledged = sumAmounts(record.ops, counter, (op) => op.ok);
  const indeterminate = sumAmounts(record.ops, counter, (op) => !op.ok && op.indeterminate);
  const range: [number, number] = [acknowledged, acknowledged + indeterminate];
  const finalValues: Record<string, number | null> = {};
  for (const read of okFinalReads(record)) finalValues[read.region] = finalCounterValue(read, counter);
  const values = Object.values(finalValues).map((value) => value ?? 0);
  const lowest = values.length > 0 ? Math.min(...values) : acknowledged;
  return {
    counter,
    acknowledged,
    indeterminate,
    range,
    finalValues,
    inRange: values.length > 0 && values.every((value) => value >= range[0] && value <= range[1]),
    lostIncrements: Math.max(0, acknowledged - lowest),
  };
}

/** One check per counter that was incremented or read at the end, by name. */
export function checkCounters(record: RunRecord): CounterCheck[] {
  return counterNames(record).map((counter) => checkCounter(record, counter));
}
