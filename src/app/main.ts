/**
 * The app's entry point: reads standard configuration, starts the heartbeat and the HTTP server,
 * logs JSON lines, and on SIGTERM/SIGINT stops taking new connections, lets in-flight requests
 * finish, then exits 0.
 */
import { pino } from 'pino';
import { ConfigError, loadConfig } from './config.js';
import { createDeps } from './deps.js';
import { buildServer } from './server.js';
import { setUpTables } from './setup.js';

/** Longest a shutdown may take before in-flight requests are abandoned. */
const drainTimeoutMs = 10_000;

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    pino().fatal({ error: error.message }, 'bad configuration');
    process.exit(2);
  }
  const logger = pino({
    level: config.logLevel,
    base: { service: 'storefront', region: config.region, instanceId: config.instanceId },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
  // Node's warnings (the SDK's runtime notices among them) go to the JSON log, not bare stderr.
  process.removeAllListeners('warning');
  process.on('warning', (warning) =>
    logger.warn({ warning: warning.name, message: warning.message }, 'warning'),
  );
  const deps = createDeps(config, logger);
  const server = buildServer(deps);
  deps.monitor.start();
  if (config.autoSetup) {
    setUpTables({ config, clients: deps.clients, logger }).catch((error: Error) =>
      logger.error({ error: error.message }, 'automatic setup failed'),
    );
  }
  await server.listen({ host: config.host, port: config.port });
  logger.info({ host: config.host, port: config.port, regions: config.regions }, 'storefront listening');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining connections');
    const forced = setTimeout(() => {
      logger.warn('drain timed out; exiting');
      process.exit(1);
    }, drainTimeoutMs);
    forced.unref();
    await server.close();
    await deps.monitor.stop();
    deps.clients.destroy();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: Error) => {
  pino().fatal({ error: error.message }, 'storefront failed to start');
  process.exit(1);
});
