/**
 * The world's GeoIP: which client location a query comes from, by the longest location range that
 * holds the address (the EDNS Client Subnet address when present, else the packet's source), plus
 * the topology adapters the integrator uses to feed the DNS server from the world description.
 */
import { clientRttMs } from '../../wan/model.js';
import type { Topology } from '../../world/topology/types.js';
import { type Ipv4Prefix, ipv4ToUint, parseIpv4Prefix, prefixContains } from './cidr.js';
import type { DnsClientLocation, LatencyLookup, ResourceRecordSet } from './types.js';

export interface LocatedClient {
  location?: DnsClientLocation;
  /** Prefix length of the range that placed the client (for the ECS scope). */
  rangePrefixLength?: number;
}

export class LocationIndex {
  private readonly ranges: Array<{ prefix: Ipv4Prefix; location: DnsClientLocation }>;
  private readonly fallback: DnsClientLocation | undefined;

  /**
   * @param fallbackLocationName where a source outside every range is assumed to be; without one
   *   such a query has no location (geolocation/IP-based use their `*` defaults, latency uses zone order).
   */
  constructor(locations: readonly DnsClientLocation[], fallbackLocationName?: string) {
    this.ranges = locations
      .flatMap((location) => {
        const prefix = parseIpv4Prefix(location.addressRange);
        return prefix ? [{ prefix, location }] : [];
      })
      .sort((a, b) => b.prefix.prefixLength - a.prefix.prefixLength);
    this.fallback = locations.find((location) => location.name === fallbackLocationName);
  }

  locate(address: string | undefined): LocatedClient {
    const value =
      address !== undefined && /^\d+\.\d+\.\d+\.\d+$/.test(address) ? ipv4ToUint(address) : undefined;
    const match =
      value === undefined ? undefined : this.ranges.find((range) => prefixContains(range.prefix, value));
    if (match) return { location: match.location, rangePrefixLength: match.prefix.prefixLength };
    return this.fallback ? { location: this.fallback } : {};
  }
}

export function dnsLocationsFromTopology(topology: Topology): DnsClientLocation[] {
  return topology.locations.map((location) => ({
    name: location.name,
    addressRange: location.addressRange,
    continent: location.continent,
    country: location.country,
  }));
}

/**
 * Location→region round trips from the topology (explicit rttMs or access + anchor RTT). Route 53
 * routes on latency measured over weeks, not on the current link state, so run-time link changes
 * are deliberately not seen here.
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-latency.html
 */
export function latencyFromTopology(topology: Topology): LatencyLookup {
  const byName = new Map(topology.locations.map((location) => [location.name, location]));
  const cache = new Map<string, number | undefined>();
  return (locationName, region) => {
    const key = `${locationName}->${region}`;
    if (!cache.has(key)) {
      const location = byName.get(locationName);
      let rttMs: number | undefined;
      try {
        rttMs = location ? clientRttMs(location, region) : undefined;
      } catch {
        rttMs = undefined;
      }
      cache.set(key, rttMs);
    }
    return cache.get(key);
  };
}

export interface RegionEndpointOptions {
  /** Zone the names go in, e.g. `example.com` → `us-east-1-alb.example.com`. */
  zoneName: string;
  /** Default `-alb`. */
  suffix?: string;
  /** The integrator sets this from `timing.dnsTtlSeconds`. */
  ttlSeconds: number;
  /** Health check per region: makes EvaluateTargetHealth on aliases to the endpoint meaningful. */
  healthCheckIds?: Record<string, string>;
}

/** One A record per region, `<region><suffix>.<zone>` → the region's WAN face (127.0.n.2). */
export function regionEndpointRecords(
  topology: Topology,
  options: RegionEndpointOptions,
): ResourceRecordSet[] {
  const suffix = options.suffix ?? '-alb';
  return topology.regions.map((region) => {
    const healthCheckId = options.healthCheckIds?.[region.name];
    return {
      Name: `${region.name}${suffix}.${options.zoneName}`,
      Type: 'A',
      TTL: options.ttlSeconds,
      ResourceRecords: [{ Value: region.wanAddress }],
      ...(healthCheckId ? { HealthCheckId: healthCheckId } : {}),
    };
  });
}
