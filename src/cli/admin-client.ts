/** The CLI's side of the admin API: finds the running world of the working directory and calls it. */
import { PangeaError } from '../shared/errors.js';
import { readWorldRecord, stateDirOf } from '../world/state-dir.js';

export function adminUrl(cwd: string): string {
  const fromEnv = process.env.PANGEA_ADMIN_URL;
  if (fromEnv) return fromEnv;
  const record = readWorldRecord(stateDirOf(cwd));
  if (!record)
    throw new PangeaError('NoWorld', `no world is running in ${cwd}; start one with \`pangea up\``);
  return record.adminUrl;
}

export async function callAdmin<T>(cwd: string, method: string, path: string, body?: unknown): Promise<T> {
  const base = adminUrl(cwd);
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new PangeaError(
      'AdminUnreachable',
      `the world's admin API at ${base} does not answer (${(error as Error).message})`,
    );
  }
  const payload = (await response.json().catch(() => ({}))) as { error?: { code: string; message: string } };
  if (!response.ok) {
    throw new PangeaError(
      payload.error?.code ?? 'AdminError',
      payload.error?.message ?? `admin API answered ${response.status}`,
    );
  }
  return payload as T;
}
