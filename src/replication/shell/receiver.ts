/**
 * Applies batches from other regions. Per origin, batches are applied one at a time in sequence
 * order: a batch that starts beyond the next expected sequence (it overtook its predecessor on
 * another connection) waits briefly for it, then is refused with SequenceGap so the origin goes
 * back. Records already applied are skipped. The whole batch (merges, stream and conflict records,
 * the origin's new contiguous sequence) is one store transaction; the ack is sent after it commits.
 */

import {
  type ReplicatedRegionStore,
  toChangeRecord,
  type WireChange,
} from '../../dataplane/storage/index.js';
import type { Logger } from '../../shared/logger.js';
import { decodeHlc } from '../core/hlc.js';
import type { InboundTracker } from '../core/inbound.js';
import type { ReplicationLagStats } from '../core/lag.js';
import type { ConflictRecord } from '../core/merge.js';
import { type BatchReply, type BatchRequest, ReplicationError } from './protocol.js';

export interface ReceiverOptions {
  store: ReplicatedRegionStore;
  tracker: InboundTracker;
  lag: ReplicationLagStats;
  logger: Logger;
  canApply(): boolean;
  /** How long an early batch waits for its predecessor. */
  reorderWaitMs?: number;
}

interface OriginQueue {
  applying: boolean;
  waiters: Array<() => void>;
}

export interface ApplyCounts {
  applied: number;
  conflicts: number;
}

export class BatchReceiver {
  private readonly queues = new Map<string, OriginQueue>();
  private readonly reorderWaitMs: number;
  private appliedTotal = 0;
  private conflictTotal = 0;

  constructor(private readonly options: ReceiverOptions) {
    this.reorderWaitMs = options.reorderWaitMs ?? 2000;
  }

  totals(): { applied: number; conflicts: number } {
    return { applied: this.appliedTotal, conflicts: this.conflictTotal };
  }

  async receive(request: BatchRequest): Promise<BatchReply> {
    const { header } = request;
    const { tracker } = this.options;
    if (!tracker.peers.includes(header.origin)) {
      throw new ReplicationError('BadRequest', `${header.origin} is not a peer of ${tracker.region}`, 400);
    }
    const queue = this.queue(header.origin);
    const deadline = Date.now() + this.reorderWaitMs;
    for (;;) {
      this.checkCanApply(header.origin);
      const contiguous = tracker.contiguousSequence(header.origin);
      const ready = header.firstSequence <= contiguous + 1 && !queue.applying;
      if (ready) break;
      const remainingMs = deadline - Date.now();
      if (remainingMs <= 0) {
        throw new ReplicationError('SequenceGap', `expected sequence ${contiguous + 1}`, 409, {
          ackedSequence: contiguous,
        });
      }
      await this.waitForProgress(queue, remainingMs);
    }
    queue.applying = true;
    try {
      await this.apply(request);
    } finally {
      queue.applying = false;
      const waiters = queue.waiters.splice(0);
      for (const wake of waiters) wake();
    }
    return { ackedSequence: tracker.contiguousSequence(header.origin) };
  }

  private checkCanApply(origin: string): void {
    if (this.options.canApply()) return;
    throw new ReplicationError('ReplicationPaused', 'replication is paused in this region', 503, {
      ackedSequence: this.options.tracker.contiguousSequence(origin),
    });
  }

  private async apply(request: BatchRequest): Promise<void> {
    const { header, records } = request;
    const { store, tracker } = this.options;
    const origin = header.origin;
    const contiguous = tracker.contiguousSequence(origin);
    const fresh = records.filter((record) => record.s > contiguous);
    const lastSequence = Math.max(contiguous, header.lastSequence);
    if (lastSequence > contiguous) {
      const conflicts = await store.transactReplicated((tx) => {
        const found: ConflictRecord[] = [];
        for (const record of fresh) {
          const conflict = this.applyOne(tx, record);
          if (conflict) found.push(conflict);
        }
        tx.setInboundSequence(origin, lastSequence);
        return found;
      });
      for (let sequence = contiguous + 1; sequence <= lastSequence; sequence++)
        tracker.markApplied(origin, sequence);
      this.afterApply(origin, fresh, conflicts);
    }
    tracker.completeBatch({
      origin,
      destination: header.destination,
      firstSequence: header.firstSequence,
      originHighSequence: header.originHighSequence,
      originClock: decodeHlc(header.originClock),
      originAppliedFrontier: header.originAppliedFrontier ? decodeHlc(header.originAppliedFrontier) : null,
    });
  }

  private applyOne(
    tx: Parameters<Parameters<ReplicatedRegionStore['transactReplicated']>[0]>[0],
    record: WireChange,
  ): ConflictRecord | undefined {
    const table = this.options.store.getTableMeta(record.t);
    // A change for a table this region no longer (or not yet) holds has nowhere to go.
    if (!table) return undefined;
    try {
      const result = tx.applyChange(table, toChangeRecord(record));
      if (result.driftExceeded) {
        this.options.logger.warn(
          { origin: record.o, version: record.v },
          'replicated version far ahead of our clock',
        );
      }
      return result.conflict;
    } catch (error) {
      this.options.logger.warn(
        { err: error, table: record.t, origin: record.o, sequence: record.s },
        'replicated change could not be applied; skipped',
      );
      return undefined;
    }
  }

  private afterApply(origin: string, records: WireChange[], conflicts: ConflictRecord[]): void {
    const { lag, store, tracker, logger } = this.options;
    const arrivedAtMs = store.wallClockMs();
    for (const record of records) lag.record(origin, tracker.region, record.m, arrivedAtMs);
    this.appliedTotal += records.length;
    this.conflictTotal += conflicts.length;
    for (const conflict of conflicts) {
      logger.info(
        {
          table: conflict.table,
          key: conflict.key,
          winner: conflict.winner.region,
          loser: conflict.loser.region,
        },
        'replication conflict resolved by last writer wins',
      );
    }
  }

  private queue(origin: string): OriginQueue {
    let queue = this.queues.get(origin);
    if (!queue) {
      queue = { applying: false, waiters: [] };
      this.queues.set(origin, queue);
    }
    return queue;
  }

  private waitForProgress(queue: OriginQueue, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.min(timeoutMs, 50));
      queue.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
