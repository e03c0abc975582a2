/**
 * Route 53 health checks, as configured in pangea.yaml (`healthChecks:`) and the admin API.
 *
 * Field names are Route 53's own HealthCheckConfig (PascalCase, as in the API and CloudFormation),
 * so a check reads like AWS: https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html
 * Pangea adds `Id` (the name DNS records and calculated checks refer to) and `TargetRegion`.
 *
 * Where an endpoint check points, one of:
 *  - `TargetRegion: eu-west-1` (+ optional `Port`, default the region's load balancer port): the
 *    region's endpoint. Named `TargetRegion` rather than `Region` so it cannot be confused with
 *    `Regions`, the list of places the checkers run from.
 *  - `IPAddress: 127.0.4.1` (or `127.0.4.2`) + optional `Port`: an address of the world's plan; both
 *    addresses of region n mean "region n", and the checker always enters through its WAN face.
 * `FullyQualifiedDomainName` only sets the Host header (and SNI with EnableSNI); Pangea does not
 * resolve it, so a check needs one of the two forms above.
 */

export const endpointCheckTypes = ['HTTP', 'HTTPS', 'HTTP_STR_MATCH', 'HTTPS_STR_MATCH', 'TCP'] as const;
export const externalCheckTypes = ['CLOUDWATCH_METRIC', 'RECOVERY_CONTROL'] as const;
export const healthCheckTypes = [...endpointCheckTypes, 'CALCULATED', ...externalCheckTypes] as const;

export type EndpointCheckType = (typeof endpointCheckTypes)[number];
/** Checks whose state is fed from outside (Pangea has no CloudWatch alarms or routing controls of its own). */
export type ExternalCheckType = (typeof externalCheckTypes)[number];
export type HealthCheckType = (typeof healthCheckTypes)[number];

export function isEndpointType(type: HealthCheckType): type is EndpointCheckType {
  return (endpointCheckTypes as readonly string[]).includes(type);
}

export function isExternalType(type: HealthCheckType): type is ExternalCheckType {
  return (externalCheckTypes as readonly string[]).includes(type);
}

export type InsufficientDataHealthStatus = 'Healthy' | 'Unhealthy' | 'LastKnownStatus';

export interface HealthCheckConfig {
  /** Pangea: the check's name (Route 53 assigns an id; here the author chooses it). 1-64 characters. */
  Id: string;
  Type: HealthCheckType;
  /** Pangea: the region whose endpoint is checked (endpoint types). */
  TargetRegion?: string;
  /** 127.0.<n>.1 or 127.0.<n>.2: region n (endpoint types). */
  IPAddress?: string;
  /** Default: the target region's load balancer port. */
  Port?: number;
  /** Requested path for HTTP(S) checks, default "/". */
  ResourcePath?: string;
  /** Sent as the Host header (and as SNI when EnableSNI). */
  FullyQualifiedDomainName?: string;
  /** *_STR_MATCH only: must appear in the first 5,120 bytes of the body. At most 255 characters. */
  SearchString?: string;
  /** Seconds between checks from each checker: 10 or 30 (default 30). Used by the aws-defaults profile. */
  RequestInterval?: 10 | 30;
  /** Consecutive results needed to change a checker's view, 1-10 (default: the timing profile's). */
  FailureThreshold?: number;
  /** Accepted for compatibility; every observation records its latency anyway. */
  MeasureLatency?: boolean;
  /** Report healthy as unhealthy and vice versa. */
  Inverted?: boolean;
  /** Stop probing and consider the check healthy (combined with Inverted: always unhealthy). */
  Disabled?: boolean;
  /** CALCULATED: how many children must be healthy, 0-256 (default: all of them). */
  HealthThreshold?: number;
  /** CALCULATED: ids of the child checks (at most 256). */
  ChildHealthChecks?: string[];
  /** HTTPS types: send FullyQualifiedDomainName as TLS SNI. */
  EnableSNI?: boolean;
  /**
   * Where the checkers run: world location names, or AWS region names standing for the location
   * anchored there. At least 3. Default: every location of the world.
   */
  Regions?: string[];
  /** CALCULATED and externally fed checks: the status while there is no data (default LastKnownStatus). */
  InsufficientDataHealthStatus?: InsufficientDataHealthStatus;
  /** CLOUDWATCH_METRIC: the alarm it follows (its state is reported through `setExternalHealth`). */
  AlarmIdentifier?: { Region: string; Name: string };
  /** RECOVERY_CONTROL: the routing control it follows (reported through `setExternalHealth`). */
  RoutingControlArn?: string;
}

/** One checker location's latest result, like Route 53's HealthCheckObservation. */
export interface HealthCheckObservation {
  /** The location the checker runs at. */
  checker: string;
  /** The source address its probes use. */
  ipAddress: string;
  /** This checker's view after FailureThreshold (not just the last result). */
  healthy: boolean;
  /** AWS-like StatusReport.Status, e.g. "Success: HTTP Status Code 200, OK". */
  status: string;
  checkedAtMs: number;
  latencyMs?: number;
}

export interface HealthStatusChange {
  id: string;
  healthy: boolean;
  atMs: number;
  /** Why, e.g. "2 of 7 checkers report healthy (> 18%)". */
  reason: string;
}

export interface HealthCheckStatus {
  id: string;
  type: HealthCheckType;
  /** The status DNS and the accelerator act on (after Inverted and Disabled). */
  healthy: boolean;
  /** When `healthy` last changed (or the check was created), clock milliseconds. */
  lastChangedMs: number;
  /** Endpoint checks: per checker, the latest observation; empty until the first result. */
  observations: HealthCheckObservation[];
  /** The last status changes, oldest first (bounded). */
  history: HealthStatusChange[];
}
