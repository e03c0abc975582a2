/**
 * The target health state machine of an ALB target group, pure (no timers, no I/O):
 * registration → `initial`; `healthyThreshold` consecutive passing checks → `healthy`;
 * `unhealthyThreshold` consecutive failing checks → `unhealthy` (from `initial` or `healthy`);
 * deregistration → `draining` (no new requests; in-flight ones finish) → `unused`.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
 */
import type { TargetHealthReason, TargetHealthState } from './types.js';

export type CheckOutcome =
  | { ok: true }
  | { ok: false; reason: 'Target.ResponseCodeMismatch' | 'Target.Timeout' | 'Target.FailedHealthChecks' };

export class TargetHealth {
  state: TargetHealthState = 'initial';
  reason: TargetHealthReason | null = 'Elb.InitialHealthChecking';
  private passes = 0;
  private failures = 0;

  constructor(
    private readonly healthyThreshold: number,
    private readonly unhealthyThreshold: number,
  ) {}

  /** Whether new requests may go to the target. */
  get routable(): boolean {
    return this.state === 'healthy';
  }

  /** Applies one health check's outcome; returns whether the state or reason changed. */
  record(outcome: CheckOutcome): boolean {
    if (this.state === 'draining' || this.state === 'unused') return false;
    const before = `${this.state}/${this.reason}`;
    if (outcome.ok) {
      this.failures = 0;
      this.passes += 1;
      if (this.state !== 'healthy' && this.passes >= this.healthyThreshold) {
        this.state = 'healthy';
        this.reason = null;
      }
    } else {
      this.passes = 0;
      this.failures += 1;
      if (this.state !== 'unhealthy' && this.failures >= this.unhealthyThreshold) {
        this.state = 'unhealthy';
        this.reason = outcome.reason;
      } else if (this.state === 'unhealthy') {
        this.reason = outcome.reason;
      }
    }
    return `${this.state}/${this.reason}` !== before;
  }

  deregister(): boolean {
    if (this.state === 'draining' || this.state === 'unused') return false;
    this.state = 'draining';
    this.reason = 'Target.DeregistrationInProgress';
    return true;
  }

  /** Draining is over (in-flight requests finished or the delay ran out). */
  retire(): boolean {
    if (this.state === 'unused') return false;
    this.state = 'unused';
    this.reason = 'Target.NotRegistered';
    return true;
  }
}
