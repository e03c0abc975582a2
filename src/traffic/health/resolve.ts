/** Turns a validated HealthCheckConfig into what the checker runs: target, checker places, timing. */
import { locationAddress } from '../../wan/client.js';
import type { LocationSpec, RegionSpec, TimingSpec, Topology } from '../../world/topology/types.js';
import type { ProbeRequest, ProbeTimeouts } from './probe.js';
import { type HealthCheckConfig, isEndpointType } from './types.js';

/**
 * The client index inside a location's range that health checkers bind to, so their traffic is
 * recognisable in captures and logs (any address of the range travels the same links).
 */
export const checkerClientIndex = 250;

/** Route 53's rule: a TCP check may take 10 s to connect where HTTP gets 4 s; keep that ratio. */
export const tcpConnectTimeoutFactor = 2.5;

export interface CheckerPlace {
  /** The location's name (the fabric's place). */
  location: string;
  /** The source address its probes bind to. */
  address: string;
}

export interface ResolvedHealthCheck {
  config: HealthCheckConfig;
  /** Endpoint checks only. */
  probe?: ProbeRequest;
  checkers: CheckerPlace[];
  intervalMs: number;
  failureThreshold: number;
}

/** The regions' ports the WAN fabric relays (a check on another port could never connect). */
export function relayedPorts(region: RegionSpec): number[] {
  const { dynamodb, replication, loadBalancer } = region.services;
  return [dynamodb.port, replication.port, loadBalancer.port];
}

/** 127.0.<n>.1 and 127.0.<n>.2 both mean region n. */
export function regionOfAddress(topology: Topology, address: string): RegionSpec | undefined {
  const match = /^127\.0\.(\d{1,3})\.([12])$/.exec(address);
  if (!match) return undefined;
  return topology.regions.find((region) => region.number === Number(match[1]));
}

/** A `Regions` entry: a location's name, or an AWS region name standing for the location anchored there. */
export function checkerLocationFor(topology: Topology, name: string): LocationSpec | undefined {
  return (
    topology.locations.find((location) => location.name === name) ??
    topology.locations.find((location) => location.anchorRegion === name)
  );
}

export function checkerPlaces(config: HealthCheckConfig, topology: Topology): CheckerPlace[] {
  const locations = config.Regions
    ? config.Regions.map((name) => checkerLocationFor(topology, name)).filter(
        (location): location is LocationSpec => location !== undefined,
      )
    : topology.locations;
  return locations.map((location) => ({
    location: location.name,
    address: locationAddress(location, checkerClientIndex),
  }));
}

/**
 * The interval each checker probes at: with `aws-defaults` the check's own RequestInterval (10 or
 * 30 s), otherwise the profile's interval (the `fast` profile shortens every check alike).
 */
export function requestIntervalMs(config: HealthCheckConfig, timing: TimingSpec): number {
  if (timing.profile === 'aws-defaults') return (config.RequestInterval ?? 30) * 1000;
  return timing.healthCheck.intervalMs;
}

export function probeTimeouts(timing: TimingSpec): ProbeTimeouts {
  const { connectTimeoutMs, responseTimeoutMs } = timing.healthCheck;
  return {
    connectTimeoutMs,
    responseTimeoutMs,
    tcpConnectTimeoutMs: Math.round(connectTimeoutMs * tcpConnectTimeoutFactor),
  };
}

function probeRequest(config: HealthCheckConfig, topology: Topology): ProbeRequest | undefined {
  if (!isEndpointType(config.Type)) return undefined;
  const region = config.TargetRegion
    ? topology.regions.find((candidate) => candidate.name === config.TargetRegion)
    : regionOfAddress(topology, config.IPAddress ?? '');
  if (!region) return undefined;
  const port = config.Port ?? region.services.loadBalancer.port;
  const resourcePath = config.ResourcePath ?? '/';
  return {
    type: config.Type,
    region: region.name,
    host: region.wanAddress,
    port,
    // Route 53 sends the domain name as Host when there is one, else the IP address.
    hostHeader: `${config.FullyQualifiedDomainName ?? config.IPAddress ?? region.address}:${port}`,
    path: resourcePath.startsWith('/') ? resourcePath : `/${resourcePath}`,
    searchString: config.SearchString,
    servername: config.EnableSNI ? config.FullyQualifiedDomainName : undefined,
    timeouts: probeTimeouts(topology.timing),
  };
}

export function resolveHealthCheck(config: HealthCheckConfig, topology: Topology): ResolvedHealthCheck {
  return {
    config,
    probe: probeRequest(config, topology),
    checkers: checkerPlaces(config, topology),
    intervalMs: requestIntervalMs(config, topology.timing),
    failureThreshold: config.FailureThreshold ?? topology.timing.healthCheck.failureThreshold,
  };
}
