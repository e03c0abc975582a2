/**
 * Public surface of the pure replication core: versions, change records, the merge decision,
 * tombstone GC, per-peer outbound/inbound bookkeeping, lag stats and pause state. No I/O here;
 * the shell that persists and ships changes builds on these.
 */
export { type BackoffPolicy, backoffDelayMs, defaultBackoffPolicy, unjitteredBackoffMs } from './backoff.js';
export {
  type CausalContext,
  type ChangeRecord,
  commitLocalWrite,
  contextHasSeen,
  type DeleteChange,
  estimateChangeBytes,
  type ItemState,
  itemKeyId,
  joinContexts,
  type LiveState,
  type LocalCommit,
  type LocalWrite,
  type PutChange,
  stateFromChange,
  type TombstoneState,
} from './change.js';
export {
  compareHlc,
  decodeHlc,
  encodeHlc,
  type HlcOptions,
  type HlcTimestamp,
  HybridLogicalClock,
  hlcEquals,
  type ObserveResult,
} from './hlc.js';
export { type BatchHeader, InboundTracker } from './inbound.js';
export { type LagStats, type LagWindowLimits, ReplicationLagStats } from './lag.js';
export {
  type ConflictRecord,
  type ConflictSide,
  decideMerge,
  type MergeDecision,
  type MergeOutcome,
} from './merge.js';
export {
  type BatchLimits,
  defaultBatchLimits,
  type OriginSnapshot,
  OutboundLog,
  type OutboundOptions,
  planBatchSize,
  type ReplicationBatch,
} from './outbound.js';
export { type PausePhase, type PauseRequest, ReplicationPause } from './pause.js';
export { type ClockSkew, SkewedClock } from './skewed-clock.js';
export { collectableTombstoneKeys, isTombstoneCollectable } from './tombstones.js';
