/** Tiny builders for hand-made run records: defaults for everything a test does not care about. */
import type { FaultEvent, FinalRead, OpRecord, RunRecord, Scenario } from '../../../../src/gameday/model.js';

export const regions = ['us-east-1', 'eu-west-1'];
export const locations = ['america', 'europe'];
export const ddbSet = 'ddb:run-1';

export function scenario(overrides: Partial<Scenario> = {}): Scenario {
  return {
    name: 'test',
    description: 'a hand-built run',
    source: 'test',
    profile: 'fast',
    durationMs: 10_000,
    seed: 1,
    load: {
      entry: 'dns',
      locations: 'all',
      clientsPerLocation: 1,
      ratePerClient: 1,
      mix: { browse: 1 },
      requestTimeoutMs: 2000,
      counters: 'shared',
    },
    data: { replicated: true },
    steps: [],
    objectives: {},
    stopConditions: [],
    settleTimeoutMs: 10_000,
    ...overrides,
  };
}

export function runRecord(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    scenario: scenario(),
    seed: 1,
    runId: 'run-1',
    startedAt: '2025-01-01T00:00:00.000Z',
    loadEndMs: 10_000,
    endMs: 12_000,
    world: { name: 'test', profile: 'fast', regions, locations },
    ops: [],
    faults: [],
    samples: [],
    finalReads: [],
    convergedAtMs: null,
    conflicts: { total: 0, byTable: {}, samples: [] },
    stoppedEarly: null,
    ...overrides,
  };
}

/** A browse from `location` over [startMs, endMs], served by the location's home region. */
export function op(
  location: string,
  startMs: number,
  endMs: number,
  overrides: Partial<OpRecord> = {},
): OpRecord {
  const ok = overrides.ok ?? true;
  return {
    client: `${location}-0`,
    location,
    entry: 'dns',
    kind: 'browse',
    plannedMs: startMs,
    startMs,
    endMs,
    ok,
    indeterminate: false,
    status: ok ? 200 : null,
    error: ok ? null : 'Timeout',
    region: ok ? (location === 'europe' ? 'eu-west-1' : 'us-east-1') : null,
    ...overrides,
  };
}

export function failed(location: string, startMs: number, endMs: number, error = 'Timeout'): OpRecord {
  return op(location, startMs, endMs, { ok: false, error });
}

/** A ddb-put of `element` into the run's set, acknowledged unless told otherwise. */
export function put(
  element: string,
  region: string,
  startMs: number,
  endMs: number,
  overrides: Partial<OpRecord> = {},
): OpRecord {
  return op(region === 'eu-west-1' ? 'europe' : 'america', startMs, endMs, {
    entry: 'dynamodb',
    kind: 'ddb-put',
    region,
    write: { set: ddbSet, element },
    ...overrides,
  });
}

/** A successful ddb-read of the run's set returning `elements`. */
export function read(elements: string[], startMs: number, endMs: number, region = 'us-east-1'): OpRecord {
  return op('america', startMs, endMs, {
    entry: 'dynamodb',
    kind: 'ddb-read',
    region,
    read: { set: ddbSet, elements },
  });
}

export function increment(
  counter: string,
  startMs: number,
  endMs: number,
  overrides: Partial<OpRecord> = {},
) {
  return op('america', startMs, endMs, {
    entry: 'dynamodb',
    kind: 'ddb-increment',
    increment: { counter, amount: 1 },
    ...overrides,
  });
}

export function outage(
  region: string,
  startMs: number,
  endMs: number | null,
  overrides: Partial<FaultEvent> = {},
) {
  const fault: FaultEvent = {
    step: 'pangea:region-outage',
    action: 'pangea:region-outage',
    parameters: { region },
    faultId: `fault-${startMs}`,
    scheduledMs: startMs,
    startMs,
    endMs,
    regions: [region],
    survivorSets: null,
    error: null,
    ...overrides,
  };
  return fault;
}

export function finalRead(
  region: string,
  sets: Record<string, string[]>,
  counters: Record<string, number | null> = {},
): FinalRead {
  return { region, ok: true, error: null, sets, counters };
}

export function unreadable(region: string, error = 'ECONNREFUSED'): FinalRead {
  return { region, ok: false, error, sets: {}, counters: {} };
}

/** `count` successful browses from `location`, one every `everyMs` from `fromMs`, each taking `tookMs`. */
export function steady(
  location: string,
  fromMs: number,
  count: number,
  everyMs: number,
  tookMs = 10,
): OpRecord[] {
  return Array.from({ length: count }, (_, index) => {
    const startMs = fromMs + index * everyMs;
    return op(location, startMs, startMs + tookMs);
  });
}
