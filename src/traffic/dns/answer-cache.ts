/**
 * Encoded responses, reused for queries whose answer cannot differ: same question bytes, same
 * client location (and range prefix, which sets the ECS scope), same EDNS shape (none, plain, or
 * Client Subnet of one family and source prefix). A hit copies the stored message and patches the
 * query's ID, its RD bit and the echoed subnet address; routing and dns-packet encoding (about
 * 80% of a query's JavaScript time in the profile of bench:traffic) are skipped.
 *
 * Why an entry cannot go stale:
 * - zones: the server drops the whole cache on `updateZones`;
 * - health: an entry remembers every health-check answer routing read while building it and is
 *   used only while `isHealthy` still gives exactly those answers (a check nobody read cannot
 *   change the answer), so no change notification is needed and there is no expiry to tune;
 * - randomness: answers that drew a random number (weighted, multivalue, fail-open picks) are not
 *   stored, so every such query gets its own draw as Route 53 does;
 * - client address: IP-based answers depend on the address, not only its location; not stored;
 * - latency: `latencyMs` is the topology's fixed RTT table (Route 53 routes on long-term latency),
 *   so it is part of the server's fixed configuration, like the locations.
 * Bounded: least recently used entries go first.
 */
import type { Random } from '../../shared/random.js';
import type { RoutingEnvironment } from './routing.js';

export interface CachedAnswer {
  /** The complete response as the general path encoded it. */
  full: Buffer;
  /** The same response with TC set and no records: for UDP limits `full` exceeds. */
  truncated: Buffer;
  rcode: string;
  healthIds: readonly string[];
  healthAnswers: ReadonlyArray<boolean | undefined>;
}

export const defaultAnswerCacheEntries = 4096;

export class AnswerCache {
  /** Map iteration order is insertion order: the first key is the least recently used. */
  private readonly entries = new Map<string, CachedAnswer>();

  constructor(private readonly maxEntries = defaultAnswerCacheEntries) {}

  get size(): number {
    return this.entries.size;
  }

  /** The entry when every health answer it was built on still holds; a stale one is dropped. */
  get(key: string, isHealthy: RoutingEnvironment['isHealthy']): CachedAnswer | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (!healthUnchanged(entry, isHealthy)) return undefined;
    this.entries.set(key, entry);
    return entry;
  }

  set(key: string, entry: CachedAnswer): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size <= this.maxEntries) return;
    const oldest = this.entries.keys().next().value;
    if (oldest !== undefined) this.entries.delete(oldest);
  }

  clear(): void {
    this.entries.clear();
  }
}

function healthUnchanged(entry: CachedAnswer, isHealthy: RoutingEnvironment['isHealthy']): boolean {
  for (let index = 0; index < entry.healthIds.length; index++) {
    if (isHealthy(entry.healthIds[index] as string) !== entry.healthAnswers[index]) return false;
  }
  return true;
}

/** Wraps a routing environment to see what one resolution depended on. */
export class RoutingReads {
  readonly healthIds: string[] = [];
  readonly healthAnswers: Array<boolean | undefined> = [];
  usedRandom = false;
  readonly env: RoutingEnvironment;

  constructor(base: RoutingEnvironment) {
    const random: Random = {
      seed: base.random.seed,
      next: () => {
        this.usedRandom = true;
        return base.random.next();
      },
    };
    const isHealthy = (id: string) => {
      const healthy = base.isHealthy(id);
      this.healthIds.push(id);
      this.healthAnswers.push(healthy);
      return healthy;
    };
    this.env = { ...base, random, isHealthy };
  }
}
