/**
 * The replication wire protocol between region engines, and the control/observability endpoints
 * the world controller calls. JSON over HTTP/1.1 (keep-alive), all under /replication/v1.
 * Shapes here are the contract; README.md documents them for the controller side.
 */
import type { WireChange } from '../../dataplane/storage/index.js';

export const apiPrefix = '/replication/v1';

export const paths = {
  batch: `${apiPrefix}/batch`,
  backfill: `${apiPrefix}/backfill`,
  createTable: `${apiPrefix}/tables/create`,
  tableMeta: `${apiPrefix}/tables/meta`,
  deleteTable: `${apiPrefix}/tables/delete`,
  /** GET `${tables}/<TableName>` */
  tables: `${apiPrefix}/tables`,
  pause: `${apiPrefix}/pause`,
  resume: `${apiPrefix}/resume`,
  metrics: `${apiPrefix}/metrics`,
  conflicts: `${apiPrefix}/conflicts`,
} as const;

/** Batch header on the wire: versions in their string encoding. */
export interface WireBatchHeader {
  origin: string;
  destination: string;
  /** First sequence the batch covers (for a heartbeat: the next unsent one). */
  firstSequence: number;
  /** Last sequence it covers: records not destined to the receiver are skipped but covered. */
  lastSequence: number;
  originHighSequence: number;
  originClock: string;
  originAppliedFrontier: string | null;
}

export interface BatchRequest {
  header: WireBatchHeader;
  records: WireChange[];
}

/** Reply to a batch (also the body of its 409/503 refusals): the contiguous sequence applied. */
export interface BatchReply {
  ackedSequence: number;
  code?: ReplicationErrorCode;
}

export interface BackfillRequest {
  sourceRegion: string;
  tableName: string;
  /** Item states as changes (sequence 0, origin = the version's region). */
  records: WireChange[];
}

/** Stable codes carried in error bodies `{ code, message }`. */
export type ReplicationErrorCode =
  | 'SequenceGap'
  | 'ReplicationPaused'
  | 'TableAlreadyExists'
  | 'TableNotFound'
  | 'BadRequest'
  | 'NotFound'
  | 'PeerUnreachable'
  | 'PeerError'
  | 'Internal';

export class ReplicationError extends Error {
  constructor(
    readonly code: ReplicationErrorCode,
    message: string,
    readonly statusCode = 500,
    readonly body: Record<string, unknown> = {},
  ) {
    super(`${code}: ${message}`);
    this.name = 'ReplicationError';
  }
}
