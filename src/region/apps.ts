/**
 * The region's app instances: child processes of the region process, so in its process group —
 * `region kill` (kill -9 of the group) takes them down with it, and a graceful stop's SIGTERM
 * reaches them too (they drain; whatever is left after the grace period is killed). If the region
 * process itself exits for any reason, it kills its instances on the way out.
 *
 * Each instance gets the environment an app on an EC2 host in the region would have, plus what the
 * reference app needs (see README "The reference app"). Its stdout and stderr go to
 * `.pangea/logs/<region>-app-<i>.log` (`pangea logs <region>` shows them with the region's stream).
 * A crashed instance is restarted after a capped exponential backoff, reported in the region's log
 * and in `pangea status` (restarts, last exit).
 *
 * Instances can be held stopped (the `aws:ecs:stop-task` fault, src/region/control.ts): stopped
 * the way ECS StopTask stops a task (SIGTERM, then SIGKILL after the stop timeout) and not
 * restarted while held — otherwise the fleet's own supervision would undo the fault at once.
 * Releasing them starts them again, and normal supervision resumes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../shared/logger.js';

export type AppProcessState = 'starting' | 'running' | 'backoff' | 'stopped' | 'missing';

export interface AppInstanceStatus {
  id: string;
  index: number;
  port: number;
  pid: number | null;
  process: AppProcessState;
  restarts: number;
  lastExit: { code: number | null; signal: string | null; at: string } | null;
}

export interface AppFleetOptions {
  region: string;
  /** Every region of the world (APP_REGIONS). */
  regions: string[];
  host: string;
  basePort: number;
  instances: number;
  /** The app's entry script (run with this Node). */
  entry: string;
  /** This region's DynamoDB endpoint (AWS_ENDPOINT_URL_DYNAMODB). */
  dynamodbUrl: string;
  logDir: string;
  /** Marks the instances as part of this region (its data dir), for tools that look for leftovers. */
  regionDir: string;
  logger: Logger;
  onChange?: () => void;
  /** Graceful stop: SIGTERM, then SIGKILL after this (default 2 s). */
  stopGraceMs?: number;
  /** Instances held stopped from the start (the first n by index, or all): see setStoppedInstances. */
  stoppedInstances?: number | 'all';
}

export interface AppFleet {
  status(): AppInstanceStatus[];
  stop(): Promise<void>;
  /**
   * Holds the first `instances` instances (by index; 'all' = every one) stopped and releases the
   * others: a newly held instance gets SIGTERM and, after the stop grace, SIGKILL (ECS StopTask:
   * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_StopTask.html); a released one
   * starts again. Resolves when every newly held instance has exited.
   */
  setStoppedInstances(instances: number | 'all'): Promise<void>;
}

const backoffBaseMs = 250;
const backoffCapMs = 10_000;
/** An instance that stayed up this long starts its backoff over. */
const stableAfterMs = 30_000;

/** Delay before restart number `attempt` (0-based): 250 ms doubling, capped at 10 s. */
export function restartDelayMs(attempt: number): number {
  return Math.min(backoffCapMs, backoffBaseMs * 2 ** Math.min(attempt, 16));
}

/** The environment of one instance: the world's, without AWS settings that would point elsewhere. */
export function appEnvironment(
  options: Pick<AppFleetOptions, 'region' | 'regions' | 'host' | 'basePort' | 'dynamodbUrl' | 'regionDir'>,
  index: number,
  inherited: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(inherited)) {
    if (key.startsWith('AWS_') || key.startsWith('PANGEA_')) continue;
    env[key] = value;
  }
  return {
    ...env,
    AWS_REGION: options.region,
    AWS_DEFAULT_REGION: options.region,
    AWS_ENDPOINT_URL_DYNAMODB: options.dynamodbUrl,
    AWS_ACCESS_KEY_ID: 'pangea',
    AWS_SECRET_ACCESS_KEY: 'pangea',
    HOST: options.host,
    PORT: String(options.basePort + index),
    APP_INSTANCE_ID: `${options.region}-${index}`,
    APP_REGIONS: options.regions.join(','),
    // A deployment pipeline would run the app's idempotent setup once; every instance may run it safely.
    APP_AUTO_SETUP: '1',
    PANGEA_REGION_DIR: options.regionDir,
  };
}

interface Instance {
  status: AppInstanceStatus;
  child?: ChildProcess;
  startedMs: number;
  /** Consecutive quick crashes (sets the backoff). */
  attempt: number;
  timer?: NodeJS.Timeout;
  missingLogged: boolean;
  /** Held stopped by a fault: not restarted until released. */
  held: boolean;
}

/** How many of `total` instances `instances` holds stopped. */
export function heldCount(instances: number | 'all' | undefined, total: number): number {
  if (instances === undefined) return 0;
  return instances === 'all' ? total : Math.max(0, Math.min(total, Math.floor(instances)));
}

export function startAppFleet(options: AppFleetOptions): AppFleet {
  const { logger } = options;
  const stopGraceMs = options.stopGraceMs ?? 2_000;
  let stopping = false;
  mkdirSync(options.logDir, { recursive: true });
  const initiallyHeld = heldCount(options.stoppedInstances, options.instances);
  const instances: Instance[] = Array.from({ length: options.instances }, (_, index) => ({
    status: {
      id: `${options.region}-${index}`,
      index,
      port: options.basePort + index,
      pid: null,
      process: 'starting',
      restarts: 0,
      lastExit: null,
    },
    startedMs: 0,
    attempt: 0,
    missingLogged: false,
    held: index < initiallyHeld,
  }));
  const changed = () => options.onChange?.();

  const scheduleRestart = (instance: Instance) => {
    if (stopping) return;
    const delayMs = restartDelayMs(instance.attempt);
    instance.attempt += 1;
    if (instance.status.process !== 'missing') instance.status.process = 'backoff';
    instance.timer = setTimeout(() => {
      if (stopping || instance.held) return;
      instance.status.restarts += 1;
      launch(instance);
    }, delayMs);
    return delayMs;
  };

  const launch = (instance: Instance) => {
    if (!existsSync(options.entry)) {
      if (!instance.missingLogged) {
        logger.error(
          { instance: instance.status.id, entry: options.entry },
          'app entry not found (build it, or set services.app.entry); retrying with backoff',
        );
        instance.missingLogged = true;
      }
      instance.status.process = 'missing';
      changed();
      scheduleRestart(instance);
      return;
    }
    instance.missingLogged = false;
    const logFd = openSync(join(options.logDir, `${options.region}-app-${instance.status.index}.log`), 'a');
    let child: ChildProcess;
    try {
      // Not detached: the instance stays in the region's process group.
      child = spawn(process.execPath, [options.entry], {
        stdio: ['ignore', logFd, logFd],
        env: appEnvironment(options, instance.status.index),
      });
    } finally {
      closeSync(logFd);
    }
    instance.child = child;
    instance.startedMs = Date.now();
    Object.assign(instance.status, { pid: child.pid ?? null, process: 'running' });
    logger.info(
      { instance: instance.status.id, pid: child.pid, port: instance.status.port },
      'app instance started',
    );
    changed();
    child.on('error', (error) => {
      logger.error({ instance: instance.status.id, err: error }, 'app instance could not be spawned');
    });
    child.on('exit', (code, signal) => {
      if (instance.child !== child) return;
      instance.child = undefined;
      const at = new Date().toISOString();
      Object.assign(instance.status, { pid: null, process: 'stopped', lastExit: { code, signal, at } });
      if (stopping || instance.held) {
        logger.info({ instance: instance.status.id, code, signal }, 'app instance stopped');
        changed();
        return;
      }
      if (Date.now() - instance.startedMs >= stableAfterMs) instance.attempt = 0;
      const delayMs = scheduleRestart(instance);
      logger.warn(
        {
          instance: instance.status.id,
          code,
          signal,
          restartInMs: delayMs,
          restarts: instance.status.restarts,
        },
        'app instance exited; restarting',
      );
      changed();
    });
  };

  for (const instance of instances) {
    if (instance.held) instance.status.process = 'stopped';
    else launch(instance);
  }

  // The region process going away for any reason takes its instances with it.
  const killAll = () => {
    for (const instance of instances) {
      if (instance.child?.pid) {
        try {
          process.kill(instance.child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  };
  process.on('exit', killAll);

  /** SIGTERM, then SIGKILL after the grace; resolves once the instance has exited. */
  const stopHeld = async (instance: Instance): Promise<void> => {
    clearTimeout(instance.timer);
    instance.timer = undefined;
    const child = instance.child;
    if (!child) {
      instance.status.process = 'stopped';
      return;
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const grace = setTimeout(() => child.kill('SIGKILL'), stopGraceMs);
    await exited;
    clearTimeout(grace);
  };

  let stopped: Promise<void> | undefined;
  return {
    status: () => instances.map((instance) => ({ ...instance.status })),
    async setStoppedInstances(wanted) {
      const count = heldCount(wanted, instances.length);
      const exits: Promise<void>[] = [];
      for (const instance of instances) {
        const hold = instance.status.index < count;
        if (hold && !instance.held) {
          instance.held = true;
          logger.warn({ instance: instance.status.id }, 'app instance stopping (held stopped by a fault)');
          exits.push(stopHeld(instance));
        } else if (!hold && instance.held) {
          instance.held = false;
          instance.attempt = 0;
          logger.info({ instance: instance.status.id }, 'app instance released; starting it');
          if (!stopping) launch(instance);
        }
      }
      changed();
      await Promise.all(exits);
      changed();
    },
    stop() {
      stopped ??= (async () => {
        stopping = true;
        const exits: Promise<void>[] = [];
        for (const instance of instances) {
          clearTimeout(instance.timer);
          const child = instance.child;
          if (!child) {
            instance.status.process = 'stopped';
            continue;
          }
          exits.push(new Promise((resolve) => child.once('exit', () => resolve())));
          child.kill('SIGTERM');
        }
        const grace = setTimeout(killAll, stopGraceMs);
        await Promise.all(exits);
        clearTimeout(grace);
        process.off('exit', killAll);
        changed();
      })();
      return stopped;
    },
  };
}
