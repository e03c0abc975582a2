/** Words for numbers, durations and faults in verdicts and findings; fixed formats, no locale. */
import type { CounterCheck, FaultEvent } from '../model.js';
import { compareStrings } from './stats.js';

/** Under a second in whole milliseconds ("180 ms"), above it in seconds with one decimal ("4.2 s"). */
export function formatDuration(durationMs: number): string {
  const roundedMs = Math.round(durationMs);
  if (Math.abs(roundedMs) < 1000) return `${roundedMs} ms`;
  return `${(durationMs / 1000).toFixed(1)} s`;
}

/** An objective's threshold as written by people: "10 s", "2.5 s", "500 ms". */
export function formatLimit(durationMs: number): string {
  return formatDuration(durationMs).replace(/\.0 s$/, ' s');
}

/** Thousands separated by commas: "10,000". */
export function formatCount(count: number): string {
  const sign = count < 0 ? '-' : '';
  const digits = String(Math.abs(Math.round(count)));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function trimZeros(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** A fraction as a percentage: 0.0012 -> "0.12%", 0.25 -> "25%", 0.123 -> "12.3%". */
export function formatPercent(fraction: number): string {
  const percent = fraction * 100;
  if (percent === 0) return '0%';
  const text = Math.abs(percent) >= 1 ? percent.toFixed(1) : percent.toPrecision(2);
  return `${trimZeros(text)}%`;
}

/** "1 write", "3 writes". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : pluralForm}`;
}

/** "a", "a and b", "a, b and c". */
export function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** "pangea:region-outage of us-east-1", prefixed by the step name when the step has its own. */
export function describeFault(event: FaultEvent): string {
  const target = event.regions.length > 0 ? ` of ${listWords(event.regions)}` : '';
  const action = `${event.action}${target}`;
  return event.step === event.action ? action : `${event.step} (${action})`;
}

/** "eu-west-1 (3) and us-east-1 (1)": regions in the given order, any others after them. */
export function regionCounts(counts: Record<string, number>, order: readonly string[]): string {
  const listed = order.filter((region) => region in counts);
  const others = Object.keys(counts)
    .filter((region) => !order.includes(region))
    .sort(compareStrings);
  return listWords([...listed, ...others].map((region) => `${region} (${formatCount(counts[region] ?? 0)})`));
}

/** A counter's final value: "640" when every region agrees, "640 to 700" when not, "unread" without reads. */
export function finalValueWords(check: CounterCheck): string {
  const values = Object.values(check.finalValues).map((value) => value ?? 0);
  if (values.length === 0) return 'unread';
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? formatCount(low) : `${formatCount(low)} to ${formatCount(high)}`;
}
