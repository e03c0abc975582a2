/**
 * The replication bookkeeping a region store keeps in memory and restores on open: the hybrid
 * logical clock (its high-water mark is persisted, and it observes it on open), and the counters
 * of the three logs (outbound sequence, stream sequence, conflict sequence) plus how many changes
 * were ever destined to each peer.
 * Transactions take a draft of the counters and adopt it only if their callback succeeded, so an
 * aborted transaction leaves no gap in the outbound sequence (the receivers require none).
 */
import { decodeHlc, encodeHlc, HybridLogicalClock } from '../../replication/core/hlc.js';
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

  /** Persists the draft and the clock's high-water mark (inside the transaction), then adopts it. */
  adopt(draft: LogCounters | undefined, clockAdvanced: boolean): void {
    if (draft) {
      this.dbs.replication.putSync(countersKey, draft);
      this.counters = draft;
    }
    if (clockAdvanced) this.dbs.replication.putSync(clockKey, encodeHlc(this.hlc.peek()));
  }
}
