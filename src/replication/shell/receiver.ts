/**
 * Applies batches from other regions. Per origin, batches are applied in sequence order: a batch
 * that starts beyond the next expected sequence (it overtook its predecessor on another
 * connection) is parked until its predecessor is in, and refused with SequenceGap after a short
 * wait so the origin goes back. Records already applied are skipped.
 *
 * Group apply: the batches that queued up while the previous apply was committing are applied
 * together, as one store transaction (merges, stream and conflict records, the origin's new
 * contiguous sequence), and each is acked once that transaction committed. A sender with many
 * batches in flight therefore costs one commit per round of arrivals rather than one per batch,
 * and a batch never waits for a queue of commits ahead of it.
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
  /** A group stops growing at this many records (a single larger batch still goes alone). */
  maxGroupRecords?: number;
}

/** Keeps one transaction short, so acks keep flowing while a backlog drains. */
const defaultMaxGroupRecords = 4000;

interface ParkedBatch {
  request: BatchRequest;
  expiry: NodeJS.Timeout;
  resolve(reply: BatchReply): void;
  reject(error: unknown): void;
}

interface OriginQueue {
  applying: boolean;
  parked: ParkedBatch[];
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

  receive(request: BatchRequest): Promise<BatchReply> {
    const { origin } = request.header;
    const { tracker } = this.options;
    if (!tracker.peers.includes(origin)) {
      const error = new ReplicationError('BadRequest', `${origin} is not a peer of ${tracker.region}`, 400);
      return Promise.reject(error);
    }
    if (!this.options.canApply()) return Promise.reject(this.pausedError(origin));
    const queue = this.queue(origin);
    return new Promise<BatchReply>((resolve, reject) => {
      const parked: ParkedBatch = {
        request,
        resolve,
        reject,
        expiry: setTimeout(() => this.refuseOverdue(origin, queue, parked), this.reorderWaitMs),
      };
      queue.parked.push(parked);
      void this.drain(origin, queue);
    });
  }

  /** Applies groups of contiguous parked batches until none can go; one drain per origin at a time. */
  private async drain(origin: string, queue: OriginQueue): Promise<void> {
    if (queue.applying) return;
    queue.applying = true;
    try {
      for (;;) {
        const group = this.takeContiguousGroup(origin, queue);
        if (group.length === 0) return;
        await this.applyGroup(origin, group);
      }
    } finally {
      queue.applying = false;
    }
  }

  /** The parked batches that continue the applied sequence without a gap, in order. */
  private takeContiguousGroup(origin: string, queue: OriginQueue): ParkedBatch[] {
    if (queue.parked.length === 0) return [];
    if (!this.options.canApply()) {
      const refused = queue.parked.splice(0);
      for (const parked of refused) {
        clearTimeout(parked.expiry);
        parked.reject(this.pausedError(origin));
      }
      return [];
    }
    queue.parked.sort((a, b) => a.request.header.firstSequence - b.request.header.firstSequence);
    const maxRecords = this.options.maxGroupRecords ?? defaultMaxGroupRecords;
    let reach = this.options.tracker.contiguousSequence(origin);
    let count = 0;
    let records = 0;
    for (const { request } of queue.parked) {
      if (request.header.firstSequence > reach + 1) break;
      if (count > 0 && records + request.records.length > maxRecords) break;
      reach = Math.max(reach, request.header.lastSequence);
      records += request.records.length;
      count++;
    }
    const group = queue.parked.splice(0, count);
    for (const parked of group) clearTimeout(parked.expiry);
    return group;
  }

  private async applyGroup(origin: string, group: ParkedBatch[]): Promise<void> {
    try {
      await this.apply(
        origin,
        group.map((parked) => parked.request),
      );
    } catch (error) {
      for (const parked of group) parked.reject(error);
      return;
    }
    const ackedSequence = this.options.tracker.contiguousSequence(origin);
    for (const parked of group) parked.resolve({ ackedSequence });
  }

  private refuseOverdue(origin: string, queue: OriginQueue, parked: ParkedBatch): void {
    const index = queue.parked.indexOf(parked);
    if (index < 0) return;
    queue.parked.splice(index, 1);
    const contiguous = this.options.tracker.contiguousSequence(origin);
    parked.reject(
      new ReplicationError('SequenceGap', `expected sequence ${contiguous + 1}`, 409, {
        ackedSequence: contiguous,
      }),
    );
  }

  private pausedError(origin: string): ReplicationError {
    return new ReplicationError('ReplicationPaused', 'replication is paused in this region', 503, {
      ackedSequence: this.options.tracker.contiguousSequence(origin),
    });
  }

  /** One transaction for the whole group; the tracker moves only after it committed. */
  private async apply(origin: string, requests: BatchRequest[]): Promise<void> {
    const { store, tracker } = this.options;
    const contiguous = tracker.contiguousSequence(origin);
    const fresh: WireChange[] = [];
    let lastSequence = contiguous;
    for (const { header, records } of requests) {
      for (const record of records) if (record.s > lastSequence) fresh.push(record);
      lastSequence = Math.max(lastSequence, header.lastSequence);
    }
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
    for (const { header } of requests) {
      tracker.completeBatch({
        origin,
        destination: header.destination,
        firstSequence: header.firstSequence,
        originHighSequence: header.originHighSequence,
        originClock: decodeHlc(header.originClock),
        originAppliedFrontier: header.originAppliedFrontier ? decodeHlc(header.originAppliedFrontier) : null,
      });
    }
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
      queue = { applying: false, parked: [] };
      this.queues.set(origin, queue);
    }
    return queue;
  }
}
