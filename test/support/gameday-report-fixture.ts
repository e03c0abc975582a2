/**
 * A realistic GamedayReport for renderer tests, built from a small simulation rather than typed
 * out: three regions, 3 to 7 client locations, 40 one-second buckets, us-east-1 out from 10 s to
 * 25 s. Locations homed in us-east-1 fail until DNS moves them to eu-west-1 (about 3 s), pay the
 * longer way while there, and come back after the region does. Replication into us-east-1 then
 * catches up on a backlog. One verdict fails (RPO), and the findings carry characters that need
 * escaping. Deterministic: the same options give the same report.
 */
import type {
  FaultEvent,
  GamedayReport,
  LatencySummary,
  LocationSummary,
  RecoveryTime,
  SeriesBucket,
} from '../../src/gameday/model.js';
import { seededRandom } from '../../src/shared/random.js';

export const fixtureRegions = ['us-east-1', 'eu-west-1', 'ap-south-1'] as const;
type Region = (typeof fixtureRegions)[number];

interface FixtureLocation {
  name: string;
  home: Region;
  /** Where DNS sends it while its home is out. */
  fallback: Region;
  /** Round trips in ms to its home and to its fallback. */
  homeRttMs: number;
  fallbackRttMs: number;
}

const allLocations: FixtureLocation[] = [
  { name: 'north-america', home: 'us-east-1', fallback: 'eu-west-1', homeRttMs: 22, fallbackRttMs: 95 },
  { name: 'europe', home: 'eu-west-1', fallback: 'us-east-1', homeRttMs: 18, fallbackRttMs: 90 },
  { name: 'south-asia', home: 'ap-south-1', fallback: 'eu-west-1', homeRttMs: 25, fallbackRttMs: 130 },
  { name: 'south-america', home: 'us-east-1', fallback: 'eu-west-1', homeRttMs: 40, fallbackRttMs: 210 },
  { name: 'east-asia', home: 'ap-south-1', fallback: 'eu-west-1', homeRttMs: 70, fallbackRttMs: 220 },
  { name: 'oceania', home: 'ap-south-1', fallback: 'eu-west-1', homeRttMs: 120, fallbackRttMs: 280 },
  { name: 'north-america-west', home: 'us-east-1', fallback: 'eu-west-1', homeRttMs: 65, fallbackRttMs: 150 },
];

export const fixtureFault = 'us-east-1 outage';
const bucketMs = 1000;
const bucketCount = 40;
const faultStartMs = 10_000;
const faultEndMs = 25_000;
/** Clients of an out region fail from the fault's start until DNS answers elsewhere. */
const dnsMoveMs = 3_000;
/** After the region returns, its health check passes and traffic moves home this much later. */
const failbackMs = 2_000;
const opsPerBucket = 20;
const timeoutMs = 2_000;

export interface FixtureOptions {
  /** How many client locations (3 to 7); default 5. */
  locations?: number;
  seed?: number;
}

/** The project's seeded generator, so the fixture is the same every time. */
function randomSource(seed: number): () => number {
  const random = seededRandom(seed);
  return () => random.next();
}

interface BucketOutcome {
  ok: number;
  failed: number;
  region: Region | null;
  p50Ms: number | null;
  p99Ms: number | null;
  errors: Record<string, number>;
}

/** One location's operations in the bucket starting at tMs. */
function simulate(location: FixtureLocation, tMs: number, random: () => number): BucketOutcome {
  const homeOut = location.home === 'us-east-1' && tMs >= faultStartMs && tMs < faultEndMs + failbackMs;
  const unreachable = homeOut && tMs < faultStartMs + dnsMoveMs;
  if (unreachable) {
    // Clients wait out their timeout, so few operations finish (all failing).
    const failed = 2 + Math.floor(random() * 3);
    const errors: Record<string, number> =
      tMs === faultStartMs ? { ECONNREFUSED: failed } : { Timeout: failed - 1, DnsNoAnswer: 1 };
    return { ok: 0, failed, region: null, p50Ms: null, p99Ms: null, errors };
  }
  const region = homeOut ? location.fallback : location.home;
  const rttMs = homeOut ? location.fallbackRttMs : location.homeRttMs;
  const settling = homeOut && tMs < faultStartMs + dnsMoveMs + bucketMs;
  const failbackBlip = location.home === 'us-east-1' && tMs === faultEndMs + failbackMs;
  const failed = settling ? 7 : failbackBlip ? 2 : random() < 0.12 ? 1 : 0;
  const errors: Record<string, number> = {};
  if (failed > 0) errors[settling ? 'Timeout' : failbackBlip ? 'HTTP503 <html>' : 'ECONNRESET'] = failed;
  const p50Ms = Math.round(rttMs * (1.6 + random() * 0.3));
  const p99Ms = Math.round(settling ? timeoutMs * 0.9 : p50Ms * (1.8 + random() * 0.8) + 15);
  return { ok: opsPerBucket - failed + Math.floor(random() * 3), failed, region, p50Ms, p99Ms, errors };
}

/** Worst replication lag into each region: ~100 ms normally; none into us-east-1 while it's out, then a backlog. */
function replicationLag(tMs: number, random: () => number): Record<string, number | null> {
  const normal = (): number => Math.round(80 + random() * 180);
  const sinceBack = tMs - faultEndMs;
  const backlogMs = [14_200, 9_800, 5_100, 1_900, 600];
  const intoUsEast =
    tMs >= faultStartMs && tMs < faultEndMs
      ? null
      : sinceBack >= 0
        ? (backlogMs[sinceBack / bucketMs] ?? normal())
        : normal();
  // While us-east-1 is out the others only hear from each other; nothing from us-east-1 is pending.
  return { 'us-east-1': intoUsEast, 'eu-west-1': normal(), 'ap-south-1': normal() };
}

function latencySummary(values: number[], count: number): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (fraction: number): number | null =>
    sorted.length === 0
      ? null
      : (sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? null);
  return { count, p50Ms: at(0.5), p90Ms: at(0.9), p99Ms: at(0.99), maxMs: sorted[sorted.length - 1] ?? null };
}

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [key, count] of Object.entries(from)) into[key] = (into[key] ?? 0) + count;
}

function summarise(location: FixtureLocation, outcomes: BucketOutcome[]): LocationSummary {
  const ok = outcomes.reduce((sum, outcome) => sum + outcome.ok, 0);
  const failed = outcomes.reduce((sum, outcome) => sum + outcome.failed, 0);
  const regionShare: Record<string, number> = {};
  const errors: Record<string, number> = {};
  for (const outcome of outcomes) {
    if (outcome.region) addCounts(regionShare, { [outcome.region]: outcome.ok });
    addCounts(errors, outcome.errors);
  }
  const p50s = outcomes.flatMap((outcome) => (outcome.p50Ms === null ? [] : [outcome.p50Ms]));
  const p99s = outcomes.flatMap((outcome) => (outcome.p99Ms === null ? [] : [outcome.p99Ms]));
  const latency = latencySummary(p50s, ok);
  latency.p99Ms = p99s.length > 0 ? Math.max(...p99s) : null;
  return {
    location: location.name,
    ops: ok + failed,
    ok,
    failed,
    indeterminate: location.home === 'us-east-1' ? 2 : 0,
    successRate: ok + failed > 0 ? ok / (ok + failed) : 0,
    latency,
    regionShare,
    errors,
  };
}

function recoveryTimes(locations: FixtureLocation[]): RecoveryTime[] {
  return locations.map((location, index) => {
    const affected = location.home === 'us-east-1';
    return {
      fault: fixtureFault,
      location: location.name,
      affected,
      firstSuccessMs: affected ? dnsMoveMs + 150 * index : null,
      sustainedMs: affected ? dnsMoveMs + 900 + 200 * index : null,
    };
  });
}

const outageFault: FaultEvent = {
  step: fixtureFault,
  action: 'pangea:region-outage',
  parameters: { region: 'us-east-1' },
  faultId: 'fault-7f3a',
  scheduledMs: faultStartMs,
  startMs: faultStartMs + 4,
  endMs: faultEndMs,
  regions: ['us-east-1'],
  survivorSets: { tMs: faultStartMs + 60, sets: { 'ddb:run-20250301-0912': ['e-0001', 'e-0002'] } },
  error: null,
};

export function gamedayReportFixture(options: FixtureOptions = {}): GamedayReport {
  const count = Math.min(7, Math.max(3, options.locations ?? 5));
  const locations = allLocations.slice(0, count);
  const random = randomSource(options.seed ?? 7);
  const perLocation = new Map<string, BucketOutcome[]>(locations.map((location) => [location.name, []]));
  const buckets: SeriesBucket[] = [];
  for (let index = 0; index < bucketCount; index++) {
    const tMs = index * bucketMs;
    const bucket: SeriesBucket = {
      tMs,
      locations: {},
      regionShare: {},
      replicationLagMs: replicationLag(tMs, random),
    };
    for (const location of locations) {
      const outcome = simulate(location, tMs, random);
      perLocation.get(location.name)?.push(outcome);
      bucket.locations[location.name] = {
        ok: outcome.ok,
        failed: outcome.failed,
        p50Ms: outcome.p50Ms,
        p99Ms: outcome.p99Ms,
      };
      if (outcome.region) addCounts(bucket.regionShare, { [outcome.region]: outcome.ok });
    }
    buckets.push(bucket);
  }
  const summaries = locations.map((location) => summarise(location, perLocation.get(location.name) ?? []));
  return assemble(locations, summaries, buckets);
}

function assemble(
  locations: FixtureLocation[],
  summaries: LocationSummary[],
  buckets: SeriesBucket[],
): GamedayReport {
  const ok = summaries.reduce((sum, summary) => sum + summary.ok, 0);
  const failed = summaries.reduce((sum, summary) => sum + summary.failed, 0);
  const indeterminate = summaries.reduce((sum, summary) => sum + summary.indeterminate, 0);
  const p50s = summaries.flatMap((summary) =>
    summary.latency.p50Ms === null ? [] : [summary.latency.p50Ms],
  );
  const runId = 'run-20250301-0912';
  const recoveries = recoveryTimes(locations);
  const worst = recoveries.reduce((a, b) => ((b.sustainedMs ?? 0) > (a.sustainedMs ?? 0) ? b : a));
  return {
    version: 1,
    scenario: {
      name: 'us-east-1 outage & failback',
      description:
        'Take us-east-1 down for 15 s under world-wide load; clients should move to the next region and back.',
      source: 'builtin:region-outage',
      profile: 'fast',
      durationMs: 40_000,
      steps: [
        {
          name: fixtureFault,
          atMs: faultStartMs,
          action: 'pangea:region-outage',
          parameters: { region: 'us-east-1' },
          durationMs: faultEndMs - faultStartMs,
        },
      ],
      load: {
        entry: 'dns',
        locations: 'all',
        clientsPerLocation: 4,
        ratePerClient: 5,
        mix: { browse: 5, cart: 2, checkout: 1, orders: 1, 'ddb-put': 2, 'ddb-read': 1, 'ddb-increment': 1 },
        requestTimeoutMs: timeoutMs,
        counters: 'per-region',
      },
      data: { replicated: true },
    },
    seed: 20250301,
    runId,
    startedAt: '2025-03-01T09:12:04.512Z',
    durationMs: 52_300,
    world: {
      name: 'default',
      profile: 'fast',
      regions: [...fixtureRegions],
      locations: locations.map((location) => location.name),
    },
    totals: {
      ops: ok + failed,
      ok,
      failed,
      indeterminate,
      errorRate: failed / (ok + failed),
      latency: {
        ...latencySummary(p50s, ok),
        p99Ms: Math.max(...summaries.map((s) => s.latency.p99Ms ?? 0)),
      },
    },
    series: { bucketMs, buckets },
    locations: summaries,
    faults: [outageFault],
    recoveryTimes: recoveries,
    recoveryPoints: [{ fault: fixtureFault, missingAtFailover: 3, windowMs: 1_840, missingAfterHeal: 0 }],
    sets: {
      attempted: 812,
      acknowledged: 790,
      stable: 786,
      lost: [],
      neverRead: 4,
      staleReads: 17,
      recovered: 2,
      stableLatency: { count: 786, p50Ms: 240, p90Ms: 610, p99Ms: 14_900, maxMs: 15_300 },
    },
    counters: fixtureRegions.map((region, index) => ({
      counter: `counter:${region}`,
      acknowledged: 120 + index * 7,
      indeterminate: index === 0 ? 2 : 0,
      range: [120 + index * 7, 120 + index * 7 + (index === 0 ? 2 : 0)] as [number, number],
      finalValues: Object.fromEntries(
        fixtureRegions.map((r) => [r, 120 + index * 7 + (index === 0 ? 1 : 0)]),
      ),
      inRange: true,
      lostIncrements: 0,
    })),
    convergence: { converged: true, afterLastFaultMs: 6_400, regionsDiffering: [] },
    conflicts: {
      total: 7,
      byTable: { Carts: 5, PangeaGameday: 2 },
      samples: [
        { table: 'Carts', key: '{"userId":"u-18"}', winnerRegion: 'eu-west-1', loserRegion: 'us-east-1' },
        { table: 'Carts', key: '{"userId":"u-42"}', winnerRegion: 'us-east-1', loserRegion: 'eu-west-1' },
        {
          table: 'PangeaGameday',
          key: '{"pk":"counter#run","sk":"a&b"}',
          winnerRegion: 'ap-south-1',
          loserRegion: 'us-east-1',
        },
      ],
    },
    verdicts: [
      {
        objective: 'rtoMs',
        expected: 'rto <= 10 s',
        measured: `${(worst.sustainedMs! / 1000).toFixed(1)} s (${worst.location}, ${fixtureFault})`,
        passed: true,
      },
      {
        objective: 'rpoMs',
        expected: 'rpo <= 1 s',
        measured: `1.8 s (${fixtureFault}, 3 writes)`,
        passed: false,
      },
      {
        objective: 'errorRate',
        expected: 'error rate <= 5%',
        measured: `${((100 * failed) / (ok + failed)).toFixed(2)}%`,
        passed: true,
      },
      { objective: 'convergenceMs', expected: 'convergence <= 30 s', measured: '6.4 s', passed: true },
    ],
    passed: false,
    findings: [
      'RPO missed: 3 writes acknowledged in us-east-1 in the 1.8 s before the outage had not reached eu-west-1 or ap-south-1 when it started; all arrived after heal.',
      `Clients in ${locations
        .filter((l) => l.home === 'us-east-1')
        .map((l) => l.name)
        .join(
          ' & ',
        )} failed for about 3 s (timeouts & refused connections) until DNS answered with eu-west-1.`,
      'The app answered one request with an HTML error page starting <script>alert("x")</script>; it is shown here as text.',
    ],
    stoppedEarly: null,
  };
}

/** The same world and scenario, but no operation ran: every bucket is empty. */
export function emptyGamedayReportFixture(): GamedayReport {
  const report = gamedayReportFixture({ locations: 3 });
  const noLatency: LatencySummary = { count: 0, p50Ms: null, p90Ms: null, p99Ms: null, maxMs: null };
  return {
    ...report,
    totals: { ops: 0, ok: 0, failed: 0, indeterminate: 0, errorRate: 0, latency: noLatency },
    series: {
      bucketMs,
      buckets: report.series.buckets.map((bucket) => ({
        tMs: bucket.tMs,
        locations: {},
        regionShare: {},
        replicationLagMs: { 'us-east-1': null, 'eu-west-1': null, 'ap-south-1': null },
      })),
    },
    locations: report.locations.map((location) => ({
      ...location,
      ops: 0,
      ok: 0,
      failed: 0,
      indeterminate: 0,
      successRate: Number.NaN,
      latency: noLatency,
      regionShare: {},
      errors: {},
    })),
    recoveryTimes: [],
    recoveryPoints: [],
    sets: {
      ...report.sets,
      attempted: 0,
      acknowledged: 0,
      stable: 0,
      lost: [],
      neverRead: 0,
      staleReads: 0,
      recovered: 0,
      stableLatency: noLatency,
    },
    counters: [],
    conflicts: { total: 0, byTable: {}, samples: [] },
    findings: [],
  };
}
