/**
 * The replication bookkeeping a region store keeps in memory and restores on open: the hybrid
 * logical clock (its high-water mark is persisted, and it observes it on open), and the counters
 * of the three logs (outbound sequence, stream sequence, conflict sequence) plus how many changes
 * were ever destined to each peer.
 * Transactions take a draft of the counters and adopt it only if their callback succeeded, so an
 * aborted transaction leaves no gap in the outbound sequence (the receivers require none). The
 * adopted counters and the clock's high-water mark are written once per group commit (`persist`).
 */
import { decodeHlc, encodeHlc, type HlcTimestamp, HybridLogicalClock } from '../../replication/core/hlc.js';
import type { Clock } from '../../shared/clock.js';
import type { Databases } from './databases.js';

export interface LogCounters {
  outboundHigh: number;
  streamSequence: number;
  conflictSequence: number;
  destined: Record<string, number>;
}

const countersKey = 'counters';
const clockKey = 'hlc';

export class ReplicationLedger {
  readonly hlc: HybridLogicalClock;
  private counters: LogCounters;
  /** Counters adopted since the last `persist` (they go to disk with the batch that adopted them). */
  private countersDirty = false;
  /** The clock value last written by `persist`; the clock issues a new object on every advance. */
  private persistedClock: HlcTimestamp | undefined;

  constructor(
    private readonly dbs: Databases,
    readonly region: string,
    private readonly clock: Clock,
  ) {
    this.hlc = new HybridLogicalClock({ region, clock });
    const stored = dbs.replication.get(countersKey) as LogCounters | undefined;
    this.counters = stored
      ? { ...stored, destined: { ...stored.destined } }
      : { outboundHigh: 0, streamSequence: 0, conflictSequence: 0, destined: {} };
    const highWater = dbs.replication.get(clockKey) as string | undefined;
    if (highWater) this.hlc.observe(decodeHlc(highWater));
  }

  wallClockMs(): number {
    return this.clock.nowMs();
  }

  current(): Readonly<LogCounters> {
    return this.counters;
  }

  /** A private copy for one transaction. */
  draft(): LogCounters {
    return { ...this.counters, destined: { ...this.counters.destined } };
  }

  /** Adopts the draft of a transaction that succeeded; `persist` writes it before the batch commits. */
  adopt(draft: LogCounters | undefined): void {
    if (!draft) return;
    this.counters = draft;
    this.countersDirty = true;
  }

  /**
   * Writes the adopted counters and the clock's high-water mark, once per group commit, inside
   * the commit's transaction: every version a transaction of the batch issued is at most the
   * clock's current value, so one write covers them all (the mark is only a floor for the clock
   * after a restart, and a higher floor is always safe).
   */
  persist(): void {
    if (this.countersDirty) {
      this.dbs.replication.putSync(countersKey, this.counters);
      this.countersDirty = false;
    }
    const clock = this.hlc.peek();
    if (clock !== this.persistedClock && (clock.wallMs > 0 || clock.logical > 0)) {
      this.dbs.replication.putSync(clockKey, encodeHlc(clock));
      this.persistedClock = clock;
    }
  }

  /** The batch that persisted last did not commit: write everything again with the next one. */
  persistFailed(): void {
    this.countersDirty = true;
    this.persistedClock = undefined;
  }
}
