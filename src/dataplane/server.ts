/**
 * One region's DynamoDB endpoint: the region's store, its operations behind the JSON protocol,
 * and the TTL sweeper. A request whose credential scope names another region is served here (a
 * regional endpoint answers whatever reaches it; with `verifySignatures` it is rejected, as AWS
 * rejects a signature scoped to a region the endpoint does not serve), unless `forwardOtherRegions`
 * is given: inside a world, a request signed for another world region travels there through the
 * WAN (forward.ts), as the SDK's request would on AWS.
 */
import type http from 'node:http';
import type { Logger } from 'pino';
import { type RegionForwarding, type RegionForwardingOptions, regionForwarding } from './forward.js';
import { operations } from './operations/index.js';
import { streamsOperations } from './operations/streams/index.js';
import { startTtlSweeper } from './operations/ttl-sweeper.js';
import type { OperationContext, ReplicationControl } from './operations/types.js';
import { startProtocolServer } from './protocol/http-server.js';
import type { OperationRegistry } from './protocol/target.js';
import { epochClock, openRegionStore, type ReplicatedRegionStore } from './storage/index.js';

/** What a replication engine gives the data plane; started after the store opens, closed before it closes. */
export interface ReplicationAttachment {
  control: ReplicationControl;
  close(): Promise<void>;
}

/** Starts the region's replication engine over the store (absent: the data plane runs alone). */
export type ReplicationFactory = (deps: {
  store: ReplicatedRegionStore;
  context: OperationContext;
}) => Promise<ReplicationAttachment>;

export interface DynamoDbServerOptions {
  host: string;
  port: number;
  region: string;
  /** 12-digit account id used in ARNs. */
  accountId?: string;
  dataDir: string;
  /** Recompute every SigV4 signature against `credentials` (access key id → secret key). */
  verifySignatures?: boolean;
  credentials?: Record<string, string>;
  logger: Logger;
  /** Epoch milliseconds; injected by tests. Defaults to Date.now. */
  nowMs?: () => number;
  /** How long tables stay CREATING/UPDATING/DELETING (see OperationContext); the operations' default if absent. */
  tableTransitionDelayMs?: number;
  /** Stream records are kept this long (24 h divided by the world's time scale). */
  streamRetentionMs?: number;
  /** Starts the global-tables engine once the store is open; absent without replication. */
  replication?: ReplicationFactory;
  /** Pass requests signed for another world region on to it through the WAN (opt-in; forward.ts). */
  forwardOtherRegions?: Omit<RegionForwardingOptions, 'region' | 'logger'>;
  /**
   * While this answers true, every request the endpoint would serve itself is dropped without an
   * answer (its connection is destroyed): what a client sees when the route from its subnet to the
   * regional DynamoDB endpoint is blocked (FIS `aws:network:disrupt-connectivity` with scope
   * `dynamodb`, https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html#network-actions-reference).
   * Requests passed on to another region (`forwardOtherRegions`) still travel, and replication,
   * which has its own endpoint, is untouched.
   */
  networkDisrupted?: () => boolean;
}

export interface RunningDynamoDbServer {
  url: string;
  close(): Promise<void>;
}

/** Cross-region forwarding first (those requests leave the region), then the disruption check. */
function interceptor(
  forwarding: RegionForwarding | undefined,
  networkDisrupted: (() => boolean) | undefined,
): (req: http.IncomingMessage, res: http.ServerResponse) => boolean {
  return (req, res) => {
    if (forwarding?.intercept(req, res)) return true;
    if (!networkDisrupted?.()) return false;
    // No answer at all: the SDK sees a network error (reset connection), never a DynamoDB error.
    // A real blocked route would time out instead; failing at once keeps game days short.
    req.socket.destroy();
    return true;
  };
}

/** The account DynamoDB Local reports, so ARNs look familiar to people who used it. */
export const defaultAccountId = '000000000000';

export async function startDynamoDbServer(options: DynamoDbServerOptions): Promise<RunningDynamoDbServer> {
  const nowMs = options.nowMs ?? Date.now;
  const store = await openRegionStore({
    dataDir: options.dataDir,
    regionName: options.region,
    // The store's physical clock is the injected wall clock (versions, stream record times).
    clock: options.nowMs ? { ...epochClock, nowMs } : epochClock,
    ...(options.streamRetentionMs !== undefined ? { streamRetentionMs: options.streamRetentionMs } : {}),
  });
  const context: OperationContext = {
    region: options.region,
    accountId: options.accountId ?? defaultAccountId,
    store,
    nowMs,
    ...(options.tableTransitionDelayMs !== undefined
      ? { tableTransitionDelayMs: options.tableTransitionDelayMs }
      : {}),
  };
  const forwarding = options.forwardOtherRegions
    ? regionForwarding({ ...options.forwardOtherRegions, region: options.region, logger: options.logger })
    : undefined;
  let http: Awaited<ReturnType<typeof startProtocolServer>>;
  let replication: ReplicationAttachment | undefined;
  try {
    if (options.replication) {
      replication = await options.replication({ store, context });
      context.replication = replication.control;
    }
    http = await startProtocolServer({
      host: options.host,
      port: options.port,
      region: options.region,
      logger: options.logger,
      context,
      operations: operations as OperationRegistry,
      streamsOperations,
      verifySignatures: options.verifySignatures ?? false,
      credentials: options.credentials ?? {},
      wallClockMs: nowMs,
      ...(forwarding || options.networkDisrupted
        ? { intercept: interceptor(forwarding, options.networkDisrupted) }
        : {}),
    });
  } catch (error) {
    await replication?.close();
    await store.close();
    throw error;
  }
  const sweeper = startTtlSweeper(context, {
    onError: (error) => options.logger.warn({ err: error }, 'ttl sweep failed; retrying next tick'),
  });
  options.logger.info(
    { url: http.url, verifySignatures: options.verifySignatures ?? false },
    'dynamodb endpoint listening',
  );
  let closing: Promise<void> | undefined;
  return {
    url: http.url,
    close() {
      closing ??= (async () => {
        await sweeper.stop();
        await http.close();
        forwarding?.close();
        await replication?.close();
        await store.close();
      })();
      return closing;
    },
  };
}
