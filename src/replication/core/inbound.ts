/**
 * Receiver-side bookkeeping per origin region: the contiguous sequence applied (the ack watermark;
 * batches that would leave a gap are refused so the origin goes back and resends), and what batch
 * headers let a replica conclude about versions:
 * - originClock: the origin's clock when it sent a batch whose sequences we all applied. Every
 *   write of that origin at or below that version is here; later ones will be above it.
 * - originAppliedFrontier: the origin's own claim "I have applied every change at or below this
 *   version, from every region". Accepted only with its header's sequences, so any write the
 *   origin made before claiming it has reached us too (the tombstone GC proof relies on this).
 */
import { compareHlc, type HlcTimestamp, minHlc } from './hlc.js';

export interface BatchHeader {
  readonly origin: string;
  readonly destination: string;
  /** Sequence of the batch's first record (or, for an empty heartbeat, the next unsent one). */
  readonly firstSequence: number;
  /** The last sequence the origin had assigned when it built this batch. */
  readonly originHighSequence: number;
  /** The origin's clock when it built this batch (`hlc.peek()`, taken with originHighSequence). */
  readonly originClock: HlcTimestamp;
  /** The origin's applied frontier then, or null while it cannot vouch for every region. */
  readonly originAppliedFrontier: HlcTimestamp | null;
}

interface OriginProgress {
  contiguousSequence: number;
  originClock: HlcTimestamp | null;
  appliedFrontier: HlcTimestamp | null;
}

export class InboundTracker {
  private readonly origins = new Map<string, OriginProgress>();

  constructor(
    readonly region: string,
    readonly peers: readonly string[],
  ) {
    for (const peer of peers) {
      this.origins.set(peer, { contiguousSequence: 0, originClock: null, appliedFrontier: null });
    }
  }

  /** Highest sequence of `origin` such that every sequence up to it has been applied here. */
  contiguousSequence(origin: string): number {
    return this.progress(origin).contiguousSequence;
  }

  /** A batch is admissible if it starts at or before the next expected sequence (no gap). */
  admits(header: BatchHeader): boolean {
    return header.firstSequence <= this.progress(header.origin).contiguousSequence + 1;
  }

  /** False for records already applied (retransmissions and duplicates). */
  isNew(origin: string, sequence: number): boolean {
    return sequence > this.progress(origin).contiguousSequence;
  }

  markApplied(origin: string, sequence: number): void {
    const progress = this.progress(origin);
    if (sequence !== progress.contiguousSequence + 1) {
      throw new RangeError(`sequence ${sequence} from ${origin} applied out of order`);
    }
    progress.contiguousSequence = sequence;
  }

  /** After applying a batch's records: adopt its header's claims if all its sequences are here. */
  completeBatch(header: BatchHeader): void {
    const progress = this.progress(header.origin);
    if (progress.contiguousSequence < header.originHighSequence) return;
    progress.originClock = maxOrNull(progress.originClock, header.originClock);
    progress.appliedFrontier = maxOrNull(progress.appliedFrontier, header.originAppliedFrontier);
  }

  /** Every change of every other region at or below this version has been applied here. */
  appliedFrontier(): HlcTimestamp | null {
    return minOfAll(this.peers.map((peer) => this.progress(peer).originClock));
  }

  /**
   * Every replica (this one included) has applied every change at or below this version, and no
   * change a peer wrote before learning so is still on its way here. Tombstones at or below it
   * can be collected.
   */
  stableFrontier(): HlcTimestamp | null {
    const claims = this.peers.map((peer) => this.progress(peer).appliedFrontier);
    return minOfAll([this.appliedFrontier(), ...claims]);
  }

  private progress(origin: string): OriginProgress {
    const progress = this.origins.get(origin);
    if (!progress) throw new RangeError(`${origin} is not a replication peer of ${this.region}`);
    return progress;
  }
}

function maxOrNull(current: HlcTimestamp | null, candidate: HlcTimestamp | null): HlcTimestamp | null {
  if (!candidate) return current;
  if (!current) return candidate;
  return compareHlc(candidate, current) > 0 ? candidate : current;
}

/** The minimum, or null if any is unknown (an unknown bound vouches for nothing). */
function minOfAll(versions: ReadonlyArray<HlcTimestamp | null>): HlcTimestamp | null {
  let minimum: HlcTimestamp | null = null;
  for (const version of versions) {
    if (!version) return null;
    minimum = minimum ? minHlc(minimum, version) : version;
  }
  return minimum;
}
