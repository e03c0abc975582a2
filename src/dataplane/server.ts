/**
 * One region's DynamoDB endpoint: the region's store, its operations behind the JSON protocol,
 * and the TTL sweeper. A request whose credential scope names another region is still served
 * here (a regional endpoint answers whatever reaches it); only with `verifySignatures` is it
 * rejected, as AWS rejects a signature scoped to a region the endpoint does not serve.
 */
import type { Logger } from 'pino';
import { operations } from './operations/index.js';
import { startTtlSweeper } from './operations/ttl-sweeper.js';
import type { OperationContext } from './operations/types.js';
import { startProtocolServer } from './protocol/http-server.js';
import type { OperationRegistry } from './protocol/target.js';
import { openRegionStore } from './storage/index.js';

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
}

export interface RunningDynamoDbServer {
  url: string;
  close(): Promise<void>;
}

/** The account DynamoDB Local reports, so ARNs look familiar to people who used it. */
export const defaultAccountId = '000000000000';

export async function startDynamoDbServer(options: DynamoDbServerOptions): Promise<RunningDynamoDbServer> {
  const nowMs = options.nowMs ?? Date.now;
  const store = await openRegionStore({ dataDir: options.dataDir });
  const context: OperationContext = {
    region: options.region,
    accountId: options.accountId ?? defaultAccountId,
    store,
    nowMs,
    ...(options.tableTransitionDelayMs !== undefined
      ? { tableTransitionDelayMs: options.tableTransitionDelayMs }
      : {}),
  };
  let http: Awaited<ReturnType<typeof startProtocolServer>>;
  try {
    http = await startProtocolServer({
      host: options.host,
      port: options.port,
      region: options.region,
      logger: options.logger,
      context,
      operations: operations as OperationRegistry,
      verifySignatures: options.verifySignatures ?? false,
      credentials: options.credentials ?? {},
      wallClockMs: nowMs,
    });
  } catch (error) {
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
        await store.close();
      })();
      return closing;
    },
  };
}
