/** Errors raised by the storage engine, each with a stable machine-readable code. */
export type StorageErrorCode =
  | 'INVALID_NUMBER'
  | 'INVALID_KEY_TYPE'
  | 'MISSING_KEY_ATTRIBUTE'
  | 'UNKNOWN_INDEX'
  | 'INVALID_START_KEY'
  | 'INVALID_SEGMENT'
  | 'STORE_CLOSED'
  | 'NESTED_TRANSACTION';

export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'StorageError';
  }
}
