/**
 * `pangea gameday <scenario>`: runs a scenario against the running world and reports.
 *
 * Order of a run: check the world (every region up and healthy, no fault active), create the
 * game-day table, plan the seeded load, then start the load and the fault schedule together while
 * sampling the world; when the load's time is up, stop whatever fault is still active, wait for the
 * replicas to settle, read every region, collect the conflict log and analyse. The game day is a
 * client of the world like FIS and a load tool are clients of AWS: it only uses the admin API, the
 * entry points and each region's DynamoDB endpoint.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PangeaError } from '../../shared/errors.js';
import { randomSeed } from '../../shared/random.js';
import type { WorldStatus } from '../../world/status.js';
import { analyseRun } from '../check/index.js';
import { planLoad, runLoad, targetFromStatus } from '../load/index.js';
import type { FaultEvent, GamedayReport, OpRecord, RunRecord, Scenario, WorldSample } from '../model.js';
import { renderHtmlReport } from '../report/index.js';
import {
  checkAgainstWorld,
  readScenarioFile,
  resolveScenario,
  scenarioPath,
  type TimingProfile,
} from '../scenario/index.js';
import { WorldAdmin } from './admin.js';
import { GamedayData } from './data.js';
import { FaultSchedule } from './fault-schedule.js';
import { ProgressReporter } from './progress.js';
import { sampleOf, summariseConflicts } from './samples.js';
import { settle } from './settle.js';
import { stopConditionHit } from './stop-conditions.js';

export interface GamedayOptions {
  adminUrl: string;
  /** A built-in scenario's name or a YAML file. */
  scenario: string;
  seed?: number;
  /** Where report.json and report.html go (default: <outRoot>/<run id>). */
  outDir?: string;
  outRoot: string;
  /** Progress lines for the terminal (none when absent). */
  progress?: (line: string) => void;
  /** Ctrl-C: stops the load early; faults are still undone and the run still reported. */
  signal?: AbortSignal;
  /** Longest wait for the world to be up and healthy before starting. */
  readyTimeoutMs?: number;
}

export interface GamedayResult {
  report: GamedayReport;
  record: RunRecord;
  jsonPath: string;
  htmlPath: string;
}

const sampleIntervalMs = 500;
const conflictEntriesMax = 1000;

/** The scenario resolved for the world's timing profile and checked against its regions and locations. */
async function loadScenarioFor(admin: WorldAdmin, name: string): Promise<Scenario> {
  const status = await admin.status();
  const path = scenarioPath(name);
  const profile = (status.world.profile === 'aws-defaults' ? 'aws-defaults' : 'fast') as TimingProfile;
  const scenario = resolveScenario(readScenarioFile(path), path, profile);
  checkAgainstWorld(
    scenario,
    status.regions.map((region) => region.name),
    status.locations.map((location) => location.name),
  );
  return scenario;
}

/** Waits until every region runs, every health check and load balancer is healthy, and no fault is active. */
async function waitUntilReady(
  admin: WorldAdmin,
  timeoutMs: number,
  progress?: (line: string) => void,
): Promise<WorldStatus> {
  let lastToldMs = Date.now();
  const deadlineMs = Date.now() + timeoutMs;
  let problem = '';
  for (;;) {
    const status = await admin.status();
    const down = status.regions.filter((region) => region.state !== 'running' || !region.ready);
    // A region's app is ready when its load balancer has a healthy target (ALB needs
    // healthyThreshold passing checks first: 2.5 min with AWS's timings).
    const appless = status.regions.filter(
      (region) => region.targets.length > 0 && !region.targets.some((target) => target.health === 'healthy'),
    );
    const unhealthy = [
      ...(status.traffic?.healthChecks ?? []).filter((check) => !check.healthy).map((check) => check.id),
      ...appless.map((region) => `${region.name} load balancer targets`),
    ];
    const active = (await admin.faults()).filter((fault) => fault.state === 'active');
    if (down.length === 0 && unhealthy.length === 0 && active.length === 0) return status;
    problem =
      active.length > 0
        ? `faults are active (${active.map((fault) => fault.id).join(', ')}); stop them first`
        : down.length > 0
          ? `regions not running: ${down.map((region) => region.name).join(', ')}`
          : `not healthy yet: ${unhealthy.join(', ')}`;
    if (active.length > 0)
      throw new PangeaError('WorldNotReady', `the world is not ready for a game day: ${problem}`);
    if (Date.now() > deadlineMs)
      throw new PangeaError('WorldNotReady', `the world is not ready for a game day: ${problem}`);
    if (Date.now() - lastToldMs >= 10_000) {
      lastToldMs = Date.now();
      progress?.(`waiting for the world: ${problem}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function runIdFor(scenario: Scenario, seed: number): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return `${scenario.name}-${seed}-${stamp}`;
}

/** Users whose order sets the run touched (their final reads and snapshots include their orders). */
function orderUsersOf(ops: OpRecord[]): string[] {
  const users = new Set<string>();
  for (const op of ops) {
    const set = op.write?.set ?? op.read?.set;
    if (set?.startsWith('orders:')) users.add(set.slice('orders:'.length));
  }
  return [...users].sort();
}

export async function runGameday(options: GamedayOptions): Promise<GamedayResult> {
  const admin = new WorldAdmin(options.adminUrl);
  const scenario = await loadScenarioFor(admin, options.scenario);
  // With AWS's timings a health check needs 3 x 30 s to turn healthy again after an earlier drill.
  const readyTimeoutMs = options.readyTimeoutMs ?? (scenario.profile === 'aws-defaults' ? 300_000 : 60_000);
  const status = await waitUntilReady(admin, readyTimeoutMs, options.progress);
  const seed = options.seed ?? scenario.seed ?? randomSeed();
  const runId = runIdFor(scenario, seed);
  const regions = status.regions.map((region) => region.name);
  const locations =
    scenario.load.locations === 'all'
      ? status.locations.map((location) => location.name)
      : scenario.load.locations;
  const data = new GamedayData(
    status.regions.map((region) => ({ region: region.name, url: region.endpoints.dynamodb ?? '' })),
    scenario.data.replicated,
  );
  try {
    options.progress?.(`game day ${scenario.name}: seed ${seed}, run ${runId}; preparing ${data.table}`);
    await data.ensureTable();
    const plans = planLoad(scenario.load, { locations, durationMs: scenario.durationMs, seed, runId });
    const target = targetFromStatus(status, { table: data.table });
    const record = await execute({
      options,
      admin,
      scenario,
      seed,
      runId,
      regions,
      locations,
      data,
      plans,
      target,
      status,
    });
    const report = analyseRun(record);
    const outDir = options.outDir ?? join(options.outRoot, runId);
    mkdirSync(outDir, { recursive: true });
    const jsonPath = join(outDir, 'report.json');
    const htmlPath = join(outDir, 'report.html');
    writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(htmlPath, renderHtmlReport(report));
    // Everything recorded, for re-analysis and for debugging a surprising verdict.
    writeFileSync(join(outDir, 'run.json'), `${JSON.stringify(record)}\n`);
    return { report, record, jsonPath, htmlPath };
  } finally {
    data.close();
  }
}

interface Execution {
  options: GamedayOptions;
  admin: WorldAdmin;
  scenario: Scenario;
  seed: number;
  runId: string;
  regions: string[];
  locations: string[];
  data: GamedayData;
  plans: ReturnType<typeof planLoad>;
  target: ReturnType<typeof targetFromStatus>;
  status: WorldStatus;
}

async function execute(run: Execution): Promise<RunRecord> {
  const { options, admin, scenario, runId, regions, data } = run;
  const startedAt = new Date().toISOString();
  const epochAtZeroMs = Date.now();
  const origin = performance.now();
  const nowMs = () => performance.now() - origin;
  const ops: OpRecord[] = [];
  const samples: WorldSample[] = [];
  const progress = new ProgressReporter(scenario, nowMs, options.progress);
  const schedule = new FaultSchedule({
    admin,
    steps: scenario.steps,
    regions,
    nowMs,
    epochAtZeroMs,
    snapshot: (survivors) => snapshotSurvivors(data, survivors, runId, orderUsersOf(ops), nowMs),
    onEvent: (event: FaultEvent, phase) => progress.fault(event, phase),
  });
  const stopLoad = new AbortController();
  let stoppedEarly: string | null = null;
  const onAbort = () => {
    stoppedEarly ??= 'interrupted';
    stopLoad.abort();
  };
  options.signal?.addEventListener('abort', onAbort);
  if (options.signal?.aborted) onAbort();
  let sampling = false;
  const sampler = setInterval(() => {
    if (sampling) return;
    sampling = true;
    void (async () => {
      try {
        const status = await admin.status();
        samples.push(sampleOf(status, nowMs()));
        schedule.refresh(await admin.faults());
      } catch {
        // A missed sample is a gap in the charts, not a reason to stop the game day.
      } finally {
        sampling = false;
      }
      const hit = stopLoad.signal.aborted ? null : stopConditionHit(scenario.stopConditions, ops, nowMs());
      if (hit) {
        stoppedEarly = hit;
        stopLoad.abort();
      }
      progress.tick(ops, samples.at(-1));
    })();
  }, sampleIntervalMs);
  const loadTimer = setTimeout(
    () => stopLoad.abort(),
    scenario.durationMs + scenario.load.requestTimeoutMs + 1_000,
  );
  try {
    schedule.start();
    await runLoad(run.plans, run.target, {
      runId,
      nowMs,
      onRecord: (record: OpRecord) => ops.push(record),
      signal: stopLoad.signal,
    });
  } finally {
    clearTimeout(loadTimer);
    options.signal?.removeEventListener('abort', onAbort);
  }
  const loadEndMs = nowMs();
  await schedule.stopAll();
  progress.line(`load done after ${(loadEndMs / 1000).toFixed(1)} s; waiting for the replicas to settle`);
  const settled = await settle({
    data,
    regions,
    runId,
    orderUsers: orderUsersOf(ops),
    timeoutMs: scenario.settleTimeoutMs,
    nowMs,
  });
  clearInterval(sampler);
  const conflicts = await admin.conflicts(data.table, conflictEntriesMax).catch(() => []);
  return {
    scenario,
    seed: run.seed,
    runId,
    startedAt,
    loadEndMs,
    endMs: nowMs(),
    world: {
      name: run.status.world.name,
      profile: run.status.world.profile,
      regions,
      locations: run.locations,
    },
    ops,
    faults: schedule.list(),
    samples,
    finalReads: settled.finalReads,
    convergedAtMs: settled.convergedAtMs,
    conflicts: summariseConflicts(conflicts, epochAtZeroMs),
    stoppedEarly,
  };
}

/** The union of what the surviving regions hold, read right after a fault cut one region off. */
async function snapshotSurvivors(
  data: GamedayData,
  survivors: string[],
  runId: string,
  orderUsers: string[],
  nowMs: () => number,
): Promise<{ tMs: number; sets: Record<string, string[]> }> {
  const tMs = nowMs();
  const reads = await Promise.all(
    survivors.map((region) => data.readSets(region, runId, orderUsers).catch(() => null)),
  );
  const union: Record<string, Set<string>> = {};
  for (const read of reads)
    for (const [set, elements] of Object.entries(read ?? {})) {
      const into = union[set] ?? new Set<string>();
      for (const element of elements) into.add(element);
      union[set] = into;
    }
  return {
    tMs,
    sets: Object.fromEntries(Object.entries(union).map(([set, elements]) => [set, [...elements].sort()])),
  };
}
