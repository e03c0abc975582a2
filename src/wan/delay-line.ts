/**
 * One direction of one proxied TCP connection, shaped by a directed link: chunks leave after the
 * link's one-way delay plus jitter, never out of order (TCP delivers in order), after their
 * serialisation time at the link's bandwidth, and a "lost" chunk costs a retransmission timeout
 * instead of vanishing (TCP recovers losses; the application sees delay). While the link is
 * partitioned nothing leaves; the queue is bounded and pushes back on the sender.
 * Written by hand: this is the heart of the WAN model and no library shapes TCP streams in-process.
 */
import type { Clock, TimerHandle } from '../shared/clock.js';
import type { Random } from '../shared/random.js';
import type { LinkParams } from './model.js';

/** Linux's minimum retransmission timeout; each further loss of the same chunk doubles it. */
export const minRetransmitTimeoutMs = 200;
/**
 * Node timers fire on whole milliseconds and typically late; releasing what is due within this
 * margin centres the error on zero instead of always adding most of a millisecond.
 */
export const defaultEarlyReleaseMs = 0.5;
/** After this many losses of one chunk the connection is given up, like TCP's retry limit. */
export const maxRetransmits = 6;

export interface DelayLineOptions {
  clock: Clock;
  random: Random;
  link: () => LinkParams;
  /** Receives each chunk in order; `null` is the sender's end of stream (FIN), in order too. */
  deliver: (chunk: Buffer | null) => void;
  /** Called when too much is queued (pause the source) and when the queue drained (resume it). */
  onPressure: (paused: boolean) => void;
  onGiveUp: () => void;
  highWaterBytes?: number;
  /** Arrival before this instant waits for it: models the TCP handshake of a new connection. */
  openAtMs?: number;
  earlyReleaseMs?: number;
}

interface QueuedChunk {
  data: Buffer | null;
  releaseAtMs: number;
}

export class DelayLine {
  private readonly queue: QueuedChunk[] = [];
  private queuedBytes = 0;
  private lastReleaseAtMs = 0;
  private lastSentAtMs = 0;
  private timer: TimerHandle | undefined;
  private paused = false;
  private closed = false;
  private readonly highWaterBytes: number;
  private readonly earlyReleaseMs: number;

  constructor(private readonly options: DelayLineOptions) {
    this.highWaterBytes = options.highWaterBytes ?? 1024 * 1024;
    this.earlyReleaseMs = options.earlyReleaseMs ?? defaultEarlyReleaseMs;
  }

  push(data: Buffer | null): void {
    if (this.closed) return;
    const releaseAtMs = this.releaseTime(data?.length ?? 0);
    if (releaseAtMs === undefined) {
      this.closed = true;
      this.options.onGiveUp();
      return;
    }
    this.queue.push({ data, releaseAtMs });
    this.queuedBytes += data?.length ?? 0;
    if (!this.paused && this.queuedBytes > this.highWaterBytes) this.setPaused(true);
    if (this.queue.length === 1) this.schedule();
  }

  /** Re-examines the head after a link change (a heal releases held data). */
  poke(): void {
    if (this.queue.length > 0 && !this.closed) this.schedule();
  }

  /** Bytes still queued: callers wait for zero before half-closing the far side. */
  get pendingBytes(): number {
    return this.queuedBytes;
  }

  close(): void {
    this.closed = true;
    if (this.timer) this.options.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
    this.queuedBytes = 0;
  }

  private releaseTime(sizeBytes: number): number | undefined {
    const link = this.options.link();
    const nowMs = this.options.clock.nowMs();
    const sentAtMs =
      Math.max(nowMs, this.options.openAtMs ?? 0, this.lastSentAtMs) + serialisationMs(sizeBytes, link);
    this.lastSentAtMs = sentAtMs;
    const retransmitMs = this.retransmitDelayMs(link);
    if (retransmitMs === undefined) return undefined;
    const jitterMs = link.jitterMs > 0 ? (this.options.random.next() * 2 - 1) * link.jitterMs : 0;
    const releaseAtMs = Math.max(
      this.lastReleaseAtMs,
      sentAtMs + Math.max(0, link.latencyMs + jitterMs) + retransmitMs,
    );
    this.lastReleaseAtMs = releaseAtMs;
    return releaseAtMs;
  }

  private retransmitDelayMs(link: LinkParams): number | undefined {
    let delayMs = 0;
    let timeoutMs = Math.max(minRetransmitTimeoutMs, link.latencyMs * 4);
    for (let attempt = 0; attempt <= maxRetransmits; attempt++) {
      if (this.options.random.next() * 100 >= link.lossPct) return delayMs;
      delayMs += timeoutMs;
      timeoutMs *= 2;
    }
    return undefined;
  }

  private schedule(): void {
    if (this.timer) this.options.clock.clearTimer(this.timer);
    this.timer = undefined;
    const head = this.queue[0];
    if (!head || this.options.link().partitioned) return;
    const waitMs = head.releaseAtMs - this.options.clock.nowMs() - this.earlyReleaseMs;
    if (waitMs <= 0) {
      this.flushDue();
      return;
    }
    this.timer = this.options.clock.setTimer(() => {
      this.timer = undefined;
      this.flushDue();
    }, waitMs);
  }

  private flushDue(): void {
    if (this.closed || this.options.link().partitioned) return;
    const nowMs = this.options.clock.nowMs();
    // A chunk held by a partition leaves no earlier than heal + one-way delay.
    while (
      this.queue.length > 0 &&
      (this.queue[0] as QueuedChunk).releaseAtMs <= nowMs + this.earlyReleaseMs
    ) {
      const chunk = this.queue.shift() as QueuedChunk;
      this.queuedBytes -= chunk.data?.length ?? 0;
      this.options.deliver(chunk.data);
      if (this.closed) return;
    }
    if (this.paused && this.queuedBytes <= this.highWaterBytes / 2) this.setPaused(false);
    this.schedule();
  }

  /** After a heal, everything held leaves after a fresh one-way delay from now. */
  rescheduleAfterHeal(): void {
    const link = this.options.link();
    const earliestMs = this.options.clock.nowMs() + link.latencyMs;
    for (const chunk of this.queue) chunk.releaseAtMs = Math.max(chunk.releaseAtMs, earliestMs);
    this.lastReleaseAtMs = Math.max(this.lastReleaseAtMs, earliestMs);
    this.poke();
  }

  private setPaused(paused: boolean): void {
    this.paused = paused;
    this.options.onPressure(paused);
  }
}

function serialisationMs(sizeBytes: number, link: LinkParams): number {
  return link.bandwidthMbps ? (sizeBytes * 8) / (link.bandwidthMbps * 1000) : 0;
}
