/**
 * A deterministic simulation of the replication core: N regions with in-memory item maps write
 * puts, updates and deletes on a small key space while a seeded transport delays, reorders,
 * duplicates and drops batches and acks, partitions single directions, pauses regions and skews
 * their clocks. Then everything heals, replication quiesces, and the invariants are checked:
 * identical replicas, the last-writer-wins outcome, no resurrected delete, no write lost without a
 * conflict record, idempotent re-delivery, and tombstones collected once stable.
 * Everything (time, randomness, delivery order) derives from the seed, so a failure replays exactly.
 */
import type { Item } from '../../dataplane/model.js';
import { ManualClock } from '../../shared/clock.js';
import { type Random, seededRandom } from '../../shared/random.js';
import {
  type ChangeRecord,
  commitLocalWrite,
  type ItemState,
  itemKeyId,
  type LocalWrite,
  stateFromChange,
} from './change.js';
import { compareHlc, encodeHlc, type HlcTimestamp, HybridLogicalClock } from './hlc.js';
import { InboundTracker } from './inbound.js';
import { ReplicationLagStats } from './lag.js';
import { type ConflictRecord, decideMerge } from './merge.js';
import { OutboundLog, type ReplicationBatch } from './outbound.js';
import { ReplicationPause } from './pause.js';
import { SkewedClock } from './skewed-clock.js';
import { collectableTombstoneKeys } from './tombstones.js';

export interface SimulationOptions {
  seed: number;
  /** Default: 2 to 5, chosen by the seed. */
  regionCount?: number;
  operationCount?: number;
  keyCount?: number;
  /** Share of writes to a live item that delete it. */
  deleteRate?: number;
  writePhaseMs?: number;
  dropRate?: number;
  duplicateRate?: number;
  delayMsMin?: number;
  delayMsMax?: number;
  partitions?: boolean;
  pauses?: boolean;
  clockSkew?: boolean;
  /** Give up (and report) if replication has not quiesced this long after healing. */
  quiesceTimeoutMs?: number;
}

export interface SimulationStats {
  regionCount: number;
  writes: number;
  deletes: number;
  conflicts: number;
  messagesSent: number;
  messagesDropped: number;
  messagesDuplicated: number;
  recordsApplied: number;
  tombstonesCollected: number;
  driftWarnings: number;
  /** Highest ReplicationLatency sample (max over pairs of the window max) at the end. */
  replicationLatencyMsMax: number;
  simulatedMs: number;
}

export interface SimulationReport {
  seed: number;
  /** Empty when every invariant held; each entry starts with the seed. */
  violations: string[];
  stats: SimulationStats;
}

const regionNames = ['us-east-1', 'eu-west-1', 'ap-south-1', 'us-west-2', 'sa-east-1'];
const table = 'orders';
const epochMs = 1_700_000_000_000;
const tickMs = 10;
const gcIntervalMs = 50;
const checkIntervalMs = 100;
const settleMs = 1_500;
const maxDriftMs = 1_000;

type Message =
  | { type: 'batch'; batch: ReplicationBatch }
  | { type: 'ack'; from: string; to: string; sequence: number };

interface Region {
  name: string;
  clock: SkewedClock;
  hlc: HybridLogicalClock;
  items: Map<string, ItemState>;
  outbound: OutboundLog;
  inbound: InboundTracker;
  pause: ReplicationPause;
  conflicts: ConflictRecord[];
  /** Highest tombstone version collected per key: a later apply of an older put would be a resurrection. */
  collectedTombstones: Map<string, HlcTimestamp>;
}

interface ScheduledEvent {
  atMs: number;
  order: number;
  run: () => void;
}

/** A binary min-heap of events by time, ties in scheduling order (so the run is deterministic). */
class EventQueue {
  private readonly heap: ScheduledEvent[] = [];
  private order = 0;

  get size(): number {
    return this.heap.length;
  }

  push(atMs: number, run: () => void): void {
    this.heap.push({ atMs, order: this.order++, run });
    this.siftUp(this.heap.length - 1);
  }

  pop(): ScheduledEvent | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (top && last && this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  private before(a: number, b: number): boolean {
    const x = this.heap[a]!;
    const y = this.heap[b]!;
    return x.atMs < y.atMs || (x.atMs === y.atMs && x.order < y.order);
  }

  private swap(a: number, b: number): void {
    [this.heap[a], this.heap[b]] = [this.heap[b]!, this.heap[a]!];
  }

  private siftUp(index: number): void {
    let child = index;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!this.before(child, parent)) return;
      this.swap(child, parent);
      child = parent;
    }
  }

  private siftDown(index: number): void {
    let parent = index;
    for (;;) {
      const left = parent * 2 + 1;
      const right = left + 1;
      let smallest = parent;
      if (left < this.heap.length && this.before(left, smallest)) smallest = left;
      if (right < this.heap.length && this.before(right, smallest)) smallest = right;
      if (smallest === parent) return;
      this.swap(parent, smallest);
      parent = smallest;
    }
  }
}

export function runSimulation(options: SimulationOptions): SimulationReport {
  return new Simulation(options).run();
}

class Simulation {
  private readonly seed: number;
  private readonly random: Random;
  private readonly world = new ManualClock();
  private readonly queue = new EventQueue();
  private readonly regions: Region[];
  private readonly byName = new Map<string, Region>();
  private readonly keys: Item[];
  private readonly writes: ChangeRecord[] = [];
  private readonly sentBatches: ReplicationBatch[] = [];
  private readonly blockedDirections = new Map<string, number>();
  private readonly lag = new ReplicationLagStats();
  private readonly violations: string[] = [];
  private readonly options: Required<Omit<SimulationOptions, 'regionCount'>>;
  private running = true;
  private readonly stats: SimulationStats;

  constructor(options: SimulationOptions) {
    this.seed = options.seed;
    this.random = seededRandom(options.seed);
    this.options = {
      operationCount: 300,
      keyCount: 6,
      deleteRate: 0.25,
      writePhaseMs: 3_000,
      dropRate: 0.1,
      duplicateRate: 0.1,
      delayMsMin: 5,
      delayMsMax: 150,
      partitions: true,
      pauses: true,
      clockSkew: true,
      quiesceTimeoutMs: 60_000,
      ...options,
    };
    const regionCount = options.regionCount ?? 2 + this.randomInt(regionNames.length - 1);
    const names = regionNames.slice(0, regionCount);
    this.regions = names.map((name) => this.createRegion(name, names));
    for (const region of this.regions) this.byName.set(region.name, region);
    this.keys = Array.from({ length: this.options.keyCount }, (_, index) => ({ pk: { S: `k${index}` } }));
    this.stats = {
      regionCount,
      writes: 0,
      deletes: 0,
      conflicts: 0,
      messagesSent: 0,
      messagesDropped: 0,
      messagesDuplicated: 0,
      recordsApplied: 0,
      tombstonesCollected: 0,
      driftWarnings: 0,
      replicationLatencyMsMax: 0,
      simulatedMs: 0,
    };
  }

  run(): SimulationReport {
    this.scheduleScenario();
    const healAtMs = this.options.writePhaseMs + 2_000;
    this.queue.push(healAtMs, () => this.heal());
    this.queue.push(healAtMs + checkIntervalMs, () => this.checkQuiescence(healAtMs));
    while (this.running) {
      const event = this.queue.pop();
      if (!event) break;
      this.world.advance(event.atMs - this.world.nowMs());
      event.run();
    }
    this.stats.simulatedMs = this.world.nowMs();
    this.stats.conflicts = this.regions.reduce((sum, region) => sum + region.conflicts.length, 0);
    this.stats.replicationLatencyMsMax = this.latencyMsMax();
    if (this.violations.length === 0) this.checkInvariants();
    return { seed: this.seed, violations: this.violations, stats: this.stats };
  }

  // ---- setup -------------------------------------------------------------------------------

  private createRegion(name: string, allNames: readonly string[]): Region {
    const peers = allNames.filter((other) => other !== name);
    const skewOn = this.options.clockSkew;
    const farAhead = skewOn && this.random.next() < 0.15 ? maxDriftMs * 2 : 0;
    const clock = new SkewedClock(this.world, {
      offsetMs: epochMs + (skewOn ? this.randomBetween(-300, 300) + farAhead : 0),
      driftPpm: skewOn ? this.randomBetween(-2_000, 2_000) : 0,
    });
    return {
      name,
      clock,
      hlc: new HybridLogicalClock({ region: name, clock, maxDriftMs }),
      items: new Map(),
      outbound: new OutboundLog({
        region: name,
        peers,
        random: seededRandom(this.seed * 31 + allNames.indexOf(name)),
        limits: { maxRecords: 1 + this.randomInt(16), maxBytes: 400 + this.randomInt(2_000) },
        maxInFlightBatches: 1 + this.randomInt(4),
        ackTimeoutMs: 400,
        heartbeatIntervalMs: 100,
        backoff: { baseMs: 50, capMs: 800, jitterRatio: 0.5 },
      }),
      inbound: new InboundTracker(name, peers),
      pause: new ReplicationPause(this.world),
      conflicts: [],
      collectedTombstones: new Map(),
    };
  }

  private scheduleScenario(): void {
    const { writePhaseMs, operationCount } = this.options;
    for (let index = 0; index < operationCount; index++) {
      const region = this.pick(this.regions);
      const key = this.pick(this.keys);
      this.queue.push(this.random.next() * writePhaseMs, () => this.write(region, key, index));
    }
    for (const region of this.regions) {
      this.queue.push(this.random.next() * tickMs, () => this.tick(region));
      this.queue.push(this.random.next() * gcIntervalMs, () => this.collectGarbage(region));
      if (this.options.clockSkew && this.random.next() < 0.5) {
        const jumpMs = this.randomBetween(-500, 500);
        this.queue.push(this.random.next() * writePhaseMs, () => region.clock.jump(jumpMs));
      }
    }
    if (this.options.partitions) this.schedulePartitions();
    if (this.options.pauses) this.schedulePauses();
  }

  private schedulePartitions(): void {
    const count = this.randomInt(this.regions.length * 2 + 1);
    for (let index = 0; index < count; index++) {
      const [from, to] = this.distinctPair();
      const direction = `${from.name}>${to.name}`;
      const startMs = this.random.next() * this.options.writePhaseMs;
      const durationMs = this.randomBetween(200, 1_500);
      this.queue.push(startMs, () => this.blockDirection(direction, +1));
      this.queue.push(startMs + durationMs, () => this.blockDirection(direction, -1));
    }
  }

  private schedulePauses(): void {
    const count = this.randomInt(3);
    for (let index = 0; index < count; index++) {
      const region = this.pick(this.regions);
      const request = {
        durationMs: this.randomBetween(300, 1_500),
        continueForMs: this.randomBetween(0, 200),
      };
      this.queue.push(this.random.next() * this.options.writePhaseMs, () => region.pause.pause(request));
    }
  }

  private blockDirection(direction: string, delta: number): void {
    this.blockedDirections.set(direction, (this.blockedDirections.get(direction) ?? 0) + delta);
  }

  private heal(): void {
    this.blockedDirections.clear();
    for (const region of this.regions) region.pause.resume();
  }

  /** Once every log is acknowledged everywhere, let heartbeats and GC run a little, then stop. */
  private checkQuiescence(healAtMs: number): void {
    const pending = this.regions.some((region) =>
      region.outbound.peers.some((peer) => region.outbound.pendingCount(peer) > 0),
    );
    if (!pending) {
      this.queue.push(this.world.nowMs() + settleMs, () => {
        this.running = false;
      });
      return;
    }
    if (this.world.nowMs() - healAtMs > this.options.quiesceTimeoutMs) {
      this.fail(`replication did not quiesce within ${this.options.quiesceTimeoutMs} ms of healing`);
      this.running = false;
      return;
    }
    this.queue.push(this.world.nowMs() + checkIntervalMs, () => this.checkQuiescence(healAtMs));
  }

  // ---- region behaviour --------------------------------------------------------------------

  private write(region: Region, key: Item, operationIndex: number): void {
    const keyId = itemKeyId(table, key);
    const current = region.items.get(keyId);
    const change = commitLocalWrite(this.chooseWrite(region, key, current, operationIndex), {
      hlc: region.hlc,
      current,
      originSequence: region.outbound.upcomingSequence(),
      committedAtMs: region.clock.nowMs(),
    });
    region.outbound.append(change);
    region.items.set(keyId, stateFromChange(change));
    this.writes.push(change);
    this.stats.writes++;
    if (change.kind === 'delete') this.stats.deletes++;
  }

  private chooseWrite(region: Region, key: Item, current: ItemState | undefined, index: number): LocalWrite {
    const roll = this.random.next();
    const { deleteRate } = this.options;
    if (current?.kind === 'live' && roll < deleteRate) return { kind: 'delete', table, key };
    if (current?.kind === 'live' && roll < deleteRate + (1 - deleteRate) / 3) {
      const newImage = { ...current.image, updatedBy: { S: region.name }, counter: { N: String(index) } };
      return { kind: 'put', table, key, newImage };
    }
    return { kind: 'put', table, key, newImage: { ...key, value: { S: `${region.name}#${index}` } } };
  }

  private tick(region: Region): void {
    if (!this.running) return;
    if (region.pause.canSend()) {
      const snapshot = {
        originClock: region.hlc.peek(),
        originAppliedFrontier: region.inbound.appliedFrontier(),
      };
      for (const peer of region.outbound.peers) {
        for (const batch of region.outbound.batchesToSend(peer, this.world.nowMs(), snapshot)) {
          if (batch.records.length > 0) this.sentBatches.push(batch);
          this.send(region.name, peer, { type: 'batch', batch });
        }
      }
    }
    this.queue.push(this.world.nowMs() + tickMs, () => this.tick(region));
  }

  private receiveBatch(region: Region, batch: ReplicationBatch): void {
    if (!region.pause.canApply()) return;
    if (region.inbound.admits(batch)) {
      for (const record of batch.records) {
        if (region.inbound.isNew(batch.origin, record.originSequence)) this.applyRecord(region, record);
      }
      region.inbound.completeBatch(batch);
    }
    const sequence = region.inbound.contiguousSequence(batch.origin);
    this.send(region.name, batch.origin, { type: 'ack', from: region.name, to: batch.origin, sequence });
  }

  private applyRecord(region: Region, record: ChangeRecord): void {
    const observed = region.hlc.observe(record.version);
    if (observed.driftExceeded) this.stats.driftWarnings++;
    const keyId = itemKeyId(record.table, record.key);
    const local = region.items.get(keyId);
    const decision = decideMerge(local, record, { region: region.name, nowMs: region.clock.nowMs() });
    this.checkApply(region, keyId, local, record, decision.state);
    if (decision.outcome === 'superseded' && decision.changed) {
      this.fail(
        `${region.name} saw ${encodeHlc(record.version)} claim causality yet sort below the local version`,
      );
    }
    if (decision.changed) region.items.set(keyId, decision.state);
    if (decision.conflict) region.conflicts.push(decision.conflict);
    region.inbound.markApplied(record.originRegion, record.originSequence);
    this.lag.record(record.originRegion, region.name, record.committedAtMs, region.clock.nowMs());
    this.stats.recordsApplied++;
  }

  private checkApply(
    region: Region,
    keyId: string,
    local: ItemState | undefined,
    record: ChangeRecord,
    next: ItemState,
  ) {
    if (local && compareHlc(next.version, local.version) < 0) {
      this.fail(
        `${region.name} moved ${keyId} back from ${encodeHlc(local.version)} to ${encodeHlc(next.version)}`,
      );
    }
    const collected = region.collectedTombstones.get(keyId);
    if (!local && collected && record.kind === 'put' && compareHlc(record.version, collected) < 0) {
      this.fail(
        `${region.name} resurrected ${keyId}: put ${encodeHlc(record.version)} after collecting a newer delete`,
      );
    }
  }

  private collectGarbage(region: Region): void {
    if (!this.running) return;
    const frontier = region.inbound.stableFrontier();
    for (const keyId of collectableTombstoneKeys(region.items, frontier)) {
      const tombstone = region.items.get(keyId)!;
      const previous = region.collectedTombstones.get(keyId);
      if (!previous || compareHlc(tombstone.version, previous) > 0) {
        region.collectedTombstones.set(keyId, tombstone.version);
      }
      region.items.delete(keyId);
      this.stats.tombstonesCollected++;
    }
    this.queue.push(this.world.nowMs() + gcIntervalMs, () => this.collectGarbage(region));
  }

  // ---- transport ---------------------------------------------------------------------------

  private send(from: string, to: string, message: Message): void {
    this.stats.messagesSent++;
    if (
      (this.blockedDirections.get(`${from}>${to}`) ?? 0) > 0 ||
      this.random.next() < this.options.dropRate
    ) {
      this.stats.messagesDropped++;
      return;
    }
    this.scheduleDelivery(to, message);
    if (this.random.next() < this.options.duplicateRate) {
      this.stats.messagesDuplicated++;
      this.scheduleDelivery(to, message);
    }
  }

  private scheduleDelivery(to: string, message: Message): void {
    const delayMs = this.randomBetween(this.options.delayMsMin, this.options.delayMsMax);
    this.queue.push(this.world.nowMs() + delayMs, () => this.deliver(this.byName.get(to)!, message));
  }

  private deliver(region: Region, message: Message): void {
    if (message.type === 'batch') this.receiveBatch(region, message.batch);
    else if (region.pause.canApply()) region.outbound.acknowledge(message.from, message.sequence);
  }

  // ---- invariants --------------------------------------------------------------------------

  private checkInvariants(): void {
    this.checkConvergence();
    this.checkLastWriterWins();
    this.checkNothingVanished();
    this.checkTombstonesCollected();
    this.checkMergeIdempotent();
    this.checkRedeliveryIdempotent();
  }

  /** Every replica holds the same live items with the same versions and causal contexts. */
  private checkConvergence(): void {
    const [first, ...others] = this.regions;
    const expected = liveSnapshot(first!);
    for (const other of others) {
      const actual = liveSnapshot(other);
      for (const keyId of new Set([...expected.keys(), ...actual.keys()])) {
        if (actual.get(keyId) !== expected.get(keyId)) {
          const detail = `${actual.get(keyId) ?? 'nothing'} vs ${expected.get(keyId) ?? 'nothing'}`;
          this.fail(`${other.name} differs from ${first!.name} on ${keyId}: ${detail}`);
        }
      }
    }
  }

  /** The final state of each key is its highest-versioned write; a winning delete leaves nothing. */
  private checkLastWriterWins(): void {
    for (const [keyId, winner] of this.winnersByKey()) {
      for (const region of this.regions) {
        const state = region.items.get(keyId);
        if (winner.kind === 'delete' && state?.kind === 'live') {
          this.fail(`${region.name} resurrected ${keyId}: delete ${encodeHlc(winner.version)} won`);
        } else if (
          winner.kind === 'put' &&
          !(state?.kind === 'live' && sameVersion(state.version, winner.version))
        ) {
          this.fail(
            `${region.name} holds ${describe(state)} for ${keyId}, expected ${encodeHlc(winner.version)}`,
          );
        } else if (
          winner.kind === 'put' &&
          JSON.stringify(state?.kind === 'live' && state.image) !== JSON.stringify(winner.newImage)
        ) {
          this.fail(`${region.name} holds a different image for ${keyId} at ${encodeHlc(winner.version)}`);
        }
      }
    }
  }

  /** Each acknowledged write is final, was knowingly replaced, or lost a recorded conflict. */
  private checkNothingVanished(): void {
    const winners = new Set([...this.winnersByKey().values()].map((change) => encodeHlc(change.version)));
    const replaced = new Set(
      this.writes.flatMap((change) => (change.replacedVersion ? [encodeHlc(change.replacedVersion)] : [])),
    );
    const losers = new Set(
      this.regions.flatMap((region) => region.conflicts.map((conflict) => encodeHlc(conflict.loser.version))),
    );
    for (const change of this.writes) {
      const version = encodeHlc(change.version);
      if (!winners.has(version) && !replaced.has(version) && !losers.has(version)) {
        this.fail(
          `write ${version} (${change.kind} ${JSON.stringify(change.key)}) vanished without a conflict record`,
        );
      }
    }
  }

  /** After quiescing and settling, the stable frontier has passed every tombstone. */
  private checkTombstonesCollected(): void {
    for (const region of this.regions) {
      const left = [...region.items.values()].filter((state) => state.kind === 'tombstone').length;
      if (left > 0) this.fail(`${region.name} still holds ${left} tombstone(s) after settling`);
    }
  }

  /** Merging any change a replica has already seen changes nothing and reports nothing. */
  private checkMergeIdempotent(): void {
    for (const region of this.regions) {
      for (const change of this.writes) {
        const state = region.items.get(itemKeyId(change.table, change.key));
        if (!state) continue;
        const decision = decideMerge(state, change, { region: region.name, nowMs: 0 });
        if (decision.changed || decision.conflict) {
          this.fail(`${region.name} changed on re-merging ${encodeHlc(change.version)}: ${decision.outcome}`);
        }
      }
    }
  }

  /** Delivering old batches again (duplicates from a slow network) leaves every replica as it was. */
  private checkRedeliveryIdempotent(): void {
    const before = this.regions.map(fullSnapshot);
    const conflictsBefore = this.regions.map((region) => region.conflicts.length);
    for (let index = 0; index < Math.min(200, this.sentBatches.length); index++) {
      const batch = this.pick(this.sentBatches);
      this.receiveBatch(this.byName.get(batch.destination)!, batch);
    }
    this.regions.forEach((region, index) => {
      if (fullSnapshot(region) !== before[index] || region.conflicts.length !== conflictsBefore[index]) {
        this.fail(`${region.name} changed when old batches were delivered again`);
      }
    });
  }

  private latencyMsMax(): number {
    let maxMs = 0;
    for (const source of this.regions) {
      for (const destination of source.outbound.peers) {
        const stats = this.lag.stats(source.name, destination, this.byName.get(destination)!.clock.nowMs());
        maxMs = Math.max(maxMs, stats.lagMsMax ?? 0);
      }
    }
    return maxMs;
  }

  private winnersByKey(): Map<string, ChangeRecord> {
    const winners = new Map<string, ChangeRecord>();
    for (const change of this.writes) {
      const keyId = itemKeyId(change.table, change.key);
      const best = winners.get(keyId);
      if (!best || compareHlc(change.version, best.version) > 0) winners.set(keyId, change);
    }
    return winners;
  }

  // ---- helpers -----------------------------------------------------------------------------

  private fail(message: string): void {
    if (this.violations.length < 20) this.violations.push(`seed ${this.seed}: ${message}`);
  }

  private randomInt(exclusiveMax: number): number {
    return Math.floor(this.random.next() * exclusiveMax);
  }

  private randomBetween(min: number, max: number): number {
    return min + this.random.next() * (max - min);
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.randomInt(items.length)]!;
  }

  private distinctPair(): [Region, Region] {
    const from = this.pick(this.regions);
    const others = this.regions.filter((region) => region !== from);
    return [from, this.pick(others)];
  }
}

function sameVersion(a: HlcTimestamp, b: HlcTimestamp): boolean {
  return compareHlc(a, b) === 0;
}

function describe(state: ItemState | undefined): string {
  return state ? `${state.kind} ${encodeHlc(state.version)}` : 'nothing';
}

/** Live items by key, each state canonically serialised; tombstones are invisible (and may be collected). */
function liveSnapshot(region: Region): Map<string, string> {
  const live = [...region.items.entries()].filter(([, state]) => state.kind === 'live');
  return new Map(live.map(([keyId, state]) => [keyId, JSON.stringify(canonicalState(state))]));
}

function fullSnapshot(region: Region): string {
  const entries = [...region.items.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(entries.map(([keyId, state]) => [keyId, canonicalState(state)]));
}

function canonicalState(state: ItemState): unknown {
  const context = Object.keys(state.context)
    .sort()
    .map((region) => encodeHlc(state.context[region]!));
  const image = state.kind === 'live' ? state.image : null;
  return [state.kind, encodeHlc(state.version), context, image];
}
