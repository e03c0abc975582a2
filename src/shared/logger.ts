import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino } from 'pino';

export type Logger = pino.Logger;

/**
 * One structured log stream per component (a region, the world), written synchronously so that
 * the last lines before a kill -9 are on disk when someone reads `pangea logs`.
 */
export function fileLogger(path: string, base: Record<string, unknown>, level = 'info'): Logger {
  mkdirSync(dirname(path), { recursive: true });
  return pino(
    { level, base, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: path, sync: true }),
  );
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
