/**
 * The load's plan: which clients exist and what each of them will do when, drawn from the run's
 * seed before anything runs. Pure and deterministic, so a run can be replayed from its seed and a
 * report can say exactly what was asked of the world.
 *
 * Every client draws from a stream of its own, seeded from the run's seed and the client's name:
 * adding a location (or clients) leaves the other clients' plans unchanged. Arrivals are a Poisson
 * process (exponential gaps) at the spec's rate per client; each operation's kind is drawn from
 * the mix weights. The gap, kind and product draws are made for every operation whatever its kind,
 * so changing the mix keeps the arrival times.
 */
import { createHash } from 'node:crypto';
import { PangeaError } from '../../shared/errors.js';
import { seededRandom } from '../../shared/random.js';
import { type AppEntry, type LoadSpec, type OperationKind, operationKinds } from '../model.js';

/** The most operations a plan may hold (the expected count of the spec is checked). */
export const maxPlannedOperations = 100_000;

/** A generated plan may exceed the expected count by chance; beyond this it is refused too. */
const hardOperationCap = Math.ceil(maxPlannedOperations * 1.2);

/** Product draws are indices into whatever catalogue the app serves (taken modulo its length). */
const productIndexRange = 1_000_000;

interface PlannedOpBase {
  /** Position in the client's schedule (0, 1, ...). */
  seq: number;
  /** Planned start, run-relative. */
  atMs: number;
}

/** Kinds that need nothing planned beyond their time. */
type SimpleKind = 'browse' | 'orders' | 'ddb-read' | 'ddb-increment';

export type PlannedOp =
  | { [Kind in SimpleKind]: PlannedOpBase & { kind: Kind } }[SimpleKind]
  | (PlannedOpBase & { kind: 'cart'; productIndex: number })
  | (PlannedOpBase & { kind: 'checkout'; productIndex: number; idempotencyKey: string })
  | (PlannedOpBase & { kind: 'ddb-put'; element: string });

export interface ClientPlan {
  runId: string;
  /** `<location>-<index>` */
  client: string;
  location: string;
  /** The client's number within its location (it picks the client's address). */
  index: number;
  entry: AppEntry;
  counters: LoadSpec['counters'];
  requestTimeoutMs: number;
  /** The name the client signs in to the app with (one app user per client and run). */
  sessionName: string;
  ops: PlannedOp[];
}

export interface PlanOptions {
  /** The world's client locations (`spec.locations: 'all'` means these). */
  locations: string[];
  durationMs: number;
  seed: number;
  runId: string;
}

export function planLoad(spec: LoadSpec, options: PlanOptions): ClientPlan[] {
  validateSpec(spec, options);
  const locations = chosenLocations(spec, options.locations);
  const expected =
    locations.length * spec.clientsPerLocation * spec.ratePerClient * (options.durationMs / 1000);
  if (expected > maxPlannedOperations) throw tooLarge(expected);
  const mix = cumulativeMix(spec.mix);
  const plans: ClientPlan[] = [];
  let total = 0;
  for (const location of locations) {
    for (let index = 0; index < spec.clientsPerLocation; index++) {
      const plan = planClient(spec, options, mix, location, index);
      total += plan.ops.length;
      if (total > hardOperationCap) throw tooLarge(total);
      plans.push(plan);
    }
  }
  return plans;
}

function tooLarge(operations: number): PangeaError {
  return new PangeaError(
    'LoadTooLarge',
    `the load would run about ${Math.round(operations)} operations; at most ${maxPlannedOperations} are allowed (fewer clients, a lower rate or a shorter run)`,
    { operations: Math.round(operations), max: maxPlannedOperations },
  );
}

function invalid(message: string): PangeaError {
  return new PangeaError('InvalidLoadSpec', message);
}

function validateSpec(spec: LoadSpec, options: PlanOptions): void {
  if (!Number.isInteger(spec.clientsPerLocation) || spec.clientsPerLocation < 0)
    throw invalid(`clientsPerLocation must be a whole number >= 0 (got ${spec.clientsPerLocation})`);
  if (!Number.isFinite(spec.ratePerClient) || spec.ratePerClient < 0)
    throw invalid(`ratePerClient must be a number >= 0 (got ${spec.ratePerClient})`);
  if (!Number.isFinite(spec.requestTimeoutMs) || spec.requestTimeoutMs <= 0)
    throw invalid(`requestTimeoutMs must be > 0 (got ${spec.requestTimeoutMs})`);
  if (!Number.isFinite(options.durationMs) || options.durationMs < 0)
    throw invalid(`durationMs must be >= 0 (got ${options.durationMs})`);
  if (!Number.isFinite(options.seed)) throw invalid(`seed must be a number (got ${options.seed})`);
  if (options.runId.length === 0) throw invalid('runId must not be empty');
  for (const [kind, weight] of Object.entries(spec.mix)) {
    if (!(operationKinds as readonly string[]).includes(kind))
      throw invalid(`mix: unknown operation kind "${kind}" (kinds: ${operationKinds.join(', ')})`);
    if (weight === undefined || !Number.isFinite(weight) || weight < 0)
      throw invalid(`mix.${kind} must be a number >= 0 (got ${weight})`);
  }
}

function chosenLocations(spec: LoadSpec, worldLocations: readonly string[]): string[] {
  if (spec.locations === 'all') return [...worldLocations];
  const seen = new Set<string>();
  for (const location of spec.locations) {
    if (!worldLocations.includes(location)) {
      throw new PangeaError(
        'UnknownLocation',
        `load location "${location}" is not a location of the world (${worldLocations.join(', ')})`,
        { location },
      );
    }
    if (seen.has(location)) throw invalid(`location "${location}" is listed twice`);
    seen.add(location);
  }
  return [...spec.locations];
}

interface CumulativeMix {
  kinds: OperationKind[];
  /** Running sums of the weights, same order as kinds. */
  upTo: number[];
  total: number;
}

function cumulativeMix(mix: LoadSpec['mix']): CumulativeMix {
  const kinds: OperationKind[] = [];
  const upTo: number[] = [];
  let total = 0;
  for (const kind of operationKinds) {
    const weight = mix[kind] ?? 0;
    if (weight <= 0) continue;
    total += weight;
    kinds.push(kind);
    upTo.push(total);
  }
  if (total <= 0) throw invalid('mix: at least one operation kind needs a weight > 0');
  return { kinds, upTo, total };
}

function drawKind(mix: CumulativeMix, draw: number): OperationKind {
  const point = draw * mix.total;
  for (let i = 0; i < mix.kinds.length; i++) {
    if (point < (mix.upTo[i] ?? 0)) return mix.kinds[i] as OperationKind;
  }
  return mix.kinds[mix.kinds.length - 1] as OperationKind;
}

/** 32-bit FNV-1a of the seed and the client's name: the client's own stream. */
export function clientSeed(seed: number, client: string): number {
  let hash = 0x811c9dc5;
  for (const char of `${seed}/${client}`) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function planClient(
  spec: LoadSpec,
  options: PlanOptions,
  mix: CumulativeMix,
  location: string,
  index: number,
): ClientPlan {
  const client = `${location}-${index}`;
  const random = seededRandom(clientSeed(options.seed, client));
  const ops: PlannedOp[] = [];
  const meanGapMs = spec.ratePerClient > 0 ? 1000 / spec.ratePerClient : Number.POSITIVE_INFINITY;
  let atMs = 0;
  for (let seq = 0; ; seq++) {
    // Exponential gap: 1 - next() is in (0, 1], so the logarithm is finite.
    atMs += -Math.log(1 - random.next()) * meanGapMs;
    if (!(atMs < options.durationMs)) break;
    const kind = drawKind(mix, random.next());
    const productIndex = Math.floor(random.next() * productIndexRange);
    ops.push(plannedOp(kind, { seq, atMs: Math.round(atMs * 1000) / 1000 }, client, productIndex));
    if (ops.length > hardOperationCap) throw tooLarge(ops.length);
  }
  return {
    runId: options.runId,
    client,
    location,
    index,
    entry: spec.entry,
    counters: spec.counters,
    requestTimeoutMs: spec.requestTimeoutMs,
    sessionName: sessionNameFor(options.runId, client),
    ops,
  };
}

function plannedOp(
  kind: OperationKind,
  base: PlannedOpBase,
  client: string,
  productIndex: number,
): PlannedOp {
  switch (kind) {
    case 'cart':
      return { ...base, kind, productIndex };
    case 'checkout':
      // The app's user is per run and client, so the key only needs to be unique per client.
      return { ...base, kind, productIndex, idempotencyKey: `gd-${client}-${base.seq}` };
    case 'ddb-put':
      return { ...base, kind, element: `${client}-${base.seq}` };
    default:
      return { ...base, kind };
  }
}

/** What the app accepts as a sign-in name (src/app/routes/account.ts). */
const appNamePattern = /^[\p{L}\p{N}][\p{L}\p{N} ._'-]{0,39}$/u;

/**
 * `gd-<runId>-<client>` when the app accepts it as a name; a long or unusual run id is replaced by
 * a short digest of it, so every run and client still gets a user of its own.
 */
export function sessionNameFor(runId: string, client: string): string {
  const plain = `gd-${runId}-${client}`;
  if (appNamePattern.test(plain)) return plain;
  const runDigest = createHash('sha256').update(runId).digest('hex');
  const short = `gd-${runDigest.slice(0, 8)}-${client}`;
  if (appNamePattern.test(short)) return short;
  return `gd-${createHash('sha256').update(`${runId}\u0000${client}`).digest('hex').slice(0, 24)}`;
}
