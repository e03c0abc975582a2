/** Errors that cross a component boundary carry a stable code that callers and tests match on. */
export class PangeaError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'PangeaError';
  }
}

export const isPangeaError = (error: unknown): error is PangeaError => error instanceof PangeaError;

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
