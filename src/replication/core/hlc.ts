/**
 * Hybrid logical clock (Kulkarni et al.): every replicated write is versioned by
 * (wall ms, logical counter, region). The wall part follows the region's (possibly skewed)
 * physical clock; the logical counter keeps versions strictly increasing when the physical clock
 * stalls or jumps backwards, and `observe` pulls the clock past every version received, so a write
 * that replaces a version always gets a higher one (causality implies version order). Ties between
 * regions fall to the region name, which makes the order total and identical everywhere.
 */
import type { Clock } from '../../shared/clock.js';

export interface HlcTimestamp {
  /** Whole milliseconds of the writer's wall clock (or of a remote clock it had seen that was ahead). */
  readonly wallMs: number;
  /** Orders events within one wall millisecond. */
  readonly logical: number;
  /** The region that issued the timestamp; breaks ties between regions deterministically. */
  readonly region: string;
}

const wallHexDigits = 12;
const logicalHexDigits = 8;
/** 12 hex digits of milliseconds reach the year 10889; the encoding stays fixed width until then. */
export const maxWallMs = 16 ** wallHexDigits - 1;
export const maxLogical = 16 ** logicalHexDigits - 1;
/** AWS region names (and test names) are lowercase ASCII, so string order equals byte order. */
const regionNamePattern = /^[a-z0-9][a-z0-9-]*$/;
const encodedPattern = /^([0-9a-f]{12})\.([0-9a-f]{8})\.(.+)$/;

export const hlcZero = (region: string): HlcTimestamp => ({ wallMs: 0, logical: 0, region });

/** Region names already checked: every version encoding checks its region, and there are few. */
const checkedRegionNames = new Set<string>();
const maxCheckedRegionNames = 1024;

export function assertRegionName(region: string): void {
  if (checkedRegionNames.has(region)) return;
  if (!regionNamePattern.test(region)) throw new RangeError(`invalid region name for a version: '${region}'`);
  // Bounded so that names from the wire cannot grow it without limit.
  if (checkedRegionNames.size >= maxCheckedRegionNames) checkedRegionNames.clear();
  checkedRegionNames.add(region);
}

export function assertValidHlc(timestamp: HlcTimestamp): void {
  const { wallMs, logical, region } = timestamp;
  if (!Number.isInteger(wallMs) || wallMs < 0 || wallMs > maxWallMs) {
    throw new RangeError(`version wall time out of range: ${wallMs}`);
  }
  if (!Number.isInteger(logical) || logical < 0 || logical > maxLogical) {
    throw new RangeError(`version logical counter out of range: ${logical}`);
  }
  assertRegionName(region);
}

/** Total order: wall time, then logical counter, then region name. */
export function compareHlc(a: HlcTimestamp, b: HlcTimestamp): number {
  if (a.wallMs !== b.wallMs) return a.wallMs < b.wallMs ? -1 : 1;
  if (a.logical !== b.logical) return a.logical < b.logical ? -1 : 1;
  if (a.region === b.region) return 0;
  return a.region < b.region ? -1 : 1;
}

export const hlcEquals = (a: HlcTimestamp, b: HlcTimestamp): boolean => compareHlc(a, b) === 0;
export const maxHlc = (a: HlcTimestamp, b: HlcTimestamp): HlcTimestamp => (compareHlc(a, b) >= 0 ? a : b);
export const minHlc = (a: HlcTimestamp, b: HlcTimestamp): HlcTimestamp => (compareHlc(a, b) <= 0 ? a : b);

/**
 * `wwwwwwwwwwww.llllllll.region`: fixed-width lowercase hex, so comparing two encodings as strings
 * (or as UTF-8 bytes, e.g. in an LMDB key) gives the same answer as `compareHlc`.
 */
export function encodeHlc(timestamp: HlcTimestamp): string {
  assertValidHlc(timestamp);
  const wall = timestamp.wallMs.toString(16).padStart(wallHexDigits, '0');
  const logical = timestamp.logical.toString(16).padStart(logicalHexDigits, '0');
  return `${wall}.${logical}.${timestamp.region}`;
}

export function decodeHlc(encoded: string): HlcTimestamp {
  const match = encodedPattern.exec(encoded);
  if (!match) throw new RangeError(`not an encoded version: '${encoded}'`);
  const timestamp = {
    wallMs: Number.parseInt(match[1]!, 16),
    logical: Number.parseInt(match[2]!, 16),
    region: match[3]!,
  };
  assertValidHlc(timestamp);
  return timestamp;
}

export interface HlcOptions {
  region: string;
  /** The region's physical clock in wall milliseconds (see SkewedClock for epoch offset and skew). */
  clock: Clock;
  /** A remote version further ahead of our physical clock than this is accepted but reported. */
  maxDriftMs?: number;
}

export interface ObserveResult {
  /** The clock after observing; local events from now on are strictly above it. */
  readonly timestamp: HlcTimestamp;
  /** How far the remote wall time was ahead of our physical clock (negative: behind). */
  readonly remoteAheadMs: number;
  /** True when remoteAheadMs exceeded maxDriftMs. LWW still needs the version, so it is never rejected. */
  readonly driftExceeded: boolean;
}

export const defaultMaxDriftMs = 60_000;

export class HybridLogicalClock {
  readonly region: string;
  readonly maxDriftMs: number;
  private readonly clock: Clock;
  private last: HlcTimestamp;

  constructor(options: HlcOptions) {
    assertRegionName(options.region);
    this.region = options.region;
    this.clock = options.clock;
    this.maxDriftMs = options.maxDriftMs ?? defaultMaxDriftMs;
    this.last = hlcZero(options.region);
  }

  /** The latest timestamp issued or observed: every later `now()` is strictly greater. */
  peek(): HlcTimestamp {
    return this.last;
  }

  /** A timestamp for a local event (a committed write), strictly above everything issued or observed. */
  now(): HlcTimestamp {
    const physicalMs = this.physicalMs();
    if (physicalMs > this.last.wallMs) return this.advanceTo(physicalMs, 0);
    return this.advanceTo(this.last.wallMs, this.last.logical + 1);
  }

  /** Merges a received version into the clock so later local versions sort after it. */
  observe(remote: HlcTimestamp): ObserveResult {
    assertValidHlc(remote);
    const physicalMs = this.physicalMs();
    const wallMs = Math.max(physicalMs, this.last.wallMs, remote.wallMs);
    let logical = 0;
    if (wallMs === this.last.wallMs && wallMs === remote.wallMs) {
      logical = Math.max(this.last.logical, remote.logical) + 1;
    } else if (wallMs === this.last.wallMs) {
      logical = this.last.logical + 1;
    } else if (wallMs === remote.wallMs) {
      logical = remote.logical + 1;
    }
    const remoteAheadMs = remote.wallMs - physicalMs;
    return {
      timestamp: this.advanceTo(wallMs, logical),
      remoteAheadMs,
      driftExceeded: remoteAheadMs > this.maxDriftMs,
    };
  }

  private physicalMs(): number {
    return Math.min(maxWallMs, Math.max(0, Math.floor(this.clock.nowMs())));
  }

  /** Sets the clock, carrying a logical overflow into the next millisecond so order is kept. */
  private advanceTo(wallMs: number, logical: number): HlcTimestamp {
    const carry = logical > maxLogical;
    const carriedWallMs = carry ? wallMs + 1 : wallMs;
    if (carriedWallMs > maxWallMs) throw new RangeError('hybrid logical clock exhausted its wall range');
    this.last = { wallMs: carriedWallMs, logical: carry ? 0 : logical, region: this.region };
    return this.last;
  }
}
