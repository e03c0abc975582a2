/**
 * The world controller: reads the topology, owns the WAN fabric, the region supervisor, the global
 * layer (edge endpoint now; DNS, accelerator and dashboard later) and the admin API. It lives
 * outside every region, like AWS's global services: a region dying never takes it down.
 */
import type http from 'node:http';
import { join } from 'node:path';
import { startEdgeServer } from '../dataplane/index.js';
import { FaultRunner } from '../gameday/faults/runner.js';
import { systemClock } from '../shared/clock.js';
import { PangeaError } from '../shared/errors.js';
import { fileLogger, type Logger } from '../shared/logger.js';
import { randomSeed, seededRandom } from '../shared/random.js';
import { WanFabric } from '../wan/fabric.js';
import { startAdminServer } from './admin-api.js';
import { adminRoutes } from './admin-routes.js';
import { ReplicationMonitor } from './replication.js';
import { acquireLock, stateDirOf, wipeState, writeWorldRecord } from './state-dir.js';
import type { WorldStatus } from './status.js';
import { Supervisor } from './supervisor.js';
import type { Topology } from './topology/types.js';
import { TrafficLayer } from './traffic.js';

export interface WorldOptions {
  topology: Topology;
  cwd: string;
  fresh: boolean;
  logLevel?: string;
  /** Seed of the WAN's jitter and loss draws (recorded in the world log). */
  seed?: number;
}

type Closer = () => Promise<void> | void;

export class World {
  readonly stateDir: string;
  readonly logger: Logger;
  readonly supervisor: Supervisor;
  /** Global-table replication as the regions report it (metrics, pause, conflicts). */
  readonly replication: ReplicationMonitor;
  readonly fabric: WanFabric;
  /** Faults named after AWS FIS actions, undone after their duration (src/gameday/faults). */
  readonly faults: FaultRunner;
  private readonly closers: Closer[] = [];
  private readonly startedAt = new Date().toISOString();
  private adminUrl = '';
  private edgeUrl: string | null = null;
  /** Health checks, DNS and accelerator; set once started (see traffic.ts). */
  private trafficLayer: TrafficLayer | undefined;
  private stopping: Promise<void> | undefined;
  private readonly stopListeners: Array<() => void> = [];

  private constructor(
    readonly topology: Topology,
    options: WorldOptions,
  ) {
    this.stateDir = stateDirOf(options.cwd);
    const logLevel = options.logLevel ?? 'info';
    this.logger = fileLogger(join(this.stateDir, 'logs', 'world.log'), { component: 'world' }, logLevel);
    const seed = options.seed ?? randomSeed();
    this.logger.info({ seed, topology: topology.source }, 'world starting');
    this.fabric = new WanFabric(topology, {
      clock: systemClock,
      random: seededRandom(seed),
      logger: this.logger,
    });
    this.supervisor = new Supervisor({ topology, stateDir: this.stateDir, logger: this.logger, logLevel });
    this.replication = new ReplicationMonitor(
      topology,
      (region) => this.supervisor.regionStatus(region).state === 'running',
      this.logger,
    );
    this.faults = new FaultRunner({
      clock: systemClock,
      regions: topology.regions.map((region) => region.name),
      fabric: this.fabric,
      supervisor: this.supervisor,
      replication: this.replication,
      // The traffic layer starts after the runner exists; a fault before that is TrafficNotReady.
      traffic: {
        startHealthCheckFlapping: (region, periodMs) =>
          this.traffic.startHealthCheckFlapping(region, periodMs),
        stopHealthCheckFlapping: (region) => this.trafficLayer?.stopHealthCheckFlapping(region),
      },
      facts: {
        appInstances: Object.fromEntries(
          topology.regions.map((region) => [region.name, region.services.app.instances]),
        ),
      },
      logger: this.logger,
    });
  }

  /** Starts everything or nothing: on any failure, what was started is stopped and the lock released. */
  static async start(options: WorldOptions): Promise<World> {
    const stateDir = stateDirOf(options.cwd);
    const release = acquireLock(stateDir);
    if (options.fresh) wipeState(stateDir);
    const world = new World(options.topology, options);
    world.closers.push(release);
    try {
      await world.startComponents();
    } catch (error) {
      world.logger.error({ err: error }, 'world failed to start');
      await world.stop();
      throw error;
    }
    world.logger.info({ adminUrl: world.adminUrl }, 'world ready');
    return world;
  }

  private async startComponents(): Promise<void> {
    const { global } = this.topology;
    const admin = await startAdminServer(global.host, global.adminPort, adminRoutes(this), this.logger);
    this.closers.push(() => closeServer(admin));
    this.adminUrl = `http://${global.host}:${global.adminPort}`;
    await this.fabric.start().catch(async (error) => {
      await this.fabric.close();
      throw error;
    });
    this.closers.push(() => this.fabric.close());
    const edge = await startEdgeServer({
      host: global.host,
      port: global.edgePort,
      logger: this.logger.child({ component: 'edge' }),
      listRegions: () => this.topology.regions.map((region) => region.name),
      resolveRegion: (name) => {
        const region = this.topology.regions.find((candidate) => candidate.name === name);
        return region ? { host: region.address, port: region.services.dynamodb.port } : undefined;
      },
    }).catch((error: NodeJS.ErrnoException) => {
      throw new PangeaError(
        'PortInUse',
        `edge endpoint: cannot listen on ${global.host}:${global.edgePort} (${error.code ?? error.message}); is DynamoDB Local or another world running?`,
      );
    });
    this.closers.push(() => edge.close());
    this.edgeUrl = edge.url;
    const traffic = await TrafficLayer.start(this.topology, this.fabric, this.logger);
    this.closers.push(() => traffic.stop());
    this.trafficLayer = traffic;
    this.closers.push(() => this.supervisor.stopAll());
    await this.supervisor.startAll();
    this.replication.start();
    this.closers.push(() => this.replication.stop());
    this.closers.push(() => this.faults.close());
    writeWorldRecord(this.stateDir, {
      pid: process.pid,
      adminUrl: this.adminUrl,
      startedAt: this.startedAt,
      topology: this.topology.source,
    });
  }

  /** Stops regions, then the global layer, then releases the lock. Safe to call more than once. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.logger.info('world stopping');
      for (const close of [...this.closers].reverse()) {
        try {
          await close();
        } catch (error) {
          this.logger.warn({ err: error }, 'error while stopping');
        }
      }
      this.logger.info('world stopped');
      for (const listener of this.stopListeners) listener();
    })();
    return this.stopping;
  }

  /** The global traffic layer; `TrafficNotReady` while the world is still starting. */
  get traffic(): TrafficLayer {
    if (!this.trafficLayer) throw new PangeaError('TrafficNotReady', 'the traffic layer is not running yet');
    return this.trafficLayer;
  }

  onStop(listener: () => void): void {
    this.stopListeners.push(listener);
  }

  status(): WorldStatus {
    const regionStatus = new Map(this.supervisor.status().map((status) => [status.name, status]));
    return {
      world: {
        name: this.topology.name,
        pid: process.pid,
        startedAt: this.startedAt,
        profile: this.topology.timing.profile,
        topology: this.topology.source,
      },
      regions: this.topology.regions.map((spec) => {
        const status = regionStatus.get(spec.name);
        return {
          name: spec.name,
          state: status?.state ?? 'stopped',
          ready: status?.ready ?? false,
          pid: status?.pid ?? null,
          startedAt: status?.startedAt ?? null,
          restarts: status?.restarts ?? 0,
          lastExit: status?.lastExit ?? null,
          address: spec.address,
          wanAddress: spec.wanAddress,
          endpoints: {
            dynamodb: `http://${spec.address}:${spec.services.dynamodb.port}`,
            replication: `http://${spec.address}:${spec.services.replication.port}`,
            loadBalancer:
              spec.services.app.instances > 0
                ? `http://${spec.address}:${spec.services.loadBalancer.port}`
                : null,
          },
          targets: status?.targets ?? [],
        };
      }),
      endpoints: {
        aws: this.edgeUrl,
        dns: this.trafficLayer?.endpoints().dns ?? null,
        accelerator: this.trafficLayer?.endpoints().accelerator ?? null,
        dashboard: null,
        admin: this.adminUrl,
      },
      locations: this.topology.locations.map(({ name, continent, country, addressRange }) => ({
        name,
        continent,
        country,
        addressRange,
      })),
      links: this.fabric.listLinks(),
      replication: this.replication.status(),
      traffic: this.trafficLayer?.status() ?? null,
    };
  }
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
