/**
 * The game day's data model: what a scenario asks for, what the run records (operations, faults,
 * samples, final reads) and what the report says. The load generator, the checkers and the report
 * renderer only meet through these types, so each can be tested on recorded data alone.
 *
 * Times in records are milliseconds since the run's start on a monotonic clock (`...Ms` fields,
 * `tMs`); wall-clock instants are ISO strings (`...At`).
 */

// --- scenario ------------------------------------------------------------------------------------

/** How the load's app clients reach the app: Route 53 DNS answers, or the Global Accelerator. */
export type AppEntry = 'dns' | 'accelerator';

/**
 * Client operations. App operations go through the scenario's entry point to the reference app;
 * `ddb-*` operations go straight to a region's DynamoDB endpoint with the AWS SDK.
 * - browse: GET /api/products
 * - cart: PUT /api/cart/items/<product>
 * - checkout: POST /api/checkout (adds an element to the client's order set when acknowledged)
 * - orders: GET /api/orders (a full read of the client's order set)
 * - ddb-put: PutItem of a new element into the run's set partition
 * - ddb-read: Query of the run's set partition (a full read of the set)
 * - ddb-increment: UpdateItem ADD 1 on a counter
 */
export const operationKinds = [
  'browse',
  'cart',
  'checkout',
  'orders',
  'ddb-put',
  'ddb-read',
  'ddb-increment',
] as const;
export type OperationKind = (typeof operationKinds)[number];

export interface LoadSpec {
  entry: AppEntry;
  /** Client locations of the world to run clients in (default: every location). */
  locations: string[] | 'all';
  clientsPerLocation: number;
  /** Operations per second per client (each client runs one operation at a time). */
  ratePerClient: number;
  /** Relative weights of operation kinds (missing kinds weigh 0). */
  mix: Partial<Record<OperationKind, number>>;
  requestTimeoutMs: number;
  /**
   * Which counter ddb-increment updates: one item shared by every client (`shared`, the
   * write-anywhere pattern), or one per region a client writes to (`per-region`, write-your-region).
   */
  counters: 'shared' | 'per-region';
}

export interface ScenarioStep {
  /** Label in the timeline (default: the action). */
  name: string;
  /** Offset from the start of load. */
  atMs: number;
  action: string;
  parameters: Record<string, string | number>;
  durationMs: number;
}

/** Objectives; each one present gets a verdict. Absent means not judged. */
export interface Objectives {
  /** Worst sustained recovery time over faults and affected locations. */
  rtoMs?: number;
  /** Worst data-loss window at failover (see RecoveryPoint.windowMs). */
  rpoMs?: number;
  /** Failed operations / all operations, as a fraction (0.001 = 0.1%). */
  errorRate?: number;
  /** Acknowledged writes missing from some region after heal and quiescence. */
  lostWrites?: number;
  /** Time from quiescence (the later of the last fault's end and the load's end) until every region's final read is identical. */
  convergenceMs?: number;
  /** Every counter's final value is within its acceptable range. */
  countersInRange?: boolean;
  /** p99 latency of successful operations over the whole run. */
  latencyP99Ms?: number;
}

export interface StopCondition {
  /** Abort when the error rate over the trailing window exceeds this fraction. */
  errorRate: number;
  windowMs: number;
}

export interface DataSpec {
  /** The run's DynamoDB table is a global table (false: one unreplicated table per region, a broken setup). */
  replicated: boolean;
}

export interface Scenario {
  name: string;
  description: string;
  /** Where it came from (built-in name or file path). */
  source: string;
  /** Timing profile the scenario is written for; the world's own profile is what runs. */
  profile: 'fast' | 'aws-defaults' | 'any';
  durationMs: number;
  seed: number | null;
  load: LoadSpec;
  data: DataSpec;
  steps: ScenarioStep[];
  objectives: Objectives;
  stopConditions: StopCondition[];
  /** Longest wait for replicas to converge after the last fault ends and load stops. */
  settleTimeoutMs: number;
}

// --- the run's data in DynamoDB ------------------------------------------------------------------

/**
 * The table the load's ddb-* operations use: hash key `pk` (S), range key `sk` (S). A run's set
 * elements are items (pk = setPartition(runId), sk = element); its counters are items
 * (pk = counterPartition(runId), sk = counter name) with a number attribute `n`.
 */
export const gamedayTable = 'PangeaGameday';
/** The same table created in each region with no replicas: the broken setup `data.replicated: false` asks for. */
export const unreplicatedGamedayTable = 'PangeaGamedayUnreplicated';
export const gamedayTableFor = (replicated: boolean): string =>
  replicated ? gamedayTable : unreplicatedGamedayTable;
export const setPartition = (runId: string): string => `set#${runId}`;
export const counterPartition = (runId: string): string => `counter#${runId}`;
/** The set name ddb-put and ddb-read use in OpRecord (one per run). */
export const dynamoSetName = (runId: string): string => `ddb:${runId}`;
/** The set name of one app user's orders in OpRecord; elements are order ids. */
export const orderSetName = (userId: string): string => `orders:${userId}`;

// --- what a run records ---------------------------------------------------------------------------

export interface OpRecord {
  /** `<location>-<i>` */
  client: string;
  location: string;
  /** 'dns' | 'accelerator' for app operations, 'dynamodb' for ddb-* operations. */
  entry: AppEntry | 'dynamodb';
  kind: OperationKind;
  /** Planned start (from the seeded schedule), actual start and end. */
  plannedMs: number;
  startMs: number;
  endMs: number;
  ok: boolean;
  /** The outcome is unknown: a write timed out or its connection broke after it was sent. */
  indeterminate: boolean;
  /** HTTP status, when an answer came back. */
  status: number | null;
  /** Stable error code: 'Timeout', 'ECONNREFUSED', 'ECONNRESET', 'DnsNoAnswer', 'HTTP503', AWS error names, ... */
  error: string | null;
  /** The region that served it (app header x-pangea-region, or the DynamoDB endpoint's region). */
  region: string | null;
  /** A write of one set element (acknowledged when ok). */
  write?: { set: string; element: string };
  /** A full read of one set: the elements it returned. */
  read?: { set: string; elements: string[] };
  /** An increment of a counter. */
  increment?: { counter: string; amount: number };
}

/** A fault as the run scheduled and the world carried it out. */
export interface FaultEvent {
  step: string;
  action: string;
  parameters: Record<string, string | number>;
  /** The world's fault id; null when injecting failed. */
  faultId: string | null;
  scheduledMs: number;
  startMs: number;
  /** When it was undone (or when the run stopped it); null if still active at the end. */
  endMs: number | null;
  /** Regions the fault takes out or isolates (for RTO/RPO: their clients and their writes). */
  regions: string[];
  /**
   * What the surviving regions (every region not in `regions`) held right after the fault started:
   * the union of their elements per set, read at tMs. Null when the fault isolates no region.
   */
  survivorSets: { tMs: number; sets: Record<string, string[]> } | null;
  error: string | null;
}

/** The world as sampled during the run (admin API status). */
export interface WorldSample {
  tMs: number;
  regions: Record<
    string,
    {
      running: boolean;
      /** Route 53 health check status of the region's endpoint; null when unknown. */
      healthy: boolean | null;
      /** Worst ReplicationLatency (ms) into this region from any source; null when none. */
      replicationLagMs: number | null;
      /** PendingReplicationCount out of this region. */
      pendingReplication: number | null;
    }
  >;
}

/** One region's state after quiescence. */
export interface FinalRead {
  region: string;
  /** Whether every read worked; a region that can't be read can't be judged converged. */
  ok: boolean;
  error: string | null;
  /** Elements of each set. */
  sets: Record<string, string[]>;
  /** Counter values (null: the item does not exist). */
  counters: Record<string, number | null>;
}

/** Writes discarded by last-writer-wins during the run, from every region's conflict log. */
export interface ConflictSummary {
  total: number;
  byTable: Record<string, number>;
  /** A few of the discarded writes, for the report. */
  samples: Array<{ table: string; key: string; winnerRegion: string; loserRegion: string }>;
}

/** Everything a run recorded; the checkers turn it into a report. */
export interface RunRecord {
  scenario: Scenario;
  seed: number;
  runId: string;
  startedAt: string;
  /** Load ran from 0 to loadEndMs; the run ended (final reads done) at endMs. */
  loadEndMs: number;
  endMs: number;
  world: { name: string; profile: string; regions: string[]; locations: string[] };
  ops: OpRecord[];
  faults: FaultEvent[];
  samples: WorldSample[];
  /** Final reads, taken after the last fault ended and replicas settled. */
  finalReads: FinalRead[];
  /** When every region's final read first matched (run-relative ms), null if never within the settle timeout. */
  convergedAtMs: number | null;
  conflicts: ConflictSummary;
  /** Why the run stopped early, when a stop condition fired. */
  stoppedEarly: string | null;
}

// --- what the checkers compute -------------------------------------------------------------------

export interface LatencySummary {
  count: number;
  p50Ms: number | null;
  p90Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export interface SeriesBucket {
  tMs: number;
  /** Per location: operations ending in this bucket. */
  locations: Record<string, { ok: number; failed: number; p50Ms: number | null; p99Ms: number | null }>;
  /** Successful operations served per region in this bucket. */
  regionShare: Record<string, number>;
  /** Worst replication lag seen in this bucket per region (from samples). */
  replicationLagMs: Record<string, number | null>;
}

export interface LocationSummary {
  location: string;
  ops: number;
  ok: number;
  failed: number;
  indeterminate: number;
  successRate: number;
  latency: LatencySummary;
  /** Successful operations per serving region. */
  regionShare: Record<string, number>;
  errors: Record<string, number>;
}

export interface RecoveryTime {
  fault: string;
  location: string;
  /** Did this location see failures because of the fault? */
  affected: boolean;
  /** Fault start to the first success after the first failure; null if never. */
  firstSuccessMs: number | null;
  /** Fault start to the start of the first window of `sustainMs` with no failures; null if never. */
  sustainedMs: number | null;
}

export interface RecoveryPoint {
  fault: string;
  /** Acknowledged writes made in the fault's regions before it started that survivors lacked when it started. */
  missingAtFailover: number;
  /** Fault start minus the acknowledgement time of the oldest such write (0 when none). */
  windowMs: number;
  /** Of those, still missing from some region after heal and quiescence. */
  missingAfterHeal: number;
}

/** Jepsen set-full outcome of the run's sets (https://jepsen.io, checker `set-full`). */
export interface SetCheck {
  /** Elements whose add was attempted. */
  attempted: number;
  acknowledged: number;
  /** Present in every read that began after some point, and in the final read of every region. */
  stable: number;
  /** Known to exist (acknowledged or once read), then absent from every later read and the final reads. */
  lost: string[];
  /** Never read by a read that began after the add completed (outcome unknown, final reads aside). */
  neverRead: number;
  /** Reads that began after an add was acknowledged and did not contain it (before it became stable). */
  staleReads: number;
  /** Elements that were read but whose add never was acknowledged (indeterminate adds that took effect). */
  recovered: number;
  /** Time from acknowledgement to being visible in every later read (p50/p99 over stable elements). */
  stableLatency: LatencySummary;
}

export interface CounterCheck {
  counter: string;
  acknowledged: number;
  indeterminate: number;
  /** Acceptable final values: [acknowledged, acknowledged + indeterminate] for increments of 1. */
  range: [number, number];
  /** Final value per region (null: missing). */
  finalValues: Record<string, number | null>;
  inRange: boolean;
  /** Acknowledged increments missing from the converged value (lost to last-writer-wins). */
  lostIncrements: number;
}

export interface Verdict {
  objective: keyof Objectives;
  /** The objective as written, e.g. "rto <= 10 s". */
  expected: string;
  /** The measured value in words, e.g. "6.2 s (europe, region-outage)". */
  measured: string;
  passed: boolean;
}

export interface GamedayReport {
  version: 1;
  scenario: Pick<
    Scenario,
    'name' | 'description' | 'source' | 'profile' | 'durationMs' | 'steps' | 'load' | 'data'
  >;
  seed: number;
  runId: string;
  startedAt: string;
  durationMs: number;
  world: RunRecord['world'];
  totals: {
    ops: number;
    ok: number;
    failed: number;
    indeterminate: number;
    errorRate: number;
    latency: LatencySummary;
  };
  series: { bucketMs: number; buckets: SeriesBucket[] };
  locations: LocationSummary[];
  faults: FaultEvent[];
  recoveryTimes: RecoveryTime[];
  recoveryPoints: RecoveryPoint[];
  sets: SetCheck;
  counters: CounterCheck[];
  convergence: { converged: boolean; afterLastFaultMs: number | null; regionsDiffering: string[] };
  conflicts: ConflictSummary;
  verdicts: Verdict[];
  passed: boolean;
  /** Plain-words findings, most important first. */
  findings: string[];
  stoppedEarly: string | null;
}
