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
}

export type OperationInput = Record<string, unknown>;
export type OperationOutput = Record<string, unknown>;
export type OperationHandler = (ctx: OperationContext, input: OperationInput) => Promise<OperationOutput>;
