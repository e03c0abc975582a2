/**
 * Accelerator configuration, mirroring the AWS Global Accelerator API shapes (CreateListener,
 * CreateEndpointGroup; PascalCase as in CloudFormation `AWS::GlobalAccelerator::*`):
 * https://docs.aws.amazon.com/global-accelerator/latest/api/API_CreateEndpointGroup.html
 * https://docs.aws.amazon.com/global-accelerator/latest/api/API_Listener.html
 *
 * Fields marked "Pangea extension" do not exist on AWS.
 */

export type ClientAffinity = 'NONE' | 'SOURCE_IP';
export type HealthCheckProtocol = 'TCP' | 'HTTP' | 'HTTPS';
/** Pangea extension: how the accelerator carries a listener's connections. */
export type ProxyMode = 'TCP' | 'HTTP';

export interface PortRange {
  FromPort: number;
  ToPort: number;
}

export interface EndpointConfiguration {
  /**
   * Pangea: a region service (`<region>:loadBalancer`, `<region>:dynamodb`) or `address:port`
   * with the address inside the group's region (127.0.<n>.x). AWS takes an ALB/NLB ARN or an
   * instance / EIP allocation id here.
   */
  EndpointId: string;
  /** 0..255, default 128. 0 = no traffic unless the accelerator fails open. */
  Weight?: number;
}

export interface EndpointGroupConfig {
  EndpointGroupRegion: string;
  /** 0..100, default 100: the share of the traffic already bound for this group that stays. */
  TrafficDialPercentage?: number;
  /** Default TCP. HTTPS is probed as plain HTTP (Pangea has no TLS). */
  HealthCheckProtocol?: HealthCheckProtocol;
  /** Default: the endpoint's own port. */
  HealthCheckPort?: number;
  /** Default "/". Only for HTTP/HTTPS checks. */
  HealthCheckPath?: string;
  /** 10 or 30 (default 30), in AWS seconds; the timing profile says how long a 30 s lasts. */
  HealthCheckIntervalSeconds?: number;
  /** 1..10; default from the timing profile (AWS default 3). */
  ThresholdCount?: number;
  EndpointConfigurations?: EndpointConfiguration[];
}

export interface PassiveFailoverConfig {
  /** A refused / reset / 5xx upstream marks the endpoint failed for new requests at once. */
  Enabled: boolean;
  /** Retry idempotent requests (GET, HEAD, PUT, DELETE, OPTIONS, or with Idempotency-Key) elsewhere. */
  RetryIdempotent: boolean;
}

export interface ListenerConfig {
  /** AWS also has UDP; Pangea carries TCP only. */
  Protocol?: 'TCP';
  PortRanges: PortRange[];
  ClientAffinity?: ClientAffinity;
  /** Pangea extension, default TCP (byte pipe). HTTP parses requests and routes each one. */
  ProxyMode?: ProxyMode;
  /** Pangea extension (needs ProxyMode HTTP); AWS only reacts to its health checks. */
  PassiveFailover?: PassiveFailoverConfig;
  EndpointGroups: EndpointGroupConfig[];
}

export interface AcceleratorConfig {
  Name?: string;
  /** Default true; a disabled accelerator accepts no connections. */
  Enabled?: boolean;
  Listeners: ListenerConfig[];
}

/** Where an endpoint is reached: through the WAN face, and where its health is probed. */
export interface ResolvedEndpoint {
  /** Stable identity: `<listener>/<region>/<EndpointId>`. */
  key: string;
  endpointId: string;
  region: string;
  weight: number;
  /** The region's WAN face (127.0.<n>.2): client traffic pays the location→region link. */
  wanHost: string;
  /** The region's inside address (127.0.<n>.1): health probes go here. */
  insideHost: string;
  port: number;
}

export interface ResolvedHealthCheck {
  protocol: HealthCheckProtocol;
  /** undefined = each endpoint's own port. */
  port: number | undefined;
  path: string;
  intervalMs: number;
  thresholdCount: number;
}

export interface ResolvedEndpointGroup {
  region: string;
  trafficDialPercentage: number;
  healthCheck: ResolvedHealthCheck;
  endpoints: ResolvedEndpoint[];
}

export interface ResolvedListener {
  index: number;
  ports: number[];
  clientAffinity: ClientAffinity;
  proxyMode: ProxyMode;
  passiveFailover: PassiveFailoverConfig;
  groups: ResolvedEndpointGroup[];
}

export interface ResolvedAcceleratorConfig {
  name: string;
  enabled: boolean;
  listeners: ResolvedListener[];
}

/** Timing the accelerator takes from the world's profile (TimingSpec.accelerator). */
export interface AcceleratorTiming {
  /** How long an AWS 30 s health-check interval lasts in this world. */
  healthCheckIntervalMs: number;
  /** ThresholdCount when a group gives none. */
  thresholdCount: number;
}

/** An endpoint as routing sees it: its configuration plus its health right now. */
export type RoutedEndpoint = ResolvedEndpoint & { readonly healthy: boolean };
