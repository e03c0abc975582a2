/**
 * Ships this region's outbound log to one peer, with the core's OutboundLog semantics over the
 * durable log instead of memory: sequences from 1 without gaps, a persisted ack watermark,
 * go-back-N with at most `maxInFlightBatches` outstanding, exponential backoff with seeded jitter
 * after a failure, and an empty heartbeat when idle so the peer learns our clock and frontier.
 *
 * Latency: the sender is woken by every commit that appends to the log (`kick`) and by every ack,
 * so a change leaves as soon as it is committed and the window has room; the poll timer is only a
 * safety net. The window is wide (a batch per connection, HTTP/1.1 has no pipelining) because a
 * long link holds a round trip's worth of commits in flight: with 4 batches over a 185 ms round
 * trip, a change would wait for a free slot for tens of milliseconds.
 *
 * Memory stays bounded whatever the backlog: each batch is read from the log when it is cut (a
 * page of at most `scanLimit` entries), only in-flight batches exist in memory, and a resend
 * reads the log again. A batch covers a sequence range; changes of tables the peer does not
 * replicate are skipped but covered, so the peer's contiguous sequence still advances.
 */
import type { AckWatermark, ReplicatedRegionStore } from '../../dataplane/storage/index.js';
import type { Logger } from '../../shared/logger.js';
import type { Random } from '../../shared/random.js';
import type { BackoffPolicy } from '../core/backoff.js';
import { backoffDelayMs } from '../core/backoff.js';
import { decideBatchCut } from './batch-cut.js';
import type { PeerClient } from './http-client.js';
import { type BatchReply, paths, type WireBatchHeader } from './protocol.js';

export interface SenderTuning {
  maxRecords: number;
  maxBytes: number;
  /** Log entries examined per batch at most (entries for other peers are skipped cheaply). */
  scanLimit: number;
  maxInFlightBatches: number;
  /** Request bodies in flight at most (at least one batch always goes): bounds memory in catch-up. */
  maxInFlightBytes: number;
  ackTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** Safety net only: commits and acks wake the sender; it re-reads the log at least this often. */
  pollIntervalMs: number;
  backoff: BackoffPolicy;
}

export const defaultSenderTuning: SenderTuning = {
  maxRecords: 1000,
  maxBytes: 1024 * 1024,
  scanLimit: 4000,
  maxInFlightBatches: 64,
  maxInFlightBytes: 16 * 1024 * 1024,
  ackTimeoutMs: 15_000,
  heartbeatIntervalMs: 1000,
  pollIntervalMs: 100,
  backoff: { baseMs: 100, capMs: 5000, jitterRatio: 0.5 },
};

interface InFlightBatch {
  firstSequence: number;
  lastSequence: number;
  destined: number;
  bodyBytes: number;
  generation: number;
  /** A heartbeat sent when a backoff starts: its answer ends the backoff (e.g. after a heal). */
  probe?: boolean;
}

export interface SenderHooks {
  canSend(): boolean;
  /** Header fields only the engine knows: our clock and applied frontier, encoded. */
  headerSnapshot(): Pick<WireBatchHeader, 'originClock' | 'originAppliedFrontier' | 'originHighSequence'>;
  /** Called after the ack watermark moved (the engine may truncate the log). */
  onAcked(): void;
  /** The log is truncated through this sequence (nothing there is pending for any peer). */
  truncatedThrough(): number;
}

export interface SenderStatus {
  destination: string;
  pendingReplicationCount: number;
  ackedSequence: number;
  inFlightBatches: number;
  consecutiveFailures: number;
  lastAckAtMs: number | null;
  lastError: string | null;
}

export class PeerSender {
  private acked: AckWatermark;
  private nextSequence: number;
  private inFlight: InFlightBatch[] = [];
  private generation = 0;
  private failedAttempts = 0;
  private retryAtMs = 0;
  private lastSentAtMs = Number.NEGATIVE_INFINITY;
  private lastAckAtMs: number | null = null;
  private lastError: string | null = null;
  private timer: NodeJS.Timeout | undefined;
  private wakeup: NodeJS.Immediate | undefined;
  private inFlightBytes = 0;
  private stopped = false;
  private saving: Promise<void> | undefined;
  private saveAgain = false;

  constructor(
    private readonly store: ReplicatedRegionStore,
    private readonly client: PeerClient,
    private readonly tuning: SenderTuning,
    private readonly random: Random,
    private readonly hooks: SenderHooks,
    private readonly logger: Logger,
  ) {
    this.acked = store.ackWatermark(client.peer.region);
    this.nextSequence = this.acked.sequence + 1;
  }

  get destination(): string {
    return this.client.peer.region;
  }

  ackedSequence(): number {
    return this.acked.sequence;
  }

  /** True when no change destined to the peer waits for its ack (it does not hold the log back). */
  caughtUp(): boolean {
    return this.store.destinedTotal(this.destination) <= this.acked.destined;
  }

  status(): SenderStatus {
    return {
      destination: this.destination,
      pendingReplicationCount: Math.max(0, this.store.destinedTotal(this.destination) - this.acked.destined),
      ackedSequence: this.acked.sequence,
      inFlightBatches: this.inFlight.length,
      consecutiveFailures: this.failedAttempts,
      lastAckAtMs: this.lastAckAtMs,
      lastError: this.lastError,
    };
  }

  start(): void {
    this.schedule(0);
  }

  /**
   * Sends as soon as the event loop is free (after a commit, an ack or a resume), unless backing
   * off. Kicks in one turn are coalesced into one pass, which then cuts one batch for all of them.
   */
  kick(): void {
    if (this.stopped || this.wakeup) return;
    if (Date.now() < this.retryAtMs) return;
    this.wakeup = setImmediate(() => this.pump());
    this.wakeup.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelWakeups();
    await this.saving;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.pump(), delayMs);
    this.timer.unref();
  }

  private cancelWakeups(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.wakeup) clearImmediate(this.wakeup);
    this.timer = undefined;
    this.wakeup = undefined;
  }

  private pump(): void {
    this.cancelWakeups();
    if (this.stopped) return;
    try {
      this.sendWhatWeCan();
    } catch (error) {
      this.logger.error({ err: error, peer: this.destination }, 'replication sender failed to cut a batch');
    }
    this.schedule(this.nextWaitMs());
  }

  /**
   * Until the backoff ends, else the safety-net poll, or the next heartbeat if that comes first
   * (only an idle sender sends one: with batches in flight, their acks wake us).
   */
  private nextWaitMs(): number {
    const nowMs = Date.now();
    if (this.retryAtMs > nowMs) return this.retryAtMs - nowMs;
    // Paused (no heartbeats go out, so one is always overdue) or acks pending: just the poll.
    if (this.inFlight.length > 0 || !this.hooks.canSend()) return this.tuning.pollIntervalMs;
    const heartbeatDueMs = this.lastSentAtMs + this.tuning.heartbeatIntervalMs - nowMs;
    return Math.max(1, Math.min(this.tuning.pollIntervalMs, heartbeatDueMs));
  }

  private windowHasRoom(): boolean {
    if (this.inFlight.length >= this.tuning.maxInFlightBatches) return false;
    return this.inFlight.length === 0 || this.inFlightBytes < this.tuning.maxInFlightBytes;
  }

  private sendWhatWeCan(): void {
    if (!this.hooks.canSend() || Date.now() < this.retryAtMs) return;
    const high = this.store.outboundHighSequence();
    while (this.windowHasRoom() && this.nextSequence <= high) {
      if (!this.sendNextBatch()) break;
    }
    const idle = this.inFlight.length === 0;
    if (idle && Date.now() - this.lastSentAtMs >= this.tuning.heartbeatIntervalMs) this.sendHeartbeat();
  }

  /** Cuts and sends one batch from the log; false when nothing committed is there yet. */
  private sendNextBatch(): boolean {
    const entries = this.store.outboundEntries(this.nextSequence - 1, this.tuning.scanLimit);
    const truncatedThrough = this.hooks.truncatedThrough();
    const cut =
      entries.length === 0 && truncatedThrough >= this.nextSequence
        ? { lastSequence: truncatedThrough, recordJson: [], bytes: 0 }
        : decideBatchCut(entries, this.destination, this.tuning, this.store.regionName);
    if (!cut) return false;
    const header = this.header(this.nextSequence, cut.lastSequence);
    const body = `{"header":${JSON.stringify(header)},"records":[${cut.recordJson.join(',')}]}`;
    const batch: InFlightBatch = {
      firstSequence: this.nextSequence,
      lastSequence: cut.lastSequence,
      destined: cut.recordJson.length,
      bodyBytes: body.length,
      generation: this.generation,
    };
    this.track(batch);
    this.nextSequence = cut.lastSequence + 1;
    this.transmit(batch, body);
    return true;
  }

  private sendHeartbeat(probe = false): void {
    const header = this.header(this.nextSequence, this.nextSequence - 1);
    const body = `{"header":${JSON.stringify(header)},"records":[]}`;
    const batch: InFlightBatch = {
      firstSequence: this.nextSequence,
      lastSequence: this.nextSequence - 1,
      destined: 0,
      bodyBytes: body.length,
      generation: this.generation,
      ...(probe ? { probe } : {}),
    };
    this.track(batch);
    this.transmit(batch, body);
  }

  private track(batch: InFlightBatch): void {
    this.inFlight.push(batch);
    this.inFlightBytes += batch.bodyBytes;
  }

  /** Replaces the in-flight list, keeping the byte count in step. */
  private keepInFlight(batches: InFlightBatch[]): void {
    this.inFlight = batches;
    this.inFlightBytes = batches.reduce((total, batch) => total + batch.bodyBytes, 0);
  }

  private header(firstSequence: number, lastSequence: number): WireBatchHeader {
    return {
      origin: this.store.regionName,
      destination: this.destination,
      firstSequence,
      lastSequence,
      ...this.hooks.headerSnapshot(),
    };
  }

  private transmit(batch: InFlightBatch, body: string): void {
    this.lastSentAtMs = Date.now();
    this.client
      .request<BatchReply & { message?: string }>('POST', paths.batch, body, this.tuning.ackTimeoutMs)
      .then(
        (response) => {
          if (response.status === 200) {
            this.settle(batch);
            if (batch.probe) this.endBackoff();
            this.onAck(response.body.ackedSequence);
            return;
          }
          if (typeof response.body.ackedSequence === 'number') this.onAck(response.body.ackedSequence);
          this.onFailure(
            batch,
            `${response.status} ${response.body.code ?? ''} ${response.body.message ?? ''}`,
          );
        },
        (error: Error) => this.onFailure(batch, error.message, { unreachable: true }),
      )
      .catch((error: unknown) => this.logger.error({ err: error }, 'replication ack handling failed'));
  }

  /** Removes a heartbeat (which covers no sequence) once answered. */
  private settle(batch: InFlightBatch): void {
    if (batch.lastSequence < batch.firstSequence) this.keepInFlight(this.inFlight.filter((b) => b !== batch));
  }

  private onAck(ackedSequence: number): void {
    if (ackedSequence <= this.acked.sequence) return;
    let destined = this.acked.destined;
    let countedTo = this.acked.sequence;
    const remaining: InFlightBatch[] = [];
    for (const batch of this.inFlight) {
      if (batch.lastSequence <= ackedSequence && batch.firstSequence === countedTo + 1) {
        destined += batch.destined;
        countedTo = batch.lastSequence;
      } else if (batch.lastSequence > ackedSequence) remaining.push(batch);
    }
    // The peer had applied more than we knew (e.g. our ack was lost in a crash): count from the log.
    if (countedTo < ackedSequence) destined += this.countDestined(countedTo, ackedSequence);
    this.keepInFlight(remaining);
    this.acked = { sequence: ackedSequence, destined };
    this.nextSequence = Math.max(this.nextSequence, ackedSequence + 1);
    this.failedAttempts = 0;
    this.retryAtMs = 0;
    this.lastAckAtMs = Date.now();
    this.lastError = null;
    this.persistAck();
    this.hooks.onAcked();
    this.kick();
  }

  private countDestined(afterSequence: number, upToSequence: number): number {
    let count = 0;
    let position = afterSequence;
    while (position < upToSequence) {
      const entries = this.store.outboundEntries(position, this.tuning.scanLimit);
      if (entries.length === 0) break;
      for (const entry of entries) {
        if (entry.sequence > upToSequence) return count;
        if (entry.change.d.includes(this.destination)) count++;
        position = entry.sequence;
      }
    }
    return count;
  }

  /** Go back to the watermark after a backoff; failures of an older generation are already handled. */
  private onFailure(batch: InFlightBatch, reason: string, how = { unreachable: false }): void {
    if (batch.generation !== this.generation) return;
    this.generation++;
    this.failedAttempts++;
    this.lastError = reason;
    const delayMs = backoffDelayMs(this.tuning.backoff, this.failedAttempts, this.random);
    this.retryAtMs = Date.now() + delayMs;
    this.keepInFlight([]);
    this.nextSequence = this.acked.sequence + 1;
    this.logger.debug(
      { peer: this.destination, reason, attempt: this.failedAttempts, delayMs },
      'replication batch failed; backing off',
    );
    this.schedule(delayMs);
    // A partition holds bytes rather than failing, so a retry only learns of the heal when it is
    // sent. One heartbeat waits on the link instead; its answer resumes us one round trip after
    // the heal. Only for a peer we could not reach (a peer that answered with an error keeps its
    // backoff), and a failed probe sends no other: at most two requests per backoff.
    if (how.unreachable && !batch.probe && this.hooks.canSend()) this.sendHeartbeat(true);
  }

  /** The peer answered while we were backing off: it is reachable again, so resend at once. */
  private endBackoff(): void {
    if (this.retryAtMs === 0) return;
    this.retryAtMs = 0;
    this.failedAttempts = 0;
    this.lastError = null;
    this.kick();
  }

  /** One save at a time; the newest watermark wins. */
  private persistAck(): void {
    if (this.saving) {
      this.saveAgain = true;
      return;
    }
    const watermark = this.acked;
    this.saving = this.store
      .saveAckWatermark(this.destination, watermark)
      .catch((error: unknown) => this.logger.warn({ err: error }, 'could not persist ack watermark'))
      .finally(() => {
        this.saving = undefined;
        if (this.saveAgain && !this.stopped) {
          this.saveAgain = false;
          this.persistAck();
        }
      });
  }
}
