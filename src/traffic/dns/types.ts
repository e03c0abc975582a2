/**
 * Hosted zones and record sets, shaped like Route 53's API (ResourceRecordSet, CidrCollection) so
 * that a change batch copied from the AWS docs or the CLI can be loaded as it is.
 * https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html
 *
 * Region load balancers: an alias target such as `us-east-1-alb.example.com` is an ordinary name in
 * one of our hosted zones. The integrator generates, from the topology, one simple A record per
 * region (`<region>-alb.<zone>` → the region's WAN face 127.0.<n>.2) and may attach a HealthCheckId
 * to it: that stands for the health Route 53 knows intrinsically for an ELB, so an alias with
 * EvaluateTargetHealth sees the region as unhealthy when the check fails. See `regionEndpointRecords`.
 */

export const supportedRecordTypes = [
  'A',
  'AAAA',
  'CNAME',
  'TXT',
  'MX',
  'NS',
  'SOA',
  'SRV',
  'PTR',
  'CAA',
] as const;
export type RecordType = (typeof supportedRecordTypes)[number];

export const continentCodes = ['AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA'] as const;
export type ContinentCode = (typeof continentCodes)[number];

export interface ResourceRecord {
  /** Route 53's text form: `192.0.2.1`, `10 mail.example.com`, `"some text"`. */
  Value: string;
}

export interface AliasTarget {
  /** A name in one of our hosted zones (ELB-like targets are plain records there). */
  DNSName: string;
  EvaluateTargetHealth: boolean;
  /** Kept for fidelity with Route 53 change batches; not used for lookup. */
  HostedZoneId?: string;
}

/** Exactly one of the codes; `CountryCode: '*'` is the default record. */
export interface GeoLocation {
  ContinentCode?: ContinentCode;
  CountryCode?: string;
  /** Needs CountryCode (Route 53: US states; here any country's subdivision). */
  SubdivisionCode?: string;
}

export interface CidrRoutingConfig {
  CollectionId: string;
  /** A location of the collection, or `*` for the default record. */
  LocationName: string;
}

export interface ResourceRecordSet {
  Name: string;
  Type: RecordType;
  SetIdentifier?: string;
  /** Weighted: 0..255. */
  Weight?: number;
  /** Latency: the AWS region of the resource. */
  Region?: string;
  Failover?: 'PRIMARY' | 'SECONDARY';
  GeoLocation?: GeoLocation;
  MultiValueAnswer?: boolean;
  CidrRoutingConfig?: CidrRoutingConfig;
  /** Seconds; required unless AliasTarget (an alias answers with its target's TTL). */
  TTL?: number;
  ResourceRecords?: ResourceRecord[];
  AliasTarget?: AliasTarget;
  HealthCheckId?: string;
}

export interface HostedZone {
  /** The zone apex, e.g. `example.com` (a trailing dot is accepted). */
  Name: string;
  Id?: string;
  ResourceRecordSets: ResourceRecordSet[];
}

export interface CidrCollection {
  Id: string;
  Name?: string;
  Locations: Array<{ LocationName: string; CidrList: string[] }>;
}

export type RoutingPolicy =
  | 'simple'
  | 'weighted'
  | 'latency'
  | 'failover'
  | 'geolocation'
  | 'multivalue'
  | 'ip-based';

/** A client location as the DNS sees it: the world's GeoIP entry. */
export interface DnsClientLocation {
  name: string;
  /** IPv4 CIDR; the longest range containing a source address wins. */
  addressRange: string;
  continent: ContinentCode;
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** Route 53 SubdivisionCode, e.g. `WA` for Washington state. */
  subdivision?: string;
}

/** Round trip from a location to a region, or undefined when the model has no such pair. */
export type LatencyLookup = (locationName: string, region: string) => number | undefined;

/** The health-check component's answer: undefined = unknown check, treated as healthy. */
export type HealthLookup = (healthCheckId: string) => boolean | undefined;
