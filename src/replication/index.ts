/**
 * Global tables replication: the pure core (versions, merge, bookkeeping) and the engine a region
 * process runs (see README.md for the HTTP endpoints the world controller uses).
 */
export * from './core/index.js';
export {
  type MetricsSnapshot,
  type ReplicationEngineOptions,
  type RunningReplicationEngine,
  startReplicationEngine,
} from './shell/engine.js';
export type { PeerEndpoint } from './shell/http-client.js';
export {
  apiPrefix as replicationApiPrefix,
  type BatchReply,
  paths as replicationPaths,
  type ReplicationErrorCode,
} from './shell/protocol.js';
export { defaultSenderTuning, type SenderTuning } from './shell/sender.js';
