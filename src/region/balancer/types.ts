/** The regional load balancer's contracts (an Application Load Balancer's, reduced to one listener). */

/** ALB target health states (DescribeTargetHealth `TargetHealth.State`). */
export type TargetHealthState = 'initial' | 'healthy' | 'unhealthy' | 'draining' | 'unused';

/** ALB reason codes (DescribeTargetHealth `TargetHealth.Reason`); null when healthy. */
export type TargetHealthReason =
  | 'Elb.RegistrationInProgress'
  | 'Elb.InitialHealthChecking'
  | 'Target.ResponseCodeMismatch'
  | 'Target.Timeout'
  | 'Target.FailedHealthChecks'
  | 'Target.DeregistrationInProgress'
  | 'Target.NotRegistered';

export type BalancingAlgorithm = 'round_robin' | 'least_outstanding_requests';

export interface TargetSpec {
  /** The app instance id, e.g. us-east-1-0. */
  id: string;
  host: string;
  port: number;
}

export interface HealthCheckSettings {
  /** GET path; 200 is healthy (ALB's default matcher). */
  path: string;
  intervalMs: number;
  timeoutMs: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
}

/** One target as the balancer sees it. */
export interface TargetView {
  id: string;
  target: string;
  health: TargetHealthState;
  reason: TargetHealthReason | null;
  /** Requests forwarded to it that have not finished. */
  inFlight: number;
}
