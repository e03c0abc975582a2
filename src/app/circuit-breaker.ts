/**
 * A circuit breaker per remote region: after `failureThreshold` consecutive failures the region is
 * skipped for `openMs`, then one trial call is let through (half-open). State is one small record
 * per key and keys are capped, so memory stays bounded whatever callers pass.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  failureThreshold: number;
  openMs: number;
  maxKeys: number;
  now?: () => number;
}

interface Circuit {
  consecutiveFailures: number;
  openedAtMs: number | null;
  trialInFlight: boolean;
}

export class CircuitBreaker {
  private readonly circuits = new Map<string, Circuit>();
  private readonly now: () => number;

  constructor(private readonly options: BreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  state(key: string): BreakerState {
    const circuit = this.circuits.get(key);
    if (!circuit || circuit.openedAtMs === null) return 'closed';
    return this.now() - circuit.openedAtMs >= this.options.openMs ? 'half-open' : 'open';
  }

  /** Whether a call may go out now; in half-open only one trial call at a time. */
  allow(key: string): boolean {
    const state = this.state(key);
    if (state === 'closed') return true;
    if (state === 'open') return false;
    const circuit = this.circuit(key);
    if (circuit.trialInFlight) return false;
    circuit.trialInFlight = true;
    return true;
  }

  recordSuccess(key: string): void {
    this.circuits.delete(key);
  }

  recordFailure(key: string): void {
    const circuit = this.circuit(key);
    circuit.consecutiveFailures += 1;
    circuit.trialInFlight = false;
    const failedTrial = circuit.openedAtMs !== null;
    if (failedTrial || circuit.consecutiveFailures >= this.options.failureThreshold) {
      circuit.openedAtMs = this.now();
    }
  }

  snapshot(): Record<string, { state: BreakerState; consecutiveFailures: number }> {
    const result: Record<string, { state: BreakerState; consecutiveFailures: number }> = {};
    for (const [key, circuit] of this.circuits) {
      result[key] = { state: this.state(key), consecutiveFailures: circuit.consecutiveFailures };
    }
    return result;
  }

  private circuit(key: string): Circuit {
    let circuit = this.circuits.get(key);
    if (!circuit) {
      // Bounded: forget the oldest key (Map keeps insertion order) rather than grow without end.
      if (this.circuits.size >= this.options.maxKeys) {
        const oldest = this.circuits.keys().next().value;
        if (oldest !== undefined) this.circuits.delete(oldest);
      }
      circuit = { consecutiveFailures: 0, openedAtMs: null, trialInFlight: false };
      this.circuits.set(key, circuit);
    }
    return circuit;
  }
}
