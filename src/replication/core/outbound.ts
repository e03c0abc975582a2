/**
 * The origin side of replication: the log of this region's committed changes in sequence order
 * (the shell makes it durable, appended in the same transaction as the write), and per peer the
 * acknowledged watermark, what is in flight, when to resend, and how to cut batches.
 * Delivery is go-back-N: up to maxInFlightBatches batches are outstanding; if the oldest is not
 * acknowledged within ackTimeoutMs the peer backs off, then resends from its watermark. A record
 * leaves the log once every peer has acknowledged it, so an isolated peer resumes where it stopped.
 */
import type { Random } from '../../shared/random.js';
import { assertBackoffPolicy, type BackoffPolicy, backoffDelayMs, defaultBackoffPolicy } from './backoff.js';
import { type ChangeRecord, estimateChangeBytes } from './change.js';
import type { HlcTimestamp } from './hlc.js';
import type { BatchHeader } from './inbound.js';

export interface BatchLimits {
  maxRecords: number;
  maxBytes: number;
}

/** Hard bounds on the limits themselves: a batch must fit comfortably in one request and in memory. */
export const batchLimitBounds: BatchLimits = { maxRecords: 10_000, maxBytes: 16 * 1024 * 1024 };
export const defaultBatchLimits: BatchLimits = { maxRecords: 100, maxBytes: 1024 * 1024 };

export function assertBatchLimits(limits: BatchLimits): void {
  const { maxRecords, maxBytes } = limits;
  if (!Number.isInteger(maxRecords) || maxRecords < 1 || maxRecords > batchLimitBounds.maxRecords) {
    throw new RangeError(
      `maxRecords must be an integer in [1, ${batchLimitBounds.maxRecords}]: ${maxRecords}`,
    );
  }
  if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > batchLimitBounds.maxBytes) {
    throw new RangeError(`maxBytes must be an integer in [1, ${batchLimitBounds.maxBytes}]: ${maxBytes}`);
  }
}

/**
 * How many of `candidates` (in sequence order) go into the next batch: as many as fit both limits,
 * but at least one, so a single record larger than maxBytes still travels (alone) instead of
 * blocking the log forever.
 */
export function planBatchSize(candidates: readonly ChangeRecord[], limits: BatchLimits): number {
  let bytes = 0;
  let count = 0;
  for (const record of candidates) {
    if (count === limits.maxRecords) break;
    const recordBytes = estimateChangeBytes(record);
    if (count > 0 && bytes + recordBytes > limits.maxBytes) break;
    bytes += recordBytes;
    count++;
  }
  return count;
}

export interface ReplicationBatch extends BatchHeader {
  readonly records: readonly ChangeRecord[];
  readonly bytes: number;
}

/** What the caller knows at the moment of sending, copied into each batch header. */
export interface OriginSnapshot {
  originClock: HlcTimestamp;
  originAppliedFrontier: HlcTimestamp | null;
}

export interface OutboundOptions {
  region: string;
  peers: readonly string[];
  random: Random;
  limits?: BatchLimits;
  maxInFlightBatches?: number;
  ackTimeoutMs?: number;
  /** An empty batch goes out this often when idle, so peers learn our clock and frontier. */
  heartbeatIntervalMs?: number;
  backoff?: BackoffPolicy;
}

interface InFlightBatch {
  lastSequence: number;
  sentAtMs: number;
}

interface PeerProgress {
  ackedSequence: number;
  nextSequenceToSend: number;
  inFlight: InFlightBatch[];
  failedAttempts: number;
  retryAtMs: number | null;
  lastSentAtMs: number;
}

export class OutboundLog {
  readonly region: string;
  readonly peers: readonly string[];
  private readonly limits: BatchLimits;
  private readonly maxInFlightBatches: number;
  private readonly ackTimeoutMs: number;
  private readonly heartbeatIntervalMs: number;
  private readonly backoff: BackoffPolicy;
  private readonly random: Random;
  private readonly progress = new Map<string, PeerProgress>();
  /** Retained records; `retained[head]` has sequence `firstRetainedSequence`. */
  private retained: ChangeRecord[] = [];
  private head = 0;
  private firstRetainedSequence = 1;
  private lastSequence = 0;

  constructor(options: OutboundOptions) {
    this.region = options.region;
    this.peers = options.peers;
    this.random = options.random;
    this.limits = options.limits ?? defaultBatchLimits;
    this.maxInFlightBatches = options.maxInFlightBatches ?? 4;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 1_000;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 1_000;
    this.backoff = options.backoff ?? defaultBackoffPolicy;
    assertBatchLimits(this.limits);
    assertBackoffPolicy(this.backoff);
    if (
      !Number.isInteger(this.maxInFlightBatches) ||
      this.maxInFlightBatches < 1 ||
      this.maxInFlightBatches > 64
    ) {
      throw new RangeError(`maxInFlightBatches must be an integer in [1, 64]: ${this.maxInFlightBatches}`);
    }
    for (const peer of options.peers) {
      this.progress.set(peer, {
        ackedSequence: 0,
        nextSequenceToSend: 1,
        inFlight: [],
        failedAttempts: 0,
        retryAtMs: null,
        lastSentAtMs: Number.NEGATIVE_INFINITY,
      });
    }
  }

  /** The sequence the next committed change must carry. */
  upcomingSequence(): number {
    return this.lastSequence + 1;
  }

  highSequence(): number {
    return this.lastSequence;
  }

  append(change: ChangeRecord): void {
    if (change.originRegion !== this.region || change.originSequence !== this.lastSequence + 1) {
      throw new RangeError(
        `expected ${this.region} sequence ${this.lastSequence + 1}, got ${change.originRegion} ${change.originSequence}`,
      );
    }
    this.retained.push(change);
    this.lastSequence = change.originSequence;
  }

  /** PendingReplicationCount for this region → peer. */
  pendingCount(peer: string): number {
    return this.lastSequence - this.peer(peer).ackedSequence;
  }

  ackedSequence(peer: string): number {
    return this.peer(peer).ackedSequence;
  }

  retainedCount(): number {
    return this.retained.length - this.head;
  }

  /** The peer has applied every sequence up to `sequence`. Stale and duplicate acks are harmless. */
  acknowledge(peer: string, sequence: number): void {
    const progress = this.peer(peer);
    const acked = Math.min(sequence, this.lastSequence);
    if (acked <= progress.ackedSequence) return;
    progress.ackedSequence = acked;
    progress.failedAttempts = 0;
    progress.retryAtMs = null;
    progress.inFlight = progress.inFlight.filter((batch) => batch.lastSequence > acked);
    progress.nextSequenceToSend = Math.max(progress.nextSequenceToSend, acked + 1);
    this.trim();
  }

  /** The batches to send to `peer` now: resends after a timeout and backoff, new data, or a heartbeat. */
  batchesToSend(peer: string, nowMs: number, snapshot: OriginSnapshot): ReplicationBatch[] {
    const progress = this.peer(peer);
    this.handleTimeout(progress, nowMs);
    if (progress.retryAtMs !== null && nowMs < progress.retryAtMs) return [];
    progress.retryAtMs = null;
    const batches: ReplicationBatch[] = [];
    while (
      progress.inFlight.length < this.maxInFlightBatches &&
      progress.nextSequenceToSend <= this.lastSequence
    ) {
      const batch = this.cutBatch(peer, progress.nextSequenceToSend, snapshot);
      progress.inFlight.push({
        lastSequence: batch.firstSequence + batch.records.length - 1,
        sentAtMs: nowMs,
      });
      progress.nextSequenceToSend += batch.records.length;
      batches.push(batch);
    }
    const idle = batches.length === 0 && progress.inFlight.length === 0;
    if (idle && nowMs - progress.lastSentAtMs >= this.heartbeatIntervalMs) {
      batches.push(this.heartbeat(peer, progress, snapshot));
    }
    if (batches.length > 0) progress.lastSentAtMs = nowMs;
    return batches;
  }

  private handleTimeout(progress: PeerProgress, nowMs: number): void {
    const oldest = progress.inFlight[0];
    if (!oldest || nowMs - oldest.sentAtMs < this.ackTimeoutMs) return;
    progress.failedAttempts++;
    progress.retryAtMs = nowMs + backoffDelayMs(this.backoff, progress.failedAttempts, this.random);
    progress.inFlight = [];
    progress.nextSequenceToSend = progress.ackedSequence + 1;
  }

  private cutBatch(peer: string, firstSequence: number, snapshot: OriginSnapshot): ReplicationBatch {
    const start = this.head + (firstSequence - this.firstRetainedSequence);
    const candidates = this.retained.slice(start, start + this.limits.maxRecords);
    const records = candidates.slice(0, planBatchSize(candidates, this.limits));
    const bytes = records.reduce((sum, record) => sum + estimateChangeBytes(record), 0);
    return { ...this.header(peer, firstSequence, snapshot), records, bytes };
  }

  private heartbeat(peer: string, progress: PeerProgress, snapshot: OriginSnapshot): ReplicationBatch {
    return { ...this.header(peer, progress.nextSequenceToSend, snapshot), records: [], bytes: 0 };
  }

  private header(peer: string, firstSequence: number, snapshot: OriginSnapshot): BatchHeader {
    return {
      origin: this.region,
      destination: peer,
      firstSequence,
      originHighSequence: this.lastSequence,
      originClock: snapshot.originClock,
      originAppliedFrontier: snapshot.originAppliedFrontier,
    };
  }

  /** Drops records every peer has acknowledged; compacts the array once the dead prefix is large. */
  private trim(): void {
    const acks = [...this.progress.values()].map((progress) => progress.ackedSequence);
    const everyoneAcked = acks.length === 0 ? this.lastSequence : Math.min(...acks);
    const droppable = everyoneAcked - this.firstRetainedSequence + 1;
    if (droppable <= 0) return;
    this.head += droppable;
    this.firstRetainedSequence += droppable;
    if (this.head > 1024 && this.head * 2 > this.retained.length) {
      this.retained = this.retained.slice(this.head);
      this.head = 0;
    }
  }

  private peer(peer: string): PeerProgress {
    const progress = this.progress.get(peer);
    if (!progress) throw new RangeError(`${peer} is not a replication peer of ${this.region}`);
    return progress;
  }
}
