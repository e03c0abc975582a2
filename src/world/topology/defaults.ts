import type { GlobalSpec, ServicesSpec, TimingProfileName, TimingSpec } from './types.js';

/**
 * Timing profiles. `aws-defaults` reproduces AWS: Route 53 checks every 30 s with threshold 3, a
 * 4 s connect and 2 s response limit (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html),
 * Global Accelerator checks every 30 s with threshold 3, ALB target checks every 30 s with
 * healthy 5 / unhealthy 2. `fast` keeps the same rules with short intervals for local use and tests.
 *
 * `fast` accelerator checks run every 250 ms (threshold 2), so a dead region is out of rotation for
 * new connections within ~0.5 s (target: 1 s). GA fails over on its health checks alone
 * (https://docs.aws.amazon.com/global-accelerator/latest/dg/about-endpoint-groups-health-check-options.html,
 * https://docs.aws.amazon.com/global-accelerator/latest/dg/about-endpoints-endpoint-weights.unhealthy-endpoints.html),
 * and in TCP mode the accelerator cannot see a dead region any sooner: it connects to the region's
 * WAN face, which accepts before it learns that the region refused. The checks go straight to the
 * region's inside address (loopback): 4 probes/s per endpoint, 12/s for the default three regions,
 * each one `/health` request; the probe timeout stays at 1 s (see accelerator/health.ts).
 */
export const timingProfiles: Record<TimingProfileName, Omit<TimingSpec, 'profile' | 'timeScale'>> = {
  'aws-defaults': {
    healthCheck: {
      intervalMs: 30_000,
      failureThreshold: 3,
      connectTimeoutMs: 4_000,
      responseTimeoutMs: 2_000,
    },
    dnsTtlSeconds: 60,
    accelerator: { healthCheckIntervalMs: 30_000, thresholdCount: 3 },
    loadBalancer: { intervalMs: 30_000, healthyThreshold: 5, unhealthyThreshold: 2 },
  },
  fast: {
    healthCheck: { intervalMs: 1_000, failureThreshold: 2, connectTimeoutMs: 500, responseTimeoutMs: 500 },
    dnsTtlSeconds: 1,
    accelerator: { healthCheckIntervalMs: 250, thresholdCount: 2 },
    loadBalancer: { intervalMs: 500, healthyThreshold: 2, unhealthyThreshold: 2 },
  },
};

export const defaultServices: ServicesSpec = {
  dynamodb: { port: 8000 },
  replication: { port: 8001 },
  app: { instances: 2, basePort: 8100 },
  loadBalancer: { port: 8080, algorithm: 'round_robin', healthCheckPath: '/health/live' },
};

export const defaultGlobal: GlobalSpec = {
  host: '127.0.0.1',
  adminPort: 7700,
  edgePort: 8000,
  dnsPort: 8053,
  acceleratorPort: 8080,
  dashboardPort: 7701,
};

/** What `pangea init` writes and what `pangea up` uses when there is no pangea.yaml. */
export const defaultTopologyYaml = `# Pangea world topology. Edit and run \`pangea up\`; \`pangea up --fresh\` starts from empty data.
version: 1
name: default

# AWS regions of the world (1 to 10), from data/aws-inter-region-rtt.csv. Each runs as its own
# process tree on its own loopback addresses: 127.0.<n>.1 inside the region, 127.0.<n>.2 where
# traffic from other regions and from client locations enters through the WAN links.
regions:
  - name: us-east-1
  - name: eu-west-1
  - name: ap-south-1

# Client locations. A client bound to an address in a location's range *is* at that location
# (the world's GeoIP). Client-to-region RTT = accessRttMs + RTT(anchorRegion, region), unless
# given explicitly under rttMs.
locations:
  - { name: north-america, continent: NA, country: US, coordinates: { lat: 38.9, lon: -77.0 }, addressRange: 127.1.0.0/16, anchorRegion: us-east-1, accessRttMs: 10 }
  - { name: south-america, continent: SA, country: BR, coordinates: { lat: -23.5, lon: -46.6 }, addressRange: 127.2.0.0/16, anchorRegion: sa-east-1, accessRttMs: 10 }
  - { name: europe, continent: EU, country: DE, coordinates: { lat: 50.1, lon: 8.7 }, addressRange: 127.3.0.0/16, anchorRegion: eu-central-1, accessRttMs: 10 }
  - { name: south-asia, continent: AS, country: IN, coordinates: { lat: 19.1, lon: 72.9 }, addressRange: 127.4.0.0/16, anchorRegion: ap-south-1, accessRttMs: 10 }
  - { name: east-asia, continent: AS, country: JP, coordinates: { lat: 35.7, lon: 139.7 }, addressRange: 127.5.0.0/16, anchorRegion: ap-northeast-1, accessRttMs: 10 }
  - { name: oceania, continent: OC, country: AU, coordinates: { lat: -33.9, lon: 151.2 }, addressRange: 127.6.0.0/16, anchorRegion: ap-southeast-2, accessRttMs: 10 }
  - { name: north-america-west, continent: NA, country: US, coordinates: { lat: 37.8, lon: -122.4 }, addressRange: 127.7.0.0/16, anchorRegion: us-west-2, accessRttMs: 10 }

# The WAN model: one-way delay = RTT / 2 per direction, plus jitter, loss and bandwidth.
# Override any directed link (region or location names), e.g.
#   links: [{ from: us-east-1, to: eu-west-1, latencyMs: 80, jitterMs: 5 }]
wan:
  jitterMs: 0
  lossPct: 0
  bandwidthMbps: null
  links: []

# Health-check and failover timing: aws-defaults (Route 53 30 s x 3, ...) or fast (1 s x 2).
# timeScale divides long waits (TTL expiry, fault durations).
timing:
  profile: fast
  timeScale: 1

# Services every region runs (override per region under regions[i].services).
# app: instances of the reference app on basePort, basePort+1, ... (0: no app and no load balancer);
#   entry: <script.js> runs your own app instead (relative to this file).
# loadBalancer: ALB-like, round_robin or least_outstanding_requests; targets are checked with
#   GET healthCheckPath (default /health/live) on the timing profile's loadBalancer schedule.
services:
  dynamodb: { port: 8000 }
  replication: { port: 8001 }
  app: { instances: 2, basePort: 8100 }
  loadBalancer: { port: 8080, algorithm: round_robin }

# The global layer, outside every region.
global:
  host: 127.0.0.1
  adminPort: 7700
  edgePort: 8000
  dnsPort: 8053
  acceleratorPort: 8080
  dashboardPort: 7701

# The global traffic layer, in the AWS APIs' own field names. Leave a part out and Pangea generates
# it from the regions, exactly as written below for the default regions.
traffic:
  # Route 53 health checks (HealthCheckConfig), probed from every client location through the WAN.
  # Default: one per region, HTTP on its load balancer port, path /health. RequestInterval (10|30 s,
  # aws-defaults only) and FailureThreshold (1-10) default to the timing profile.
  healthChecks:
    - { Id: us-east-1-alb, Type: HTTP, TargetRegion: us-east-1, ResourcePath: /health }
    - { Id: eu-west-1-alb, Type: HTTP, TargetRegion: eu-west-1, ResourcePath: /health }
    - { Id: ap-south-1-alb, Type: HTTP, TargetRegion: ap-south-1, ResourcePath: /health }

  # Route 53 hosted zones, served on global.host:global.dnsPort (UDP and TCP). Every zone also gets
  # one A record per region, <region>-alb.<zone> -> the region's WAN face 127.0.<n>.2, carrying the
  # health check <region>-alb (so EvaluateTargetHealth follows it). Records without TTL get
  # timing.dnsTtlSeconds.
  hostedZones:
    - Name: example.com
      ResourceRecordSets:
        - Name: app.example.com
          Type: A
          SetIdentifier: us-east-1
          Region: us-east-1
          AliasTarget: { DNSName: us-east-1-alb.example.com, EvaluateTargetHealth: true }
        - Name: app.example.com
          Type: A
          SetIdentifier: eu-west-1
          Region: eu-west-1
          AliasTarget: { DNSName: eu-west-1-alb.example.com, EvaluateTargetHealth: true }
        - Name: app.example.com
          Type: A
          SetIdentifier: ap-south-1
          Region: ap-south-1
          AliasTarget: { DNSName: ap-south-1-alb.example.com, EvaluateTargetHealth: true }

  # Global Accelerator on global.host. EndpointId is <region>:loadBalancer or <region>:dynamodb.
  # Pangea extensions per listener: ProxyMode TCP|HTTP, PassiveFailover { Enabled, RetryIdempotent }.
  accelerator:
    Name: pangea
    Listeners:
      - Protocol: TCP
        PortRanges: [{ FromPort: 8080, ToPort: 8080 }]
        ClientAffinity: NONE
        EndpointGroups:
          - EndpointGroupRegion: us-east-1
            TrafficDialPercentage: 100
            HealthCheckProtocol: HTTP
            HealthCheckPath: /health
            EndpointConfigurations: [{ EndpointId: "us-east-1:loadBalancer", Weight: 128 }]
          - EndpointGroupRegion: eu-west-1
            TrafficDialPercentage: 100
            HealthCheckProtocol: HTTP
            HealthCheckPath: /health
            EndpointConfigurations: [{ EndpointId: "eu-west-1:loadBalancer", Weight: 128 }]
          - EndpointGroupRegion: ap-south-1
            TrafficDialPercentage: 100
            HealthCheckProtocol: HTTP
            HealthCheckPath: /health
            EndpointConfigurations: [{ EndpointId: "ap-south-1:loadBalancer", Weight: 128 }]
`;
