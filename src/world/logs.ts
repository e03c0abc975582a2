/** Reading the structured logs back: the last lines of one stream, or of every stream merged by time. */
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

const tailChunkBytes = 256 * 1024;

export interface LogLine {
  stream: string;
  line: string;
  time: string;
}

export function logStreams(stateDir: string): string[] {
  const dir = join(stateDir, 'logs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.log'))
    .map((name) => name.slice(0, -4))
    .sort();
}

/** The last `count` lines of a stream, reading at most a bounded tail of the file. */
export function tailStream(stateDir: string, stream: string, count: number): LogLine[] {
  const path = join(stateDir, 'logs', `${stream}.log`);
  if (!existsSync(path)) return [];
  const sizeBytes = statSync(path).size;
  const startBytes = Math.max(0, sizeBytes - tailChunkBytes);
  const buffer = Buffer.alloc(sizeBytes - startBytes);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, startBytes);
  } finally {
    closeSync(fd);
  }
  const lines = buffer.toString('utf8').split('\n').filter(Boolean);
  if (startBytes > 0) lines.shift();
  return lines.slice(-count).map((line) => ({ stream, line, time: timeOf(line) }));
}

/**
 * The streams `pangea logs <name>` reads: a region's own stream with its app instances' streams
 * (`<region>-app-<i>`), any other stream as named, or every stream.
 */
export function streamsOf(stateDir: string, name: string | undefined): string[] {
  if (!name) return logStreams(stateDir);
  const prefix = `${name}-app-`;
  return [
    name,
    ...logStreams(stateDir).filter(
      (stream) => stream.startsWith(prefix) && /^\d+$/.test(stream.slice(prefix.length)),
    ),
  ];
}

export function tailLogs(stateDir: string, stream: string | undefined, count: number): LogLine[] {
  const streams = streamsOf(stateDir, stream);
  const lines = streams.flatMap((name) => tailStream(stateDir, name, count));
  return lines.sort((a, b) => a.time.localeCompare(b.time)).slice(-count);
}

function timeOf(line: string): string {
  try {
    return String((JSON.parse(line) as { time?: unknown }).time ?? '');
  } catch {
    return '';
  }
}
