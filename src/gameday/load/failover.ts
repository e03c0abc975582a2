/**
 * Client-side region choice for the DynamoDB operations, the client-driven request routing of AWS's
 * global tables guidance (https://docs.aws.amazon.com/prescriptive-guidance/latest/dynamodb-global-tables/routing-strategies.html):
 * a client talks to its nearest region; after `failuresToMove` consecutive failures there it moves
 * to the next region by proximity (and on, wrapping); once it has been away from the nearest
 * region for `retryNearestAfterMs` it tries the nearest again (and moves away again if that
 * fails as often). Any success resets the failure count.
 */

export interface FailoverPolicy {
  failuresToMove: number;
  retryNearestAfterMs: number;
}

export const defaultFailoverPolicy: FailoverPolicy = { failuresToMove: 2, retryNearestAfterMs: 5_000 };

/** Errors that say the request was wrong, not that the region is unwell: they never move a client. */
const requestErrors = new Set(['ValidationException', 'ConditionalCheckFailedException', 'Aborted']);

export class RegionFailover {
  private currentIndex = 0;
  private consecutiveFailures = 0;
  private awaySinceMs = 0;

  constructor(
    /** Nearest first; never empty. */
    private readonly regions: readonly string[],
    private readonly policy: FailoverPolicy,
    private readonly nowMs: () => number,
  ) {
    if (regions.length === 0) throw new Error('RegionFailover needs at least one region');
  }

  /** The region to send the next request to. */
  current(): string {
    if (this.currentIndex !== 0 && this.nowMs() - this.awaySinceMs >= this.policy.retryNearestAfterMs) {
      this.currentIndex = 0;
      this.consecutiveFailures = 0;
    }
    return this.regions[this.currentIndex] as string;
  }

  succeeded(): void {
    this.consecutiveFailures = 0;
  }

  failed(code: string): void {
    if (requestErrors.has(code)) return;
    this.consecutiveFailures += 1;
    if (this.consecutiveFailures < this.policy.failuresToMove || this.regions.length < 2) return;
    if (this.currentIndex === 0) this.awaySinceMs = this.nowMs();
    this.currentIndex = (this.currentIndex + 1) % this.regions.length;
    this.consecutiveFailures = 0;
  }
}
