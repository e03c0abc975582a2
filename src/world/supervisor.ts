/**
 * Starts, watches and stops region process trees. Each region is a process group of its own, so
 * "region kill" is a real SIGKILL of the whole tree; every region process also exits when its IPC
 * channel to the supervisor closes, so none outlives a supervisor that was itself killed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type RegionMessage,
  type RegionProcessConfig,
  type RegionTargetStatus,
  regionConfigEnv,
} from '../region/config.js';
import { PangeaError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { didYouMean } from '../shared/text.js';
import type { RegionSpec, Topology } from './topology/types.js';

export type RegionState = 'running' | 'stopped' | 'crashed';

export interface RegionStatus {
  name: string;
  state: RegionState;
  ready: boolean;
  pid: number | null;
  startedAt: string | null;
  restarts: number;
  lastExit: { code: number | null; signal: string | null; at: string } | null;
  endpoints: Record<string, string>;
  /** The region's app instances behind its load balancer, as last reported (empty while down). */
  targets: RegionTargetStatus[];
}

interface RegionRuntime {
  spec: RegionSpec;
  status: RegionStatus;
  child?: ChildProcess;
  /** Set while a stop is intended, so the exit is "stopped" rather than "crashed". */
  stopping: boolean;
}

export interface SupervisorOptions {
  topology: Topology;
  stateDir: string;
  logger: Logger;
  logLevel: string;
  readyTimeoutMs?: number;
  stopGraceMs?: number;
}

const regionMainPath = fileURLToPath(new URL('../region/main.js', import.meta.url));

export class Supervisor extends EventEmitter {
  private readonly regions = new Map<string, RegionRuntime>();

  constructor(private readonly options: SupervisorOptions) {
    super();
    for (const spec of options.topology.regions) {
      this.regions.set(spec.name, {
        spec,
        stopping: false,
        status: {
          name: spec.name,
          state: 'stopped',
          ready: false,
          pid: null,
          startedAt: null,
          restarts: 0,
          lastExit: null,
          endpoints: {},
          targets: [],
        },
      });
    }
  }

  status(): RegionStatus[] {
    return [...this.regions.values()].map((runtime) => ({ ...runtime.status }));
  }

  regionStatus(name: string): RegionStatus {
    return { ...this.runtime(name).status };
  }

  async startAll(): Promise<void> {
    await Promise.all([...this.regions.keys()].map((name) => this.start(name)));
  }

  async start(name: string): Promise<RegionStatus> {
    const runtime = this.runtime(name);
    if (runtime.child) return { ...runtime.status };
    if (runtime.status.startedAt) runtime.status.restarts += 1;
    const child = this.spawnRegion(runtime.spec);
    runtime.child = child;
    runtime.stopping = false;
    Object.assign(runtime.status, {
      state: 'running',
      ready: false,
      pid: child.pid ?? null,
      startedAt: now(),
    });
    child.on('exit', (code, signal) => this.onExit(runtime, child, code, signal));
    child.on('message', (message: RegionMessage) => {
      if (message.type === 'targets' && runtime.child === child) runtime.status.targets = message.targets;
    });
    await this.waitReady(runtime, child);
    return { ...runtime.status };
  }

  /** Graceful stop: SIGTERM to the region's process group, SIGKILL after the grace period. */
  async stop(name: string): Promise<RegionStatus> {
    const runtime = this.runtime(name);
    const child = runtime.child;
    if (!child) return { ...runtime.status };
    runtime.stopping = true;
    const exited = onceExited(child);
    signalGroup(child, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), this.options.stopGraceMs ?? 5_000);
    await exited;
    clearTimeout(timer);
    return { ...runtime.status };
  }

  /** kill -9 of the whole region tree: the region ends up "crashed", as after a real outage. */
  async kill(name: string): Promise<RegionStatus> {
    const runtime = this.runtime(name);
    const child = runtime.child;
    if (!child) return { ...runtime.status };
    const exited = onceExited(child);
    signalGroup(child, 'SIGKILL');
    await exited;
    return { ...runtime.status };
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.regions.keys()].map((name) => this.stop(name)));
  }

  private runtime(name: string): RegionRuntime {
    const runtime = this.regions.get(name);
    if (!runtime) {
      throw new PangeaError(
        'UnknownRegion',
        `unknown region "${name}"${didYouMean(name, [...this.regions.keys()])} (this world has ${[...this.regions.keys()].join(', ')})`,
      );
    }
    return runtime;
  }

  private spawnRegion(spec: RegionSpec): ChildProcess {
    const { stateDir, topology, logLevel } = this.options;
    const logPath = join(stateDir, 'logs', `${spec.name}.log`);
    const dataDir = join(stateDir, 'regions', spec.name);
    mkdirSync(dataDir, { recursive: true });
    mkdirSync(join(stateDir, 'logs'), { recursive: true });
    const config: RegionProcessConfig = { region: spec, topology, dataDir, logPath, logLevel };
    // Uncaught crashes print to stderr: keep them next to the structured log.
    const stderrFd = openSync(join(stateDir, 'logs', `${spec.name}.stderr`), 'a');
    try {
      return spawn(process.execPath, [regionMainPath], {
        detached: true,
        stdio: ['ignore', stderrFd, stderrFd, 'ipc'],
        env: { ...process.env, [regionConfigEnv]: JSON.stringify(config) },
      });
    } finally {
      closeSync(stderrFd);
    }
  }

  private waitReady(runtime: RegionRuntime, child: ChildProcess): Promise<void> {
    const timeoutMs = this.options.readyTimeoutMs ?? 15_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        signalGroup(child, 'SIGKILL');
        reject(
          new PangeaError(
            'RegionStartTimeout',
            `${runtime.spec.name} did not become ready within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      const onMessage = (message: RegionMessage) => {
        if (message.type === 'ready') {
          cleanup();
          runtime.status.ready = true;
          runtime.status.endpoints = message.endpoints;
          this.options.logger.info({ region: runtime.spec.name, pid: child.pid }, 'region ready');
          this.emit('region', { ...runtime.status });
          resolve();
        } else if (message.type === 'fatal') {
          cleanup();
          reject(new PangeaError(message.code, message.message));
        }
      };
      const onExit = (code: number | null, signal: string | null) => {
        cleanup();
        reject(
          new PangeaError(
            'RegionStartFailed',
            `${runtime.spec.name} exited during start-up (code ${code}, signal ${signal})`,
          ),
        );
      };
      const cleanup = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
    });
  }

  private onExit(
    runtime: RegionRuntime,
    child: ChildProcess,
    code: number | null,
    signal: string | null,
  ): void {
    if (runtime.child !== child) return;
    runtime.child = undefined;
    const intended = runtime.stopping;
    Object.assign(runtime.status, {
      state: intended ? 'stopped' : 'crashed',
      ready: false,
      pid: null,
      targets: [],
      lastExit: { code, signal, at: now() },
    });
    // Whatever the region left behind in its group (app instances) goes with it.
    signalGroup(child, 'SIGKILL');
    const log = intended
      ? this.options.logger.info.bind(this.options.logger)
      : this.options.logger.warn.bind(this.options.logger);
    log({ region: runtime.spec.name, code, signal }, intended ? 'region stopped' : 'region crashed');
    this.emit('region', { ...runtime.status });
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

function onceExited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

const now = (): string => new Date().toISOString();
