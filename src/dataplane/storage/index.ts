/** The region store: LMDB-backed storage behind the RegionStore contract (types.ts). */
export { StorageError, type StorageErrorCode } from './errors.js';
export { epochClock, type OpenRegionStoreOptions, openRegionStore } from './lmdb-store.js';
export {
  type AckWatermark,
  type ApplyResult,
  type ConflictQuery,
  changeFromState,
  type ItemStateEntry,
  type ItemStatesPage,
  type OutboundEntry,
  type ReplicatedRegionStore,
  type ReplicationWriteTx,
  replicaDestinations,
  type StoredChange,
  toChangeRecord,
  toStoredChange,
  type WireChange,
  type WriteOptions,
} from './replication-types.js';
export type {
  QueryRange,
  RegionStore,
  ScanRange,
  SortKeyCondition,
  StreamLogReader,
  StreamRecord,
  WriteTx,
} from './types.js';
