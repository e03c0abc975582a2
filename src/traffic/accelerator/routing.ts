/**
 * Which endpoint a new connection (or, in HTTP mode, a request) goes to. Pure: health, dials and
 * weights come in as data, randomness is injected. Rules from the AWS Global Accelerator guide:
 * - closest endpoint group first; the traffic dial keeps its share of the traffic already bound
 *   for a group and the rest goes to the next closest groups
 *   (https://docs.aws.amazon.com/global-accelerator/latest/dg/about-endpoint-groups-traffic-dial.html);
 * - within a group, endpoints by weight / total weight; weight 0 = no traffic
 *   (https://docs.aws.amazon.com/global-accelerator/latest/dg/about-endpoints-endpoint-weights.html);
 * - no healthy endpoint with weight > 0 in the chosen group: fail over, ignoring dials, to the
 *   three closest groups; none healthy: a random endpoint of the closest group ("fail open")
 *   (https://docs.aws.amazon.com/global-accelerator/latest/dg/about-endpoints-endpoint-weights.unhealthy-endpoints.html);
 * - client affinity NONE hashes the 5-tuple, SOURCE_IP the (source IP, destination IP) pair
 *   (https://docs.aws.amazon.com/global-accelerator/latest/api/API_Listener.html).
 */
import type { Random } from '../../shared/random.js';
import { buildLinks, linkKey } from '../../wan/model.js';
import { cidrContains, parseCidr } from '../../world/topology/addresses.js';
import type { Topology } from '../../world/topology/types.js';
import type { ClientAffinity } from './types.js';

/** AWS tries the three closest endpoint groups before failing open. */
export const maxFailoverGroups = 3;

export interface Place {
  /** `unknown`: not a modelled place (127.0.0.1, a developer's shell). */
  kind: 'location' | 'region' | 'unknown';
  name: string;
}

/** Same address plan as the WAN fabric: 127.0.<n>.x is region n, a location's range is that location. */
export function placeResolver(topology: Topology): (address: string) => Place {
  const regions = new Map(topology.regions.map((region) => [region.number, region.name]));
  const locations = topology.locations.map((location) => ({
    name: location.name,
    cidr: parseCidr(location.addressRange),
  }));
  return (address) => {
    const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
    const regionMatch = /^127\.0\.(\d+)\.\d+$/.exec(plain);
    if (regionMatch) {
      const region = regions.get(Number(regionMatch[1]));
      return region ? { kind: 'region', name: region } : { kind: 'unknown', name: plain };
    }
    const location = locations.find((candidate) => candidate.cidr && cidrContains(candidate.cidr, plain));
    return location ? { kind: 'location', name: location.name } : { kind: 'unknown', name: plain };
  };
}

export const placeOfAddress = (topology: Topology, address: string): Place =>
  placeResolver(topology)(address);

/** Round trip from a place to a region; undefined when the place has no link there. */
export type ProximityMs = (place: string, region: string) => number | undefined;

/** Proximity from the topology's configured links (both directions), as GA measures network distance. */
export function proximityFromTopology(topology: Topology): ProximityMs {
  const oneWay = new Map(buildLinks(topology).map((link) => [linkKey(link.from, link.to), link.latencyMs]));
  return (place, region) => {
    if (place === region) return 0;
    const there = oneWay.get(linkKey(place, region));
    const back = oneWay.get(linkKey(region, place));
    return there === undefined || back === undefined ? undefined : there + back;
  };
}

/**
 * Groups closest first. An unknown place (no modelled links) keeps the configuration order, so
 * a tool on 127.0.0.1 reaches the first group listed; ties also keep configuration order.
 */
export function orderByProximity<G extends { region: string }>(
  groups: readonly G[],
  place: Place,
  proximity: ProximityMs,
): G[] {
  if (place.kind === 'unknown') return [...groups];
  const distance = (group: G) => proximity(place.name, group.region) ?? Number.POSITIVE_INFINITY;
  return groups
    .map((group, index) => ({ group, index, distanceMs: distance(group) }))
    .sort((a, b) => a.distanceMs - b.distanceMs || a.index - b.index)
    .map((entry) => entry.group);
}

export interface FlowKey {
  sourceAddress: string;
  sourcePort: number;
  destinationAddress: string;
  destinationPort: number;
}

/** The hash input AWS describes: the 5-tuple for NONE, (source IP, destination IP) for SOURCE_IP. */
export function affinityKey(flow: FlowKey, affinity: ClientAffinity): string {
  return affinity === 'SOURCE_IP'
    ? `${flow.sourceAddress}>${flow.destinationAddress}`
    : `${flow.sourceAddress}:${flow.sourcePort}>${flow.destinationAddress}:${flow.destinationPort}/tcp`;
}

/** A uniform number in (0, 1) from a key and a salt: FNV-1a, then the murmur3 finalizer to spread bits. */
export function flowUniform(key: string, salt: string): number {
  let hash = 0x811c9dc5;
  const text = `${key}|${salt}`;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return ((hash >>> 0) + 0.5) / 4294967296;
}

export interface RoutableEndpoint {
  key: string;
  weight: number;
  healthy: boolean;
}

export interface RoutableGroup<E extends RoutableEndpoint = RoutableEndpoint> {
  region: string;
  trafficDialPercentage: number;
  endpoints: readonly E[];
}

/**
 * nearest: the closest group took it; traffic-dial: a dial moved it to a farther group;
 * failover: its group had no healthy endpoint; fail-open: no healthy endpoint anywhere tried.
 */
export type RouteReason = 'nearest' | 'traffic-dial' | 'failover' | 'fail-open';

export interface RouteDecision<E extends RoutableEndpoint> {
  group: RoutableGroup<E>;
  endpoint: E;
  reason: RouteReason;
  /** The group the dials chose before health was considered. */
  intendedRegion: string;
}

/**
 * Routes one flow over groups ordered closest first. `exclude` holds endpoints already tried
 * for this request (a retry must not land on them while anything else is left).
 */
export function routeFlow<E extends RoutableEndpoint>(
  ordered: readonly RoutableGroup<E>[],
  key: string,
  random: Random,
  exclude: ReadonlySet<string> = new Set(),
): RouteDecision<E> | undefined {
  const closest = ordered[0];
  if (!closest) return undefined;
  const intended = dialChoice(ordered, key) ?? closest;
  const usable = (group: RoutableGroup<E>) =>
    group.endpoints.filter(
      (endpoint) => endpoint.healthy && endpoint.weight > 0 && !exclude.has(endpoint.key),
    );
  const intendedUsable = usable(intended);
  if (intendedUsable.length > 0) {
    const reason = intended === closest ? 'nearest' : 'traffic-dial';
    return {
      group: intended,
      endpoint: pickWeighted(intendedUsable, key),
      reason,
      intendedRegion: intended.region,
    };
  }
  for (const group of ordered.slice(0, maxFailoverGroups)) {
    if (group === intended) continue;
    const candidates = usable(group);
    if (candidates.length > 0) {
      return {
        group,
        endpoint: pickWeighted(candidates, key),
        reason: 'failover',
        intendedRegion: intended.region,
      };
    }
  }
  return failOpen(ordered, random, exclude, intended.region);
}

/**
 * Walks the groups closest first; each keeps its dial's share of the traffic reaching it. Traffic
 * that spills past every group stays with the closest group whose dial is above 0 (Pangea's
 * reading; AWS does not say). All dials at 0: undefined, and the caller uses the closest group.
 */
function dialChoice<E extends RoutableEndpoint>(
  ordered: readonly RoutableGroup<E>[],
  key: string,
): RoutableGroup<E> | undefined {
  for (const group of ordered) {
    if (group.trafficDialPercentage <= 0) continue;
    if (flowUniform(key, `dial:${group.region}`) * 100 < group.trafficDialPercentage) return group;
  }
  return ordered.find((group) => group.trafficDialPercentage > 0);
}

/**
 * Weighted rendezvous hashing: each endpoint's share is weight / total, and when one endpoint
 * leaves only the flows it held move, so SOURCE_IP clients stay put while their endpoint is healthy.
 */
function pickWeighted<E extends RoutableEndpoint>(candidates: readonly E[], key: string): E {
  let best = candidates[0] as E;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const endpoint of candidates) {
    const score = endpoint.weight / -Math.log(flowUniform(key, `endpoint:${endpoint.key}`));
    if (score > bestScore) {
      best = endpoint;
      bestScore = score;
    }
  }
  return best;
}

/** AWS: "routes traffic to a random endpoint in the endpoint group that is closest to the client". */
function failOpen<E extends RoutableEndpoint>(
  ordered: readonly RoutableGroup<E>[],
  random: Random,
  exclude: ReadonlySet<string>,
  intendedRegion: string,
): RouteDecision<E> | undefined {
  // A retry prefers the closest group that still has an endpoint it has not tried.
  const untriedIn = (candidate: RoutableGroup<E>) =>
    candidate.endpoints.filter((endpoint) => !exclude.has(endpoint.key));
  const group =
    ordered.find((candidate) => untriedIn(candidate).length > 0) ??
    ordered.find((candidate) => candidate.endpoints.length > 0);
  if (!group) return undefined;
  const untried = untriedIn(group);
  const pool = untried.length > 0 ? untried : group.endpoints;
  const endpoint = pool[Math.floor(random.next() * pool.length)] as E;
  return { group, endpoint, reason: 'fail-open', intendedRegion };
}
