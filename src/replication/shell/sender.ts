/**
 * Ships this region's outbound log to one peer, with the core's OutboundLog semantics over the
 * durable log instead of memory: sequences from 1 without gaps, a persisted ack watermark,
 * go-back-N with at most `maxInFlightBatches` outstanding, exponential backoff with seeded jitter
 * after a failure, and an empty heartbeat when idle so the peer learns our clock and frontier.
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
  ackTimeoutMs: number;
  heartbeatIntervalMs: number;
  pollIntervalMs: number;
  backoff: BackoffPolicy;
}

export const defaultSenderTuning: SenderTuning = {
  maxRecords: 1000,
  maxBytes: 1024 * 1024,
  scanLimit: 4000,
  maxInFlightBatches: 4,
  ackTimeoutMs: 15_000,
  heartbeatIntervalMs: 1000,
  pollIntervalMs: 10,
  backoff: { baseMs: 100, capMs: 5000, jitterRatio: 0.5 },
};

interface InFlightBatch {
  firstSequence: number;
  lastSequence: number;
  destined: number;
  generation: number;
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

  /** Sends at once (after a resume or a write), unless backing off. */
  kick(): void {
    if (!this.stopped) this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.saving;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.pump(), delayMs);
    this.timer.unref();
  }

  private pump(): void {
    this.timer = undefined;
    if (this.stopped) return;
    try {
      this.sendWhatWeCan();
    } catch (error) {
      this.logger.error({ err: error, peer: this.destination }, 'replication sender failed to cut a batch');
    }
    const nowMs = Date.now();
    const waitMs = this.retryAtMs > nowMs ? this.retryAtMs - nowMs : this.tuning.pollIntervalMs;
    this.schedule(waitMs);
  }

  private sendWhatWeCan(): void {
    if (!this.hooks.canSend() || Date.now() < this.retryAtMs) return;
    const high = this.store.outboundHighSequence();
    while (this.inFlight.length < this.tuning.maxInFlightBatches && this.nextSequence <= high) {
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
      generation: this.generation,
    };
    this.inFlight.push(batch);
    this.nextSequence = cut.lastSequence + 1;
    this.transmit(batch, body);
    return true;
  }

  private sendHeartbeat(): void {
    const header = this.header(this.nextSequence, this.nextSequence - 1);
    const batch: InFlightBatch = {
      firstSequence: this.nextSequence,
      lastSequence: this.nextSequence - 1,
      destined: 0,
      generation: this.generation,
    };
    this.inFlight.push(batch);
    this.transmit(batch, `{"header":${JSON.stringify(header)},"records":[]}`);
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
            this.onAck(response.body.ackedSequence);
            return;
          }
          if (typeof response.body.ackedSequence === 'number') this.onAck(response.body.ackedSequence);
          this.onFailure(
            batch,
            `${response.status} ${response.body.code ?? ''} ${response.body.message ?? ''}`,
          );
        },
        (error: Error) => this.onFailure(batch, error.message),
      )
      .catch((error: unknown) => this.logger.error({ err: error }, 'replication ack handling failed'));
  }

  /** Removes a heartbeat (which covers no sequence) once answered. */
  private settle(batch: InFlightBatch): void {
    if (batch.lastSequence < batch.firstSequence) this.inFlight = this.inFlight.filter((b) => b !== batch);
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
    this.inFlight = remaining;
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
  private onFailure(batch: InFlightBatch, reason: string): void {
    if (batch.generation !== this.generation) return;
    this.generation++;
    this.failedAttempts++;
    this.lastError = reason;
    const delayMs = backoffDelayMs(this.tuning.backoff, this.failedAttempts, this.random);
    this.retryAtMs = Date.now() + delayMs;
    this.inFlight = [];
    this.nextSequence = this.acked.sequence + 1;
    this.logger.debug(
      { peer: this.destination, reason, attempt: this.failedAttempts, delayMs },
      'replication batch failed; backing off',
    );
    this.schedule(delayMs);
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
