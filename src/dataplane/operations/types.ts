/**
 * Contract between the protocol layer and the operations: the protocol layer parses the JSON body
 * and calls the handler registered under the X-Amz-Target operation name; a handler validates its
 * input (AWS's order and messages), does the work against the region's store, and returns the
 * response body, or throws a DynamoError.
 */
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
}

export type OperationInput = Record<string, unknown>;
export type OperationOutput = Record<string, unknown>;
export type OperationHandler = (ctx: OperationContext, input: OperationInput) => Promise<OperationOutput>;
