/**
 * Route 53's answer for a query, as a pure function of the zones, the client's place, the latency
 * model, health-check state and an injected Random. Per group of record sets (same name and type):
 *
 * 1. order or pick candidates by the routing policy;
 * 2. skip unhealthy ones (a health check that fails, or an alias with EvaluateTargetHealth whose
 *    target group has no healthy member) and choose again within the group;
 * 3. when none is healthy, treat all as healthy ("fail open") and choose by policy alone.
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-how-route-53-chooses-records.html
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-complex-configs.html
 *
 * Aliases resolve inside our zones with the alias's type and answer with the target's TTL; CNAMEs
 * are chased while the target stays in a zone we serve.
 */
import type { Random } from '../../shared/random.js';
import type { CompiledRecordSet, CompiledZone, ZoneCatalog } from './catalog.js';
import { ipv4ToUint, prefixContains } from './cidr.js';
import type { LocatedClient, LocationIndex } from './locations.js';
import type { RecordData } from './rdata.js';
import type { DnsClientLocation, HealthLookup, LatencyLookup } from './types.js';

export { routingPolicyOf } from './catalog.js';

/** Route 53 returns at most eight multivalue answers. */
export const maxMultivalueAnswers = 8;
/** Bound on alias nesting and CNAME chains; validation rejects loops, this stops pathological depth. */
export const maxChainDepth = 16;

export interface RoutingEnvironment {
  catalog: ZoneCatalog;
  locations: LocationIndex;
  latencyMs: LatencyLookup;
  isHealthy: HealthLookup;
  random: Random;
}

export interface ClientAddress {
  /** IPv4 dotted quad of the client subnet (ECS) or the source; undefined when not IPv4. */
  address?: string;
  /** How many leading bits of `address` are known: ECS source prefix, or 32 for a source address. */
  prefixLength: number;
}

export interface AnswerRecord {
  name: string;
  type: string;
  ttlSeconds: number;
  data: RecordData;
}

export type ResponseCode = 'NOERROR' | 'NXDOMAIN' | 'REFUSED' | 'SERVFAIL';

export interface Resolution {
  rcode: ResponseCode;
  answers: AnswerRecord[];
  /** The zone's SOA on NXDOMAIN and NODATA (negative caching, RFC 2308). */
  authorities: AnswerRecord[];
  /** ECS scope: leading bits of the client address this answer depends on (0 = everyone's answer). */
  scopePrefixLength: number;
  /** IP-based routing read the client's address itself, not only its location (answers cache per location). */
  dependsOnAddress?: boolean;
}

interface QueryContext {
  env: RoutingEnvironment;
  client: ClientAddress;
  located: LocatedClient;
  health: Map<CompiledRecordSet, boolean>;
  dependsOnLocation: boolean;
  dependsOnAddress: boolean;
}

interface Choice {
  chosen: CompiledRecordSet[];
  /** False when the choice was made by failing open (no candidate healthy) or nothing applied. */
  healthy: boolean;
}

class ChainTooDeep extends Error {}

export function resolveQuery(
  env: RoutingEnvironment,
  queryName: string,
  queryType: string,
  client: ClientAddress,
): Resolution {
  const context: QueryContext = {
    env,
    client,
    located: env.locations.locate(client.address),
    health: new Map(),
    dependsOnLocation: false,
    dependsOnAddress: false,
  };
  const firstZone = env.catalog.findZone(queryName);
  if (!firstZone) return { rcode: 'REFUSED', answers: [], authorities: [], scopePrefixLength: 0 };
  try {
    const resolution = followChain(context, queryName, queryType);
    return { ...resolution, scopePrefixLength: scopeOf(context), dependsOnAddress: context.dependsOnAddress };
  } catch (error) {
    if (error instanceof ChainTooDeep) {
      return { rcode: 'SERVFAIL', answers: [], authorities: [], scopePrefixLength: 0 };
    }
    throw error;
  }
}

function followChain(
  context: QueryContext,
  queryName: string,
  queryType: string,
): Omit<Resolution, 'scopePrefixLength'> {
  const answers: AnswerRecord[] = [];
  let name = queryName;
  for (let hop = 0; hop < maxChainDepth; hop++) {
    const zone = context.env.catalog.findZone(name);
    // The chain left our authority: the resolver continues from the last CNAME.
    if (!zone) return { rcode: 'NOERROR', answers, authorities: [] };
    if (queryType !== 'CNAME') {
      const cname = recordsFor(context, name, 'CNAME', 0);
      const target = cname[0]?.data;
      if (typeof target === 'string') {
        answers.push(...cname.map((record) => ({ ...record, name })));
        name = target;
        continue;
      }
    }
    const records = recordsFor(context, name, queryType, 0).map((record) => ({ ...record, name }));
    if (records.length > 0) return { rcode: 'NOERROR', answers: [...answers, ...records], authorities: [] };
    const exists = zone.existingNames.has(name.toLowerCase().replace(/\.$/, ''));
    return { rcode: exists ? 'NOERROR' : 'NXDOMAIN', answers, authorities: [negativeSoa(zone)] };
  }
  throw new ChainTooDeep();
}

function negativeSoa(zone: CompiledZone): AnswerRecord {
  const ttlSeconds = Math.min(zone.soa.ttlSeconds, zone.soa.data.minimum ?? zone.soa.ttlSeconds);
  return { name: zone.name, type: 'SOA', ttlSeconds, data: zone.soa.data };
}

function scopeOf(context: QueryContext): number {
  const { client, located } = context;
  let scope = 0;
  if (context.dependsOnAddress) scope = client.prefixLength;
  if (context.dependsOnLocation) scope = Math.max(scope, located.rangePrefixLength ?? client.prefixLength);
  return Math.min(scope, 32);
}

/** The records one (name, type) answers with after routing; aliases are expanded. */
function recordsFor(context: QueryContext, name: string, type: string, depth: number): AnswerRecord[] {
  if (depth > maxChainDepth) throw new ChainTooDeep();
  const group = context.env.catalog.recordSets(name, type);
  if (group.length === 0) return [];
  return choose(context, group, depth).chosen.flatMap((recordSet) => materialize(context, recordSet, depth));
}

function materialize(context: QueryContext, recordSet: CompiledRecordSet, depth: number): AnswerRecord[] {
  if (recordSet.aliasTarget !== undefined) {
    return recordsFor(context, recordSet.aliasTarget, recordSet.type, depth + 1).map((record) => ({
      ...record,
      name: recordSet.name,
    }));
  }
  return recordSet.values.map((data) => ({
    name: recordSet.name,
    type: recordSet.type,
    ttlSeconds: recordSet.ttlSeconds,
    data,
  }));
}

function isHealthy(context: QueryContext, recordSet: CompiledRecordSet, depth: number): boolean {
  const known = context.health.get(recordSet);
  if (known !== undefined) return known;
  const checkId = recordSet.source.HealthCheckId;
  // An unknown check id (undefined) counts as healthy, as a new Route 53 check does before data.
  let healthy = checkId === undefined || context.env.isHealthy(checkId) !== false;
  if (healthy && recordSet.aliasTarget !== undefined && recordSet.source.AliasTarget?.EvaluateTargetHealth) {
    healthy = isTargetHealthy(context, recordSet.aliasTarget, recordSet.type, depth + 1);
  }
  context.health.set(recordSet, healthy);
  return healthy;
}

/** An alias target group is healthy when one of the records that apply to this client is. */
function isTargetHealthy(context: QueryContext, name: string, type: string, depth: number): boolean {
  if (depth > maxChainDepth) throw new ChainTooDeep();
  const group = context.env.catalog.recordSets(name, type);
  if (group.length === 0) return false;
  return candidatesInPreferenceOrder(context, group).some((recordSet) =>
    isHealthy(context, recordSet, depth),
  );
}

function choose(context: QueryContext, group: CompiledRecordSet[], depth: number): Choice {
  const healthy = (recordSet: CompiledRecordSet) => isHealthy(context, recordSet, depth);
  switch (group[0]?.policy) {
    case 'weighted':
      return chooseWeighted(group, healthy, context.env.random);
    case 'multivalue':
      return chooseMultivalue(group, healthy, context.env.random);
    case 'failover':
    case 'latency':
    case 'geolocation':
    case 'ip-based':
      return chooseFirstHealthy(candidatesInPreferenceOrder(context, group), healthy);
    default:
      return { chosen: group.slice(0, 1), healthy: group[0] ? healthy(group[0]) : false };
  }
}

/** For ordered policies: the records that apply to this client, best first. */
function candidatesInPreferenceOrder(context: QueryContext, group: CompiledRecordSet[]): CompiledRecordSet[] {
  switch (group[0]?.policy) {
    case 'failover':
      return failoverOrder(group);
    case 'latency':
      context.dependsOnLocation = true;
      return latencyOrder(group, context.located.location, context.env.latencyMs);
    case 'geolocation':
      context.dependsOnLocation = true;
      return geolocationOrder(group, context.located.location);
    case 'ip-based':
      context.dependsOnAddress = true;
      return ipBasedOrder(group, context.client.address);
    default:
      return group;
  }
}

function chooseFirstHealthy(
  candidates: CompiledRecordSet[],
  healthy: (recordSet: CompiledRecordSet) => boolean,
): Choice {
  const first = candidates.find(healthy);
  if (first) return { chosen: [first], healthy: true };
  // Fail open: nothing healthy, so answer as if all were (Route 53 must answer something).
  return { chosen: candidates.slice(0, 1), healthy: false };
}

/**
 * Weights 0..255, share = weight / sum. Zero-weight records are considered only when every
 * non-zero record is unhealthy; all zero = equal weights.
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-weighted.html
 */
export function chooseWeighted(
  group: CompiledRecordSet[],
  healthy: (recordSet: CompiledRecordSet) => boolean,
  random: Random,
): Choice {
  const nonZero = group.filter((recordSet) => (recordSet.source.Weight ?? 0) > 0);
  const zero = group.filter((recordSet) => (recordSet.source.Weight ?? 0) === 0);
  const healthyNonZero = nonZero.filter(healthy);
  if (healthyNonZero.length > 0) return { chosen: [pickByWeight(healthyNonZero, random)], healthy: true };
  const healthyZero = zero.filter(healthy);
  if (healthyZero.length > 0) return { chosen: [pickUniform(healthyZero, random)], healthy: true };
  const failOpen = nonZero.length > 0 ? pickByWeight(nonZero, random) : pickUniform(zero, random);
  return { chosen: [failOpen], healthy: false };
}

function pickByWeight(candidates: CompiledRecordSet[], random: Random): CompiledRecordSet {
  const total = candidates.reduce((sum, recordSet) => sum + (recordSet.source.Weight ?? 0), 0);
  let remaining = random.next() * total;
  for (const recordSet of candidates) {
    remaining -= recordSet.source.Weight ?? 0;
    if (remaining < 0) return recordSet;
  }
  return candidates[candidates.length - 1] as CompiledRecordSet;
}

function pickUniform(candidates: CompiledRecordSet[], random: Random): CompiledRecordSet {
  return candidates[Math.floor(random.next() * candidates.length)] as CompiledRecordSet;
}

/**
 * Up to eight healthy records in random order; when all are unhealthy, up to eight unhealthy ones.
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-multivalue.html
 */
export function chooseMultivalue(
  group: CompiledRecordSet[],
  healthy: (recordSet: CompiledRecordSet) => boolean,
  random: Random,
): Choice {
  const healthyRecords = group.filter(healthy);
  const pool = healthyRecords.length > 0 ? healthyRecords : group;
  return { chosen: shuffle(pool, random).slice(0, maxMultivalueAnswers), healthy: healthyRecords.length > 0 };
}

function shuffle<T>(items: readonly T[], random: Random): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random.next() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

/**
 * Primary unless unhealthy, then secondary; both unhealthy → primary (fail open picks the first).
 * A secondary without a health check counts as healthy, as any record without one does.
 */
function failoverOrder(group: CompiledRecordSet[]): CompiledRecordSet[] {
  const rank = (recordSet: CompiledRecordSet) => (recordSet.source.Failover === 'PRIMARY' ? 0 : 1);
  return [...group].sort((a, b) => rank(a) - rank(b) || a.order - b.order);
}

/**
 * Lowest RTT from the client's location to the record's Region first. Without a location (a source
 * outside every range and no fallback configured) the zone's record order stands in.
 */
function latencyOrder(
  group: CompiledRecordSet[],
  location: DnsClientLocation | undefined,
  latencyMs: LatencyLookup,
): CompiledRecordSet[] {
  if (!location) return [...group].sort((a, b) => a.order - b.order);
  const rtt = (recordSet: CompiledRecordSet) =>
    latencyMs(location.name, recordSet.source.Region ?? '') ?? Number.POSITIVE_INFINITY;
  return [...group].sort((a, b) => rtt(a) - rtt(b) || a.order - b.order);
}

/**
 * Matching records from the smallest area to the default: subdivision > country > continent > `*`.
 * An unhealthy match backs out to the next larger area. No match and no default → NODATA.
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-geo.html
 */
function geolocationOrder(
  group: CompiledRecordSet[],
  location: DnsClientLocation | undefined,
): CompiledRecordSet[] {
  const specificity = (recordSet: CompiledRecordSet): number | undefined => {
    const geo = recordSet.source.GeoLocation ?? {};
    if (geo.CountryCode === '*') return 3;
    if (!location) return undefined;
    if (geo.SubdivisionCode !== undefined) {
      return geo.CountryCode === location.country && geo.SubdivisionCode === location.subdivision
        ? 0
        : undefined;
    }
    if (geo.CountryCode !== undefined) return geo.CountryCode === location.country ? 1 : undefined;
    return geo.ContinentCode === location.continent ? 2 : undefined;
  };
  return rankMatches(group, specificity);
}

/**
 * Longest CIDR block of the collection containing the client address first, the `*` default last.
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-ipbased.html
 */
function ipBasedOrder(group: CompiledRecordSet[], address: string | undefined): CompiledRecordSet[] {
  const value = address === undefined ? undefined : ipv4ToUint(address);
  const defaultRank = 64;
  const specificity = (recordSet: CompiledRecordSet): number | undefined => {
    if (recordSet.source.CidrRoutingConfig?.LocationName === '*') return defaultRank;
    if (value === undefined) return undefined;
    const lengths = (recordSet.cidrBlocks ?? [])
      .filter((block) => prefixContains(block, value))
      .map((block) => block.prefixLength);
    return lengths.length > 0 ? 32 - Math.max(...lengths) : undefined;
  };
  return rankMatches(group, specificity);
}

/** Records with a rank (lower = better), ordered; records without one do not apply. */
function rankMatches(
  group: CompiledRecordSet[],
  rankOf: (recordSet: CompiledRecordSet) => number | undefined,
): CompiledRecordSet[] {
  return group
    .flatMap((recordSet) => {
      const rank = rankOf(recordSet);
      return rank === undefined ? [] : [{ recordSet, rank }];
    })
    .sort((a, b) => a.rank - b.rank || a.recordSet.order - b.recordSet.order)
    .map(({ recordSet }) => recordSet);
}
