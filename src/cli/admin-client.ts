/** The CLI's side of the admin API: finds the running world of the working directory and calls it. */
import { PangeaError } from '../shared/errors.js';
import { requestAdmin } from '../world/admin-request.js';
import { readWorldRecord, stateDirOf } from '../world/state-dir.js';

export function adminUrl(cwd: string): string {
  const fromEnv = process.env.PANGEA_ADMIN_URL;
  if (fromEnv) return fromEnv;
  const record = readWorldRecord(stateDirOf(cwd));
  if (!record)
    throw new PangeaError('NoWorld', `no world is running in ${cwd}; start one with \`pangea up\``);
  return record.adminUrl;
}

export function callAdmin<T>(cwd: string, method: string, path: string, body?: unknown): Promise<T> {
  return requestAdmin<T>(adminUrl(cwd), method, path, body);
}
