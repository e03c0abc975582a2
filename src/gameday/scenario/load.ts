/**
 * Game-day scenario files: YAML checked against the schema and the rules below, resolved for the
 * world's timing profile (any duration may be given per profile), then checked against the world's
 * regions and locations before anything runs.
 */
import { readFileSync } from 'node:fs';
import { PangeaError } from '../../shared/errors.js';
import { didYouMean } from '../../shared/text.js';
import { formatPath, type Problem, parseYamlConfig } from '../../shared/yaml-config.js';
import { faultActions, planFault } from '../faults/catalogue.js';
import type { LoadSpec, Objectives, OperationKind, Scenario, ScenarioStep, StopCondition } from '../model.js';
import { scenarioSchema } from './schema.js';

export type TimingProfile = 'fast' | 'aws-defaults';
type RawDuration = string | Record<TimingProfile, string>;
type RawFraction = string | number;

export interface RawScenario {
  version?: 1;
  name: string;
  description?: string;
  profile?: TimingProfile | 'any';
  duration: RawDuration;
  seed?: number;
  load: {
    entry?: 'dns' | 'accelerator';
    locations?: 'all' | string[];
    clientsPerLocation?: number;
    ratePerClient?: number;
    requestTimeout?: RawDuration;
    counters?: 'shared' | 'per-region';
    mix?: Partial<Record<OperationKind, number>>;
  };
  data?: { replicated?: boolean };
  steps?: Array<{
    name?: string;
    at: RawDuration;
    action: string;
    parameters?: Record<string, string | number>;
    duration: RawDuration;
  }>;
  objectives?: {
    rto?: RawDuration;
    rpo?: RawDuration;
    errorRate?: RawFraction;
    lostWrites?: number;
    convergence?: RawDuration;
    countersInRange?: boolean;
    latencyP99?: RawDuration;
  };
  stopConditions?: Array<{ errorRate: RawFraction; window: RawDuration }>;
  settleTimeout?: RawDuration;
}

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/** Longest run a scenario may ask for; FIS experiments are bounded too (12 h), game days far less. */
export const maxScenarioDurationMs = 2 * 60 * 60 * 1000;

export function parseDurationMs(text: string): number {
  if (text === '0') return 0;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  if (!match) throw new PangeaError('ScenarioInvalid', `"${text}" is not a duration like 500ms, 10s, 2m`);
  return Math.round(Number(match[1]) * (unitMs[match[2] ?? 'ms'] ?? 1));
}

function durationFor(raw: RawDuration, profile: TimingProfile): number {
  return parseDurationMs(typeof raw === 'string' ? raw : raw[profile]);
}

function fraction(raw: RawFraction): number {
  return typeof raw === 'number' ? raw : Number(raw.slice(0, -1)) / 100;
}

const defaultMix: Partial<Record<OperationKind, number>> = {
  browse: 3,
  cart: 1,
  checkout: 1,
  orders: 1,
  'ddb-put': 2,
  'ddb-read': 1,
  'ddb-increment': 1,
};

/** Rules the schema can't express, with the path of each problem. */
function semanticProblems(raw: RawScenario): Problem[] {
  const problems: Problem[] = [];
  const mix = raw.load.mix ?? {};
  if (raw.load.mix && Object.values(mix).every((weight) => weight === 0))
    problems.push({ path: ['load', 'mix'], message: 'at least one operation needs a weight above 0' });
  for (const profile of ['fast', 'aws-defaults'] as const) {
    const durationMs = durationFor(raw.duration, profile);
    if (durationMs < 1000 || durationMs > maxScenarioDurationMs)
      problems.push({ path: ['duration'], message: `must be from 1s to 2h (${profile}: ${durationMs} ms)` });
    (raw.steps ?? []).forEach((step, index) => {
      if (!(faultActions as readonly string[]).includes(step.action)) {
        const hint = didYouMean(step.action, faultActions);
        problems.push({
          path: ['steps', index, 'action'],
          message: `unknown fault action "${step.action}"${hint}`,
        });
      }
      if (durationFor(step.at, profile) >= durationMs)
        problems.push({
          path: ['steps', index, 'at'],
          message: `must be before the end of the load (${profile})`,
        });
      if (durationFor(step.duration, profile) < 1)
        problems.push({ path: ['steps', index, 'duration'], message: 'must be at least 1ms' });
    });
  }
  for (const [index, condition] of (raw.stopConditions ?? []).entries())
    if (fraction(condition.errorRate) > 1)
      problems.push({ path: ['stopConditions', index, 'errorRate'], message: 'must be at most 100%' });
  if (raw.objectives?.errorRate !== undefined && fraction(raw.objectives.errorRate) > 1)
    problems.push({ path: ['objectives', 'errorRate'], message: 'must be at most 100%' });
  return dedupe(problems);
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${formatPath(problem.path)} ${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function parseScenarioText(text: string, sourceName: string): RawScenario {
  return parseYamlConfig<RawScenario>(text, sourceName, {
    schema: scenarioSchema,
    semanticProblems,
    errorCode: 'ScenarioInvalid',
  });
}

export function readScenarioFile(path: string): RawScenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new PangeaError(
      'ScenarioUnreadable',
      `${path}: cannot read the scenario (${(error as Error).message})`,
    );
  }
  return parseScenarioText(text, path);
}

function resolveLoad(raw: RawScenario['load'], profile: TimingProfile): LoadSpec {
  return {
    entry: raw.entry ?? 'dns',
    locations: raw.locations ?? 'all',
    clientsPerLocation: raw.clientsPerLocation ?? 1,
    ratePerClient: raw.ratePerClient ?? 4,
    mix: raw.mix ?? defaultMix,
    requestTimeoutMs: raw.requestTimeout ? durationFor(raw.requestTimeout, profile) : 2000,
    counters: raw.counters ?? 'per-region',
  };
}

function resolveObjectives(raw: RawScenario['objectives'] = {}, profile: TimingProfile): Objectives {
  const objectives: Objectives = {};
  if (raw.rto !== undefined) objectives.rtoMs = durationFor(raw.rto, profile);
  if (raw.rpo !== undefined) objectives.rpoMs = durationFor(raw.rpo, profile);
  if (raw.errorRate !== undefined) objectives.errorRate = fraction(raw.errorRate);
  if (raw.lostWrites !== undefined) objectives.lostWrites = raw.lostWrites;
  if (raw.convergence !== undefined) objectives.convergenceMs = durationFor(raw.convergence, profile);
  if (raw.countersInRange !== undefined) objectives.countersInRange = raw.countersInRange;
  if (raw.latencyP99 !== undefined) objectives.latencyP99Ms = durationFor(raw.latencyP99, profile);
  return objectives;
}

/** The scenario with every duration in milliseconds for the world's timing profile. */
export function resolveScenario(raw: RawScenario, source: string, profile: TimingProfile): Scenario {
  const steps: ScenarioStep[] = (raw.steps ?? []).map((step) => ({
    name: step.name ?? step.action,
    atMs: durationFor(step.at, profile),
    action: step.action,
    parameters: step.parameters ?? {},
    durationMs: durationFor(step.duration, profile),
  }));
  const stopConditions: StopCondition[] = (raw.stopConditions ?? []).map((condition) => ({
    errorRate: fraction(condition.errorRate),
    windowMs: durationFor(condition.window, profile),
  }));
  return {
    name: raw.name,
    description: raw.description?.trim() ?? '',
    source,
    profile,
    durationMs: durationFor(raw.duration, profile),
    seed: raw.seed ?? null,
    load: resolveLoad(raw.load, profile),
    data: { replicated: raw.data?.replicated ?? true },
    steps: steps.sort((a, b) => a.atMs - b.atMs),
    objectives: resolveObjectives(raw.objectives, profile),
    stopConditions,
    settleTimeoutMs: raw.settleTimeout ? durationFor(raw.settleTimeout, profile) : 30_000,
  };
}

/** Checks the scenario against the world it is about to run in; throws ScenarioInvalid listing every problem. */
export function checkAgainstWorld(scenario: Scenario, regions: string[], locations: string[]): void {
  const problems: string[] = [];
  if (scenario.load.locations !== 'all')
    for (const name of scenario.load.locations)
      if (!locations.includes(name))
        problems.push(`load.locations: unknown location "${name}"${didYouMean(name, locations)}`);
  scenario.steps.forEach((step, index) => {
    try {
      planFault({ action: step.action, parameters: step.parameters, durationMs: step.durationMs }, regions);
    } catch (error) {
      problems.push(`steps[${index}] (${step.name}): ${(error as Error).message}`);
    }
  });
  if (problems.length > 0)
    throw new PangeaError('ScenarioInvalid', `${scenario.source}: ${problems.join('\n')}`);
}
