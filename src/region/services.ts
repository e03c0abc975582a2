/** The services a region runs; later components (replication, app, balancer) add theirs here. */
import { join } from 'node:path';
import { startDynamoDbServer } from '../dataplane/index.js';
import type { ReplicationFactory } from '../dataplane/server.js';
import { startReplicationEngine } from '../replication/index.js';
import { PangeaError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { randomSeed, seededRandom } from '../shared/random.js';
import type { RegionProcessConfig } from './config.js';

const dayMs = 24 * 60 * 60 * 1000;

/** The global-tables engine on region.address:replication port; peers are reached through their WAN faces. */
function replicationFactory(
  config: RegionProcessConfig,
  logger: Logger,
  urls: { replication?: string },
): ReplicationFactory {
  const { region, topology } = config;
  return async ({ store, context }) => {
    const seed = randomSeed();
    const engineLogger = logger.child({ service: 'replication' });
    engineLogger.info({ seed }, 'replication engine random seed');
    const engine = await startReplicationEngine({
      store,
      host: region.address,
      port: region.services.replication.port,
      peers: topology.regions
        .filter((peer) => peer.name !== region.name)
        .map((peer) => ({ region: peer.name, host: peer.wanAddress, port: peer.services.replication.port })),
      localAddress: region.address,
      accountId: context.accountId,
      logger: engineLogger,
      random: seededRandom(seed),
    }).catch((error: NodeJS.ErrnoException) => {
      throw new PangeaError(
        error.code === 'EADDRINUSE' ? 'PortInUse' : 'ReplicationStartFailed',
        `${region.name}: replication endpoint could not start on ${region.address}:${region.services.replication.port}: ${error.message}`,
      );
    });
    urls.replication = engine.url;
    return { control: engine.control, close: () => engine.close() };
  };
}

export interface RunningServices {
  endpoints: Record<string, string>;
  close(): Promise<void>;
}

export async function startRegionServices(
  config: RegionProcessConfig,
  logger: Logger,
): Promise<RunningServices> {
  const { region } = config;
  const urls: { replication?: string } = {};
  const dynamodb = await startDynamoDbServer({
    host: region.address,
    port: region.services.dynamodb.port,
    region: region.name,
    dataDir: join(config.dataDir, 'dynamodb'),
    logger: logger.child({ service: 'dynamodb' }),
    streamRetentionMs:
      config.topology.timing.timeScale > 0 ? dayMs / config.topology.timing.timeScale : dayMs,
    replication: replicationFactory(config, logger, urls),
  }).catch((error: NodeJS.ErrnoException) => {
    if (error instanceof PangeaError) throw error;
    throw new PangeaError(
      error.code === 'EADDRINUSE' ? 'PortInUse' : 'DynamoDbStartFailed',
      `${region.name}: DynamoDB endpoint could not start on ${region.address}:${region.services.dynamodb.port}: ${error.message}`,
    );
  });
  return {
    endpoints: { dynamodb: dynamodb.url, ...(urls.replication ? { replication: urls.replication } : {}) },
    async close() {
      await dynamodb.close();
    },
  };
}
