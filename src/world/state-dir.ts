/**
 * The world's working state under `.pangea/` in the working directory: a lock that makes a second
 * `up` in the same directory fail, world.json that tells the CLI where the admin API is, region
 * data and logs. Data survives down/up; `--fresh` wipes it.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PangeaError } from '../shared/errors.js';

export interface WorldRecord {
  pid: number;
  adminUrl: string;
  startedAt: string;
  topology: string;
}

export const stateDirOf = (cwd: string): string => resolve(cwd, '.pangea');

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readWorldRecord(stateDir: string): WorldRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(join(stateDir, 'world.json'), 'utf8')) as WorldRecord;
    return isAlive(record.pid) ? record : undefined;
  } catch {
    return undefined;
  }
}

export function writeWorldRecord(stateDir: string, record: WorldRecord): void {
  writeFileSync(join(stateDir, 'world.json'), `${JSON.stringify(record, null, 2)}\n`);
}

/** Takes the directory's lock or explains who holds it. A lock left by a dead process is taken over. */
export function acquireLock(stateDir: string): () => void {
  mkdirSync(stateDir, { recursive: true });
  const lockPath = join(stateDir, 'world.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      return () => {
        rmSync(lockPath, { force: true });
        rmSync(join(stateDir, 'world.json'), { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lockPath, 'utf8'));
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new PangeaError(
          'WorldAlreadyRunning',
          `a world is already running in ${resolve(stateDir, '..')} (pid ${holder}); use \`pangea status\`, or \`pangea down\` first`,
        );
      }
      unlinkSync(lockPath);
    }
  }
  throw new PangeaError('LockFailed', `could not take the lock ${lockPath}`);
}

/** Removes region data and logs (the lock must be held). */
export function wipeState(stateDir: string): void {
  for (const entry of ['regions', 'logs']) {
    const path = join(stateDir, entry);
    if (existsSync(path)) rmSync(path, { recursive: true, force: true });
  }
}
