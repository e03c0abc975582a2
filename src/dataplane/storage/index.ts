/** The region store: LMDB-backed storage behind the RegionStore contract (types.ts). */
export { StorageError, type StorageErrorCode } from './errors.js';
export { type OpenRegionStoreOptions, openRegionStore } from './lmdb-store.js';
export type { QueryRange, RegionStore, ScanRange, SortKeyCondition, WriteTx } from './types.js';
