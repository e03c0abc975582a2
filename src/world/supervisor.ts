/**
 * Starts, watches and stops region process trees. Each region is a process group of its own, so
 * "region kill" is a real SIGKILL of the whole tree; every region process also exits when its IPC
 * channel to the supervisor closes, so none outlives a supervisor that was itself killed.
 *
 * The supervisor also owns each region's desired control state (game-day faults that act inside a
 * region: src/region/control-protocol.ts). A change is sent to a running, ready region over the
 * IPC control channel and answered; a region that is down or starting gets the state when it is
 * spawned (in its config) and again once it reports ready, so an active fault survives a restart.
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
import { RegionControlChannel } from '../region/control-channel.js';
import {
  commandFor,
  controlFields,
  normalControlState,
  type RegionControlCommand,
  type RegionControlState,
  sameControlState,
} from '../region/control-protocol.js';
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
  /** What the controller wants inside the region (faults); survives restarts. */
  control: RegionControlState;
  /** The control state the running process was spawned with. */
  spawnedControl?: RegionControlState;
  channel?: RegionControlChannel;
}

export interface SupervisorOptions {
  topology: Topology;
  stateDir: string;
  logger: Logger;
  logLevel: string;
  readyTimeoutMs?: number;
  stopGraceMs?: number;
  /** How long a control request may wait for the region's answer (default 5 s). */
  controlTimeoutMs?: number;
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
        control: { ...normalControlState },
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
    const spawnedControl = { ...runtime.control };
    const child = this.spawnRegion(runtime.spec, spawnedControl);
    runtime.child = child;
    runtime.spawnedControl = spawnedControl;
    runtime.channel = new RegionControlChannel(
      runtime.spec.name,
      child,
      this.options.controlTimeoutMs === undefined ? {} : { timeoutMs: this.options.controlTimeoutMs },
    );
    runtime.stopping = false;
    Object.assign(runtime.status, {
      state: 'running',
      ready: false,
      pid: child.pid ?? null,
      startedAt: now(),
    });
    child.on('exit', (code, signal) => this.onExit(runtime, child, code, signal));
    const channel = runtime.channel;
    child.on('message', (message: RegionMessage) => {
      if (message.type === 'targets' && runtime.child === child) runtime.status.targets = message.targets;
      else if (message.type === 'control-reply') channel.handleReply(message);
    });
    await this.waitReady(runtime, child);
    await this.reapplyControl(runtime, child);
    return { ...runtime.status };
  }

  /** The desired control state of a region (faults acting inside it). */
  controlState(name: string): RegionControlState {
    return { ...this.runtime(name).control };
  }

  /**
   * Changes a region's desired control state. A running, ready region applies it now and the call
   * resolves once it has (or fails with RegionControlTimeout / RegionNotRunning and the region's own
   * codes); a region that is down or still starting gets it when it becomes ready.
   */
  async setControl(name: string, change: Partial<RegionControlState>): Promise<RegionControlState> {
    const runtime = this.runtime(name);
    runtime.control = { ...runtime.control, ...change };
    if (!runtime.child || !runtime.status.ready) {
      this.options.logger.info(
        { region: name, control: runtime.control },
        'region control state recorded; applied when the region is ready',
      );
      return { ...runtime.control };
    }
    let state: RegionControlState = { ...runtime.control };
    for (const field of controlFields) {
      // Built when sent, from the state as it is then: a later change sends its own command after.
      if (field in change) state = await this.control(name, commandFor(field, runtime.control));
    }
    return state;
  }

  /** Sends one control command to a running, ready region and answers with its state after it. */
  control(name: string, command: RegionControlCommand): Promise<RegionControlState> {
    const runtime = this.runtime(name);
    if (!runtime.child || !runtime.channel || !runtime.status.ready)
      return Promise.reject(
        new PangeaError(
          'RegionNotRunning',
          `${name} is ${runtime.status.state}${runtime.child ? ' (starting)' : ''}`,
        ),
      );
    return runtime.channel.request(command);
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

  /**
   * After a (re)start: if the desired control state changed since the process was spawned with it,
   * the region gets it now. A failure is logged, not thrown: the region itself is up.
   */
  private async reapplyControl(runtime: RegionRuntime, child: ChildProcess): Promise<void> {
    const spawned = runtime.spawnedControl ?? normalControlState;
    if (runtime.child !== child || sameControlState(runtime.control, spawned)) return;
    try {
      for (const field of controlFields)
        await this.control(runtime.spec.name, commandFor(field, runtime.control));
      runtime.spawnedControl = { ...runtime.control };
      this.options.logger.info(
        { region: runtime.spec.name, control: runtime.control },
        'region control re-applied',
      );
    } catch (error) {
      this.options.logger.error(
        { region: runtime.spec.name, err: error },
        'region control state could not be re-applied after start',
      );
    }
  }

  private spawnRegion(spec: RegionSpec, control: RegionControlState): ChildProcess {
    const { stateDir, topology, logLevel } = this.options;
    const logPath = join(stateDir, 'logs', `${spec.name}.log`);
    const dataDir = join(stateDir, 'regions', spec.name);
    mkdirSync(dataDir, { recursive: true });
    mkdirSync(join(stateDir, 'logs'), { recursive: true });
    const config: RegionProcessConfig = { region: spec, topology, dataDir, logPath, logLevel, control };
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
    runtime.channel?.close(`the region process exited (code ${code}, signal ${signal})`);
    runtime.channel = undefined;
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
