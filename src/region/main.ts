/**
 * Entry point of one region's process tree. It starts everything that dies with the region and
 * exits as soon as its supervisor goes away (the IPC channel closes), so no region outlives the
 * world, even when the world is killed with -9.
 */

import { errorMessage, isPangeaError } from '../shared/errors.js';
import { fileLogger } from '../shared/logger.js';
import { type RegionMessage, type RegionProcessConfig, regionConfigEnv } from './config.js';
import { listenForControl, regionControl } from './control.js';
import { startRegionServices } from './services.js';

function send(message: RegionMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  if (!process.send) {
    console.error('pangea region processes are started by `pangea up`, not by hand');
    process.exit(2);
  }
  process.on('disconnect', () => process.exit(0));
  const config = JSON.parse(process.env[regionConfigEnv] ?? '{}') as RegionProcessConfig;
  const logger = fileLogger(config.logPath, { region: config.region.name }, config.logLevel);
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception; region process exits');
    process.exit(70);
  });
  try {
    const services = await startRegionServices(config, logger, send);
    const stop = async (signal: string) => {
      logger.info({ signal }, 'region stopping');
      await services.close();
      logger.info('region stopped');
      process.exit(0);
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
    // Game-day faults inside the region arrive as control requests on the IPC channel.
    const control = regionControl(services.controlTargets, logger, config.control);
    listenForControl(process, control, logger);
    logger.info({ endpoints: services.endpoints, pid: process.pid }, 'region ready');
    send({ type: 'ready', endpoints: services.endpoints });
  } catch (error) {
    const code = isPangeaError(error) ? error.code : 'RegionStartFailed';
    logger.fatal({ err: error }, 'region failed to start');
    send({ type: 'fatal', code, message: errorMessage(error) });
    process.exit(1);
  }
}

void main();
