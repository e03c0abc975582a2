/** The resolved world description every component reads (the YAML file with defaults applied). */
import type { AcceleratorConfig } from '../../traffic/accelerator/types.js';
import type { HostedZone } from '../../traffic/dns/types.js';
import type { HealthCheckConfig } from '../../traffic/health/types.js';

export interface Coordinates {
  lat: number;
  lon: number;
}

export interface LocationSpec {
  name: string;
  continent: 'AF' | 'AN' | 'AS' | 'EU' | 'NA' | 'OC' | 'SA';
  country: string;
  coordinates: Coordinates;
  /** A 127.x.0.0/16-style CIDR: a client bound to an address in it is at this location. */
  addressRange: string;
  /** The AWS region whose RTT row stands for this location's network (client RTT is derived from it). */
  anchorRegion?: string;
  /** Last-mile round trip added to the anchor's RTT. */
  accessRttMs: number;
  /** Explicit client-to-region RTTs; they win over the derived ones. */
  rttMs?: Record<string, number>;
}

export interface ServicesSpec {
  dynamodb: { port: number };
  replication: { port: number };
  /**
   * The region's app instances (0: no app and no load balancer). `entry`: the Node script each
   * instance runs; absent = the reference app (dist/src/app/main.js); relative paths are resolved
   * against the topology file's folder.
   */
  app: { instances: number; basePort: number; entry?: string };
  /** `healthCheckPath`: the target health check's GET path (default /health/live). */
  loadBalancer: {
    port: number;
    algorithm: 'round_robin' | 'least_outstanding_requests';
    healthCheckPath?: string;
  };
}

export interface RegionSpec {
  name: string;
  /** Index in the RTT table, 1-based: fixes the region's loopback addresses. */
  number: number;
  /** Where the region's own processes listen (127.0.<number>.1). */
  address: string;
  /** Where traffic from outside the region enters through the WAN links (127.0.<number>.2). */
  wanAddress: string;
  services: ServicesSpec;
}

export interface LinkOverride {
  from: string;
  to: string;
  latencyMs?: number;
  jitterMs?: number;
  lossPct?: number;
  bandwidthMbps?: number;
}

export interface WanSpec {
  jitterMs: number;
  lossPct: number;
  bandwidthMbps: number | null;
  links: LinkOverride[];
}

export type TimingProfileName = 'aws-defaults' | 'fast';

export interface TimingSpec {
  profile: TimingProfileName;
  /** Long waits (TTL expiry, fault durations, FIS windows) are divided by this factor. */
  timeScale: number;
  healthCheck: {
    intervalMs: number;
    failureThreshold: number;
    connectTimeoutMs: number;
    responseTimeoutMs: number;
  };
  dnsTtlSeconds: number;
  accelerator: { healthCheckIntervalMs: number; thresholdCount: number };
  loadBalancer: { intervalMs: number; healthyThreshold: number; unhealthyThreshold: number };
}

export interface GlobalSpec {
  host: string;
  adminPort: number;
  edgePort: number;
  dnsPort: number;
  acceleratorPort: number;
  dashboardPort: number;
}

/** The global traffic layer (`traffic:`), AWS field names; see topology/traffic.ts for the defaults. */
export interface TrafficSpec {
  healthChecks: HealthCheckConfig[];
  /** As served: default TTLs applied and the `<region>-alb.<zone>` records added. */
  hostedZones: HostedZone[];
  accelerator: AcceleratorConfig;
}

export interface Topology {
  /** The file it was read from, for messages. */
  source: string;
  name: string;
  regions: RegionSpec[];
  locations: LocationSpec[];
  wan: WanSpec;
  timing: TimingSpec;
  global: GlobalSpec;
  traffic: TrafficSpec;
}
