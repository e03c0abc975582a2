/** `pangea logs --follow`: prints lines appended to the log files, polling (works for any file system). */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { streamsOf } from '../world/logs.js';

const pollMs = 300;
const maxReadBytes = 1024 * 1024;

export async function followLogs(
  stateDir: string,
  stream: string | undefined,
  print: (line: string) => void,
): Promise<never> {
  const offsets = new Map<string, number>();
  const files = () => streamsOf(stateDir, stream).map((name) => join(stateDir, 'logs', `${name}.log`));
  for (const file of files()) offsets.set(file, existsSync(file) ? statSync(file).size : 0);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    for (const file of files()) {
      if (!existsSync(file)) continue;
      const sizeBytes = statSync(file).size;
      const fromBytes = Math.min(offsets.get(file) ?? 0, sizeBytes);
      const length = Math.min(sizeBytes - fromBytes, maxReadBytes);
      if (length <= 0) continue;
      const buffer = Buffer.alloc(length);
      const fd = openSync(file, 'r');
      readSync(fd, buffer, 0, length, fromBytes);
      closeSync(fd);
      const text = buffer.toString('utf8');
      const complete = text.lastIndexOf('\n') + 1;
      offsets.set(file, fromBytes + complete);
      for (const line of text.slice(0, complete).split('\n').filter(Boolean)) print(line);
    }
  }
}
