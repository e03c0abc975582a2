/** The client side of the world's admin API: one JSON request, errors as PangeaError with the world's code. */
import { PangeaError } from '../shared/errors.js';

export async function requestAdmin<T>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  timeoutMs = 30_000,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new PangeaError(
      'AdminUnreachable',
      `the world's admin API at ${baseUrl} does not answer (${(error as Error).message})`,
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
