/** `pangea up`: foreground (Ctrl-C stops), or `--detach` (a daemon; returns when every region is ready). */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorMessage, isPangeaError, PangeaError } from '../shared/errors.js';
import { readWorldRecord, stateDirOf } from '../world/state-dir.js';
import { defaultTopology, loadTopologyFile } from '../world/topology/index.js';
import type { Topology } from '../world/topology/types.js';
import { World } from '../world/world.js';
import { renderStatus } from './render.js';

export interface UpOptions {
  config?: string;
  fresh?: boolean;
  detach?: boolean;
  daemon?: boolean;
  logLevel?: string;
  seed?: string;
}

type DaemonMessage = { type: 'ready'; adminUrl: string } | { type: 'error'; code: string; message: string };

const cliMainPath = fileURLToPath(new URL('./main.js', import.meta.url));

export function loadConfig(configPath: string | undefined, cwd: string): Topology {
  if (configPath) return loadTopologyFile(resolve(cwd, configPath));
  const local = join(cwd, 'pangea.yaml');
  return existsSync(local) ? loadTopologyFile(local) : defaultTopology();
}

export async function up(options: UpOptions): Promise<void> {
  const cwd = process.cwd();
  const topology = loadConfig(options.config, cwd);
  const running = readWorldRecord(stateDirOf(cwd));
  if (running) {
    throw new PangeaError(
      'WorldAlreadyRunning',
      `a world is already running in ${cwd} (pid ${running.pid}, admin ${running.adminUrl}); use \`pangea down\` first`,
    );
  }
  if (options.daemon) return runDaemon(topology, options, cwd);
  if (options.detach) return startDetached(options, cwd);
  return runForeground(topology, options, cwd);
}

function worldOptions(topology: Topology, options: UpOptions, cwd: string) {
  return {
    topology,
    cwd,
    fresh: options.fresh === true,
    logLevel: options.logLevel,
    seed: options.seed === undefined ? undefined : Number(options.seed),
  };
}

async function runForeground(topology: Topology, options: UpOptions, cwd: string): Promise<void> {
  const startedMs = performance.now();
  const world = await World.start(worldOptions(topology, options, cwd));
  process.stdout.write(
    `${renderStatus(world.status())}\n\nready in ${Math.round(performance.now() - startedMs)} ms; Ctrl-C stops the world\n`,
  );
  world.supervisor.on(
    'region',
    (region: { name: string; state: string; ready: boolean; lastExit: unknown }) => {
      const what = region.state === 'running' ? (region.ready ? 'ready' : 'starting') : region.state;
      process.stdout.write(`${new Date().toISOString()} region ${region.name} ${what}\n`);
    },
  );
  await new Promise<void>((resolveStop) => {
    const stop = () => {
      process.stdout.write('\nstopping the world...\n');
      void world.stop();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    world.onStop(() => resolveStop());
  });
  process.stdout.write('world stopped\n');
}

async function runDaemon(topology: Topology, options: UpOptions, cwd: string): Promise<void> {
  const report = (message: DaemonMessage) => process.send?.(message);
  let world: World;
  try {
    world = await World.start(worldOptions(topology, options, cwd));
  } catch (error) {
    report({
      type: 'error',
      code: isPangeaError(error) ? error.code : 'StartFailed',
      message: errorMessage(error),
    });
    process.exitCode = 1;
    return;
  }
  const stop = () => void world.stop();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  world.onStop(() => process.exit(0));
  report({ type: 'ready', adminUrl: world.status().endpoints.admin });
  process.channel?.unref();
}

function startDetached(options: UpOptions, cwd: string): Promise<void> {
  const stateDir = stateDirOf(cwd);
  mkdirSync(join(stateDir, 'logs'), { recursive: true });
  const outFd = openSync(join(stateDir, 'logs', 'world.stderr'), 'a');
  const args = [cliMainPath, 'up', '--daemon'];
  if (options.config) args.push('--config', resolve(cwd, options.config));
  if (options.fresh) args.push('--fresh');
  if (options.logLevel) args.push('--log-level', options.logLevel);
  if (options.seed) args.push('--seed', options.seed);
  const startedMs = performance.now();
  const child = spawn(process.execPath, args, {
    cwd,
    detached: true,
    stdio: ['ignore', outFd, outFd, 'ipc'],
  });
  closeSync(outFd);
  return new Promise((resolvePromise, reject) => {
    child.once('message', (message: DaemonMessage) => {
      child.removeAllListeners('exit');
      if (message.type === 'ready') {
        child.disconnect();
        child.unref();
        process.stdout.write(
          `world started (pid ${child.pid}) in ${Math.round(performance.now() - startedMs)} ms; admin ${message.adminUrl}\n`,
        );
        resolvePromise();
      } else {
        reject(new PangeaError(message.code, message.message));
      }
    });
    child.once('exit', (code, signal) => {
      reject(
        new PangeaError(
          'StartFailed',
          `the world process exited during start-up (code ${code}, signal ${signal}); see .pangea/logs/world.stderr`,
        ),
      );
    });
  });
}
