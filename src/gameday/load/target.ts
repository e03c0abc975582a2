/**
 * What the load needs to know about the world, taken from its status document: the app's entry
 * points (the Route 53 DNS server and the Global Accelerator), every region's WAN face and ports,
 * and every client location's address range with the regions ordered by proximity (the
 * location-to-region one-way delay the topology gives, not the current one, so a fault that slows
 * a link does not reorder a client's preferences).
 */
import { PangeaError } from '../../shared/errors.js';
import type { WorldStatus } from '../../world/status.js';
import { addressInCidr, parseCidr } from '../../world/topology/addresses.js';
import { gamedayTable } from '../model.js';

export interface LoadTargetRegion {
  name: string;
  /** Where clients from locations enter the region (127.0.<n>.2). */
  wanAddress: string;
  /** null: the region has no DynamoDB endpoint. */
  dynamodbPort: number | null;
  /** null: the region runs no app (no load balancer). */
  loadBalancerPort: number | null;
}

export interface LoadTargetLocation {
  name: string;
  /** CIDR, e.g. 127.3.0.0/16: a client bound to an address in it is at this location. */
  addressRange: string;
  /** Every region, nearest first. */
  regionsByProximity: string[];
}

export interface LoadTarget {
  /** The DynamoDB table of the ddb-* operations (gamedayTable unless the run uses another). */
  table: string;
  /** The Route 53-like DNS server and the name it answers with the app's nearest healthy region. */
  dns: { host: string; port: number; hostname: string } | null;
  /** The Global Accelerator-like entry (HTTP to it reaches some region's load balancer). */
  accelerator: { host: string; port: number } | null;
  regions: LoadTargetRegion[];
  locations: LoadTargetLocation[];
}

export const defaultAppHostname = 'app.example.com';

export function targetFromStatus(
  status: WorldStatus,
  options: { hostname?: string; table?: string } = {},
): LoadTarget {
  const dns = hostAndPort(status.endpoints.dns);
  const accelerator = hostAndPort(status.endpoints.accelerator);
  return {
    table: options.table ?? gamedayTable,
    dns: dns ? { ...dns, hostname: options.hostname ?? defaultAppHostname } : null,
    accelerator,
    regions: status.regions.map((region) => ({
      name: region.name,
      wanAddress: region.wanAddress,
      dynamodbPort: hostAndPort(region.endpoints.dynamodb)?.port ?? null,
      loadBalancerPort: hostAndPort(region.endpoints.loadBalancer)?.port ?? null,
    })),
    locations: status.locations.map((location) => ({
      name: location.name,
      addressRange: location.addressRange,
      regionsByProximity: regionsByProximity(status, location.name),
    })),
  };
}

/** `dns://h:p`, `http://h:p` → {host, port}; null when absent or unparsable. */
function hostAndPort(url: string | null): { host: string; port: number } | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    const port = Number(parsed.port);
    if (!parsed.hostname || !Number.isInteger(port) || port <= 0) return null;
    return { host: parsed.hostname, port };
  } catch {
    return null;
  }
}

/** Regions by the location→region one-way delay; regions without a link go last, in status order. */
function regionsByProximity(status: WorldStatus, location: string): string[] {
  const delayTo = new Map<string, number>();
  for (const link of status.links) {
    if (link.kind === 'location-region' && link.from === location)
      delayTo.set(link.to, link.configuredLatencyMs);
  }
  const order = status.regions.map((region) => region.name);
  return [...order].sort((a, b) => {
    const byDelay =
      (delayTo.get(a) ?? Number.POSITIVE_INFINITY) - (delayTo.get(b) ?? Number.POSITIVE_INFINITY);
    return byDelay !== 0 && !Number.isNaN(byDelay) ? byDelay : order.indexOf(a) - order.indexOf(b);
  });
}

/** Clients sit from the range's 10th address on (base + 10 + index), wrapping in small ranges. */
const firstClientOffset = 10;

export function clientAddress(
  location: Pick<LoadTargetLocation, 'name' | 'addressRange'>,
  index: number,
): string {
  const range = parseCidr(location.addressRange);
  if (!range) {
    throw new PangeaError(
      'InvalidAddressRange',
      `location ${location.name} has an invalid address range "${location.addressRange}"`,
    );
  }
  // addressInCidr counts from base + 1.
  return addressInCidr(range, firstClientOffset - 1 + index);
}

export function locationOf(target: LoadTarget, name: string): LoadTargetLocation {
  const location = target.locations.find((candidate) => candidate.name === name);
  if (!location) {
    throw new PangeaError('UnknownLocation', `the world has no location "${name}"`, { location: name });
  }
  return location;
}
