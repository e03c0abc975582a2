/**
 * Contract between the protocol layer and the operations: the protocol layer parses the JSON body
 * and calls the handler registered under the X-Amz-Target operation name; a handler validates its
 * input (AWS's order and messages), does the work against the region's store, and returns the
 * response body, or throws a DynamoError.
 */
import type { TableMeta } from '../model.js';
import type { RegionStore } from '../storage/types.js';

export interface OperationContext {
  /** The AWS region this data plane is (e.g. "eu-west-1"). */
  region: string;
  /** The 12-digit account id used in ARNs. */
  accountId: string;
  store: RegionStore;
  /** Injected clock, epoch milliseconds. */
  nowMs(): number;
  /**
   * The host (and port, if any) the client addressed, e.g. "127.0.1.1:8000"; DescribeEndpoints
   * answers with it. When absent, `dynamodb.<region>.amazonaws.com`.
   */
  endpointHost?: string;
  /**
   * How long CREATING/UPDATING/DELETING last before the table (or index) settles, in milliseconds.
   * AWS takes seconds to minutes; the default 0 settles right after the response is sent, so the
   * response still says CREATING and the SDK waiters' first DescribeTable already sees ACTIVE.
   */
  tableTransitionDelayMs?: number;
  /** The region's global-tables engine; absent without replication. */
  replication?: ReplicationControl;
}

export type OperationInput = Record<string, unknown>;
export type OperationOutput = Record<string, unknown>;
export type OperationHandler = (ctx: OperationContext, input: OperationInput) => Promise<OperationOutput>;

/**
 * What the table operations need from the replication engine (the region's global-tables
 * machinery) to manage replicas. Absent when a data plane runs without replication (unit tests,
 * benchmarks): replica operations then fail with a ValidationException naming the region.
 */
export interface ReplicationControl {
  /** The regions of the world this region can replicate to (other than itself). */
  peerRegions(): string[];
  /**
   * Creates the replica of `table` in `region` (same name, key schema, indexes, billing, stream)
   * and starts backfilling it from this region while writes continue. Resolves once the remote
   * region has accepted (its replica is CREATING); the replica turns ACTIVE by itself when the
   * backfill is done, and every replica's `replicas` list is kept current by the engine.
   * Throws a DynamoError when the region is unreachable or already has a table of that name.
   */
  createReplica(table: TableMeta, region: string): Promise<void>;
  /** Deletes the replica in `region` and removes it from every other replica's `replicas`. */
  deleteReplica(table: TableMeta, region: string): Promise<void>;
  /**
   * Sends a changed table definition (indexes, billing, TTL, replicas list) to every other replica,
   * as AWS keeps global table settings in sync. Best effort with retries; never blocks a write.
   */
  propagateTableMeta(table: TableMeta): Promise<void>;
  /** Describes a table in another region (for DescribeGlobalTable), or undefined if absent. */
  describeRemoteTable(tableName: string, region: string): Promise<TableMeta | undefined>;
}
