/** The services a region runs; later components (replication, app, balancer) add theirs here. */
import { join } from 'node:path';
import { startDynamoDbServer } from '../dataplane/index.js';
import { PangeaError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { RegionProcessConfig } from './config.js';

export interface RunningServices {
  endpoints: Record<string, string>;
  close(): Promise<void>;
}

export async function startRegionServices(
  config: RegionProcessConfig,
  logger: Logger,
): Promise<RunningServices> {
  const { region } = config;
  const dynamodb = await startDynamoDbServer({
    host: region.address,
    port: region.services.dynamodb.port,
    region: region.name,
    dataDir: join(config.dataDir, 'dynamodb'),
    logger: logger.child({ service: 'dynamodb' }),
  }).catch((error: NodeJS.ErrnoException) => {
    throw new PangeaError(
      error.code === 'EADDRINUSE' ? 'PortInUse' : 'DynamoDbStartFailed',
      `${region.name}: DynamoDB endpoint could not start on ${region.address}:${region.services.dynamodb.port}: ${error.message}`,
    );
  });
  return {
    endpoints: { dynamodb: dynamodb.url },
    async close() {
      await dynamodb.close();
    },
  };
}
