/** `node dist/src/app/setup-main.js`: creates the global tables and seeds the catalogue, then exits. */
import { pino } from 'pino';
import { ConfigError, loadConfig } from './config.js';
import { DynamoClients } from './dynamo.js';
import { errorName } from './errors.js';
import { setUpTables } from './setup.js';

async function main(): Promise<number> {
  const logger = pino({ base: { service: 'storefront-setup' }, timestamp: pino.stdTimeFunctions.isoTime });
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    logger.fatal({ error: error.message }, 'bad configuration');
    return 2;
  }
  const clients = new DynamoClients(config.region);
  try {
    await setUpTables({ config, clients, logger });
    logger.info({ regions: config.regions }, 'setup complete');
    return 0;
  } catch (error) {
    logger.error({ error: errorName(error), message: (error as Error).message }, 'setup failed');
    return 1;
  } finally {
    clients.destroy();
  }
}

process.exitCode = await main();
