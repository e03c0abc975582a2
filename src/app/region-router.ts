/**
 * Sends a user's order writes to their home region while it answers, and to the local region when
 * it doesn't (timeouts and 5xx trip a circuit breaker, so a dead home region costs one short
 * timeout, not one per request). The caller learns which region took the write.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Logger } from 'pino';
import { homeRegionOf } from './affinity.js';
import { CircuitBreaker } from './circuit-breaker.js';
import type { DynamoClients } from './dynamo.js';
import { errorName, isUnreachable } from './errors.js';

export interface Routed<T> {
  value: T;
  homeRegion: string;
  writeRegion: string;
  fellBack: boolean;
}

export class RegionRouter {
  readonly breaker = new CircuitBreaker({ failureThreshold: 3, openMs: 5000, maxKeys: 32 });

  constructor(
    private readonly clients: DynamoClients,
    private readonly regions: readonly string[],
    private readonly logger: Logger,
  ) {}

  homeRegion(userId: string): string {
    return homeRegionOf(userId, this.regions);
  }

  async run<T>(userId: string, operation: (doc: DynamoDBDocumentClient, region: string) => Promise<T>) {
    const homeRegion = this.homeRegion(userId);
    const localRegion = this.clients.localRegion;
    if (homeRegion !== localRegion && this.breaker.allow(homeRegion)) {
      try {
        const value = await operation(this.clients.forRegion(homeRegion).doc, homeRegion);
        this.breaker.recordSuccess(homeRegion);
        return { value, homeRegion, writeRegion: homeRegion, fellBack: false } satisfies Routed<T>;
      } catch (error) {
        if (!this.shouldFallBack(error)) {
          this.breaker.recordSuccess(homeRegion);
          throw error;
        }
        this.breaker.recordFailure(homeRegion);
        this.logger.warn({ homeRegion, error: errorName(error) }, 'home region unavailable; writing locally');
      }
    }
    const value = await operation(this.clients.local().doc, localRegion);
    return {
      value,
      homeRegion,
      writeRegion: localRegion,
      fellBack: homeRegion !== localRegion,
    } satisfies Routed<T>;
  }

  /** Unreachable, or its replica of the table is missing: the home region can't take the write. */
  private shouldFallBack(error: unknown): boolean {
    return isUnreachable(error) || errorName(error) === 'ResourceNotFoundException';
  }
}
