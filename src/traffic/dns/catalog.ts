/**
 * Validated hosted zones compiled for answering: record sets grouped by (name, type), values parsed,
 * CIDR locations resolved, and the names that exist (including empty non-terminals, which answer
 * NODATA rather than NXDOMAIN). Built once per `updateZones`, then read-only.
 */
import type { SoaData } from 'dns-packet';
import { type Ipv4Prefix, parseIpv4Prefix } from './cidr.js';
import { normalizeName, parseRecordValue, type RecordData } from './rdata.js';
import type { CidrCollection, HostedZone, RecordType, ResourceRecordSet, RoutingPolicy } from './types.js';

export interface CompiledRecordSet {
  readonly source: ResourceRecordSet;
  readonly name: string;
  readonly type: RecordType;
  readonly policy: RoutingPolicy;
  /** Position in its zone: the tie-breaker wherever order matters, so answers are reproducible. */
  readonly order: number;
  readonly values: RecordData[];
  readonly ttlSeconds: number;
  /** Normalized alias target name, when an alias. */
  readonly aliasTarget?: string;
  /** IP-based records: the CIDR blocks of their location (empty for the `*` default). */
  readonly cidrBlocks?: Ipv4Prefix[];
}

export interface CompiledZone {
  readonly name: string;
  readonly soa: { ttlSeconds: number; data: SoaData };
  readonly groups: Map<string, CompiledRecordSet[]>;
  /** Every owner name and every ancestor of one inside the zone. */
  readonly existingNames: Set<string>;
}

/** Route 53's defaults for the records it creates with every hosted zone. */
const defaultSoaTtlSeconds = 900;
const defaultNsTtlSeconds = 172800;
const defaultSoaTimersSeconds = { refresh: 7200, retry: 900, expire: 1209600, minimum: 86400 };

/** The routing policy a record set uses, from the one policy field it carries. */
export function routingPolicyOf(record: ResourceRecordSet): RoutingPolicy {
  if (record.Weight !== undefined) return 'weighted';
  if (record.Region !== undefined) return 'latency';
  if (record.Failover !== undefined) return 'failover';
  if (record.GeoLocation !== undefined) return 'geolocation';
  if (record.MultiValueAnswer !== undefined) return 'multivalue';
  if (record.CidrRoutingConfig !== undefined) return 'ip-based';
  return 'simple';
}

const groupKey = (name: string, type: string): string => `${name}|${type}`;

export class ZoneCatalog {
  private readonly zones: Map<string, CompiledZone>;

  /** Expects zones that passed `assertValidZones`. */
  constructor(zones: readonly HostedZone[], cidrCollections: readonly CidrCollection[] = []) {
    this.zones = new Map(zones.map((zone) => [normalizeName(zone.Name), compileZone(zone, cidrCollections)]));
  }

  /** The zone with the longest apex that contains the name (we are authoritative for it). */
  findZone(name: string): CompiledZone | undefined {
    let candidate = normalizeName(name);
    for (;;) {
      const zone = this.zones.get(candidate);
      if (zone) return zone;
      const dot = candidate.indexOf('.');
      if (dot < 0) return undefined;
      candidate = candidate.slice(dot + 1);
    }
  }

  recordSets(name: string, type: string): CompiledRecordSet[] {
    const normalized = normalizeName(name);
    return this.findZone(normalized)?.groups.get(groupKey(normalized, type)) ?? [];
  }

  zoneNames(): string[] {
    return [...this.zones.keys()];
  }
}

function compileZone(zone: HostedZone, cidrCollections: readonly CidrCollection[]): CompiledZone {
  const zoneName = normalizeName(zone.Name);
  const groups = new Map<string, CompiledRecordSet[]>();
  const existingNames = new Set<string>([zoneName]);
  zone.ResourceRecordSets.forEach((record, order) => {
    const compiled = compileRecordSet(record, order, cidrCollections);
    const key = groupKey(compiled.name, compiled.type);
    groups.set(key, [...(groups.get(key) ?? []), compiled]);
    addWithAncestors(existingNames, compiled.name, zoneName);
  });
  const soaGroup = groups.get(groupKey(zoneName, 'SOA'));
  const soaRecord = soaGroup?.[0];
  const soa = soaRecord
    ? { ttlSeconds: soaRecord.ttlSeconds, data: soaRecord.values[0] as SoaData }
    : { ttlSeconds: defaultSoaTtlSeconds, data: defaultSoa(zoneName) };
  if (!soaGroup)
    groups.set(groupKey(zoneName, 'SOA'), [syntheticRecordSet(zoneName, 'SOA', soa.ttlSeconds, soa.data)]);
  if (!groups.has(groupKey(zoneName, 'NS'))) {
    groups.set(groupKey(zoneName, 'NS'), [
      syntheticRecordSet(zoneName, 'NS', defaultNsTtlSeconds, soa.data.mname),
    ]);
  }
  return { name: zoneName, soa, groups, existingNames };
}

function addWithAncestors(names: Set<string>, name: string, zoneName: string): void {
  let current = name;
  while (current.length > zoneName.length && !names.has(current)) {
    names.add(current);
    current = current.slice(current.indexOf('.') + 1);
  }
}

function defaultSoa(zoneName: string): SoaData {
  return { mname: `ns1.${zoneName}`, rname: `hostmaster.${zoneName}`, serial: 1, ...defaultSoaTimersSeconds };
}

function syntheticRecordSet(
  name: string,
  type: RecordType,
  ttlSeconds: number,
  value: RecordData,
): CompiledRecordSet {
  return {
    source: { Name: name, Type: type, TTL: ttlSeconds, ResourceRecords: [] },
    name,
    type,
    policy: 'simple',
    order: -1,
    values: [value],
    ttlSeconds,
  };
}

function compileRecordSet(
  record: ResourceRecordSet,
  order: number,
  cidrCollections: readonly CidrCollection[],
): CompiledRecordSet {
  const values = (record.ResourceRecords ?? []).map((resourceRecord) => {
    const parsed = parseRecordValue(record.Type, resourceRecord.Value);
    if (typeof parsed === 'object' && 'error' in parsed)
      throw new Error(`unvalidated record value: ${parsed.error}`);
    return parsed;
  });
  const policy = routingPolicyOf(record);
  return {
    source: record,
    name: normalizeName(record.Name),
    type: record.Type,
    policy,
    order,
    values,
    ttlSeconds: record.TTL ?? 0,
    ...(record.AliasTarget ? { aliasTarget: normalizeName(record.AliasTarget.DNSName) } : {}),
    ...(policy === 'ip-based' ? { cidrBlocks: cidrBlocksOf(record, cidrCollections) } : {}),
  };
}

function cidrBlocksOf(record: ResourceRecordSet, cidrCollections: readonly CidrCollection[]): Ipv4Prefix[] {
  const config = record.CidrRoutingConfig;
  if (!config || config.LocationName === '*') return [];
  const collection = cidrCollections.find((candidate) => candidate.Id === config.CollectionId);
  const location = collection?.Locations.find((candidate) => candidate.LocationName === config.LocationName);
  return (location?.CidrList ?? []).flatMap((cidr) => {
    const prefix = parseIpv4Prefix(cidr);
    return prefix ? [prefix] : [];
  });
}
