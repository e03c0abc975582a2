/**
 * The services a region runs: the DynamoDB endpoint (which passes requests signed for another
 * region on through the WAN), the replication engine, the app instances and their load balancer.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDynamoDbServer } from '../dataplane/index.js';
import type { ReplicationFactory } from '../dataplane/server.js';
import { startReplicationEngine } from '../replication/index.js';
import { errorMessage, PangeaError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { randomSeed, seededRandom } from '../shared/random.js';
import { type AppFleet, startAppFleet } from './apps.js';
import { type RunningLoadBalancer, startLoadBalancer } from './balancer/index.js';
import type { RegionMessage, RegionProcessConfig, RegionTargetStatus } from './config.js';
import type { RegionControlTargets } from './control.js';
import { RegionWallClock } from './control-clock.js';
import { normalControlState } from './control-protocol.js';

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
  /** What game-day faults change inside the region (src/region/control.ts). */
  controlTargets: RegionControlTargets;
  close(): Promise<void>;
}

/** The reference app (src/app/main.ts, compiled). */
export const referenceAppEntry = fileURLToPath(new URL('../app/main.js', import.meta.url));

/** ALB's health-check timeout is 5 s by default and must be shorter than the interval. */
function healthCheckTimeoutMs(intervalMs: number): number {
  return Math.min(5_000, Math.max(100, Math.floor(intervalMs * 0.8)));
}

/** Where a request signed for another world region goes: that region's WAN face, from this region. */
function crossRegionForwarding(config: RegionProcessConfig) {
  const { region, topology } = config;
  return {
    localAddress: region.address,
    resolveRegion: (name: string) => {
      const peer = topology.regions.find((candidate) => candidate.name === name);
      return peer && peer.name !== region.name
        ? { host: peer.wanAddress, port: peer.services.dynamodb.port }
        : undefined;
    },
  };
}

/**
 * The app instances and the load balancer in front of them (none when app.instances is 0).
 * Target and instance states are reported to the supervisor as they change.
 */
async function startAppTier(
  config: RegionProcessConfig,
  logger: Logger,
  dynamodbUrl: string,
  report: (message: RegionMessage) => void,
): Promise<{ url: string; fleet: AppFleet; close(): Promise<void> } | undefined> {
  const { region, topology } = config;
  const { app, loadBalancer } = region.services;
  if (app.instances <= 0) return undefined;
  let balancer: RunningLoadBalancer | undefined;
  let reportQueued = false;
  const reportTargets = () => {
    if (reportQueued) return;
    reportQueued = true;
    setImmediate(() => {
      reportQueued = false;
      const views = new Map((balancer?.targets() ?? []).map((view) => [view.id, view]));
      const targets: RegionTargetStatus[] = fleet.status().map((instance) => {
        const view = views.get(instance.id);
        return {
          id: instance.id,
          target: view?.target ?? `${region.address}:${instance.port}`,
          health: view?.health ?? 'initial',
          reason: view ? view.reason : 'Elb.RegistrationInProgress',
          inFlight: view?.inFlight ?? 0,
          pid: instance.pid,
          process: instance.process,
          restarts: instance.restarts,
          lastExit: instance.lastExit,
        };
      });
      report({ type: 'targets', targets });
    });
  };
  const fleet = startAppFleet({
    region: region.name,
    regions: topology.regions.map((candidate) => candidate.name),
    host: region.address,
    basePort: app.basePort,
    instances: app.instances,
    entry: app.entry ?? referenceAppEntry,
    dynamodbUrl,
    logDir: dirname(config.logPath),
    regionDir: config.dataDir,
    logger: logger.child({ service: 'app' }),
    onChange: reportTargets,
    // A stop-task fault active when the region (re)starts keeps its instances down from the start.
    stoppedInstances: config.control?.stoppedAppInstances ?? 0,
  });
  const timing = topology.timing.loadBalancer;
  try {
    balancer = await startLoadBalancer({
      host: region.address,
      port: loadBalancer.port,
      algorithm: loadBalancer.algorithm,
      targets: fleet.status().map((instance) => ({
        id: instance.id,
        host: region.address,
        port: instance.port,
      })),
      healthCheck: {
        path: loadBalancer.healthCheckPath ?? '/health/live',
        intervalMs: timing.intervalMs,
        timeoutMs: healthCheckTimeoutMs(timing.intervalMs),
        healthyThreshold: timing.healthyThreshold,
        unhealthyThreshold: timing.unhealthyThreshold,
      },
      logger: logger.child({ service: 'loadBalancer' }),
      onChange: reportTargets,
    });
  } catch (error) {
    await fleet.stop();
    const code = (error as NodeJS.ErrnoException).code;
    throw new PangeaError(
      code === 'EADDRINUSE' ? 'PortInUse' : 'LoadBalancerStartFailed',
      `${region.name}: load balancer could not start on ${region.address}:${loadBalancer.port}: ${errorMessage(error)}`,
    );
  }
  reportTargets();
  const running = balancer;
  return {
    url: running.url,
    fleet,
    async close() {
      // Drain the balancer (targets deregistered, in-flight requests finish), then the instances.
      await running.close();
      await fleet.stop();
    },
  };
}

export async function startRegionServices(
  config: RegionProcessConfig,
  logger: Logger,
  report: (message: RegionMessage) => void = () => {},
): Promise<RunningServices> {
  const { region } = config;
  const control = config.control ?? normalControlState;
  const urls: { replication?: string } = {};
  // The data plane's wall clock, skewed while a pangea:clock-skew fault is active.
  const clock = new RegionWallClock(Date.now, control.clockSkew);
  let dynamodbDisrupted = control.dynamodbDisrupted;
  const dynamodb = await startDynamoDbServer({
    host: region.address,
    port: region.services.dynamodb.port,
    region: region.name,
    dataDir: join(config.dataDir, 'dynamodb'),
    logger: logger.child({ service: 'dynamodb' }),
    streamRetentionMs:
      config.topology.timing.timeScale > 0 ? dayMs / config.topology.timing.timeScale : dayMs,
    replication: replicationFactory(config, logger, urls),
    forwardOtherRegions: crossRegionForwarding(config),
    nowMs: () => clock.nowMs(),
    networkDisrupted: () => dynamodbDisrupted,
  }).catch((error: NodeJS.ErrnoException) => {
    if (error instanceof PangeaError) throw error;
    throw new PangeaError(
      error.code === 'EADDRINUSE' ? 'PortInUse' : 'DynamoDbStartFailed',
      `${region.name}: DynamoDB endpoint could not start on ${region.address}:${region.services.dynamodb.port}: ${error.message}`,
    );
  });
  let appTier: Awaited<ReturnType<typeof startAppTier>>;
  try {
    appTier = await startAppTier(config, logger, dynamodb.url, report);
  } catch (error) {
    await dynamodb.close();
    throw error;
  }
  return {
    endpoints: {
      dynamodb: dynamodb.url,
      ...(urls.replication ? { replication: urls.replication } : {}),
      ...(appTier ? { loadBalancer: appTier.url } : {}),
    },
    controlTargets: {
      ...(appTier ? { appFleet: appTier.fleet } : {}),
      dynamodb: {
        setDisrupted: (disrupted) => {
          dynamodbDisrupted = disrupted;
        },
      },
      clock,
    },
    async close() {
      await appTier?.close();
      await dynamodb.close();
    },
  };
}
