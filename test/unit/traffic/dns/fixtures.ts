/** Shared world for the DNS tests: three locations, two regions, the seed's latency records. */
import { seededRandom } from '../../../../src/shared/random.js';
import { ZoneCatalog } from '../../../../src/traffic/dns/catalog.js';
import { LocationIndex } from '../../../../src/traffic/dns/locations.js';
import type { RoutingEnvironment } from '../../../../src/traffic/dns/routing.js';
import type {
  CidrCollection,
  DnsClientLocation,
  HostedZone,
  ResourceRecordSet,
} from '../../../../src/traffic/dns/types.js';

export const locations: DnsClientLocation[] = [
  { name: 'north-america', addressRange: '127.1.0.0/16', continent: 'NA', country: 'US', subdivision: 'VA' },
  {
    name: 'north-america-west',
    addressRange: '127.7.0.0/16',
    continent: 'NA',
    country: 'US',
    subdivision: 'CA',
  },
  { name: 'canada', addressRange: '127.8.0.0/16', continent: 'NA', country: 'CA' },
  { name: 'europe', addressRange: '127.3.0.0/16', continent: 'EU', country: 'DE' },
  { name: 'south-asia', addressRange: '127.4.0.0/16', continent: 'AS', country: 'IN' },
];

/** Client-to-region round trips, ms. */
const rttTable: Record<string, Record<string, number>> = {
  'north-america': { 'us-east-1': 12, 'eu-west-1': 80, 'ap-south-1': 190 },
  'north-america-west': { 'us-east-1': 70, 'eu-west-1': 140, 'ap-south-1': 220 },
  canada: { 'us-east-1': 25, 'eu-west-1': 90, 'ap-south-1': 200 },
  europe: { 'us-east-1': 95, 'eu-west-1': 25, 'ap-south-1': 130 },
  'south-asia': { 'us-east-1': 200, 'eu-west-1': 130, 'ap-south-1': 12 },
};
export const latencyMs = (location: string, region: string): number | undefined =>
  rttTable[location]?.[region];

/** The seed's latency record sets (../shared/seeds: route53-latency.json) plus the ALB endpoints. */
export function seedZone(extra: ResourceRecordSet[] = []): HostedZone {
  return {
    Name: 'example.com',
    ResourceRecordSets: [
      {
        Name: 'app.example.com',
        Type: 'A',
        SetIdentifier: 'us-east-1',
        Region: 'us-east-1',
        AliasTarget: {
          HostedZoneId: 'Z35SXDOTRQ7X7K',
          DNSName: 'us-east-1-alb.example.com',
          EvaluateTargetHealth: true,
        },
      },
      {
        Name: 'app.example.com',
        Type: 'A',
        SetIdentifier: 'eu-west-1',
        Region: 'eu-west-1',
        AliasTarget: {
          HostedZoneId: 'Z32O12XQLNTSW2',
          DNSName: 'eu-west-1-alb.example.com',
          EvaluateTargetHealth: true,
        },
      },
      {
        Name: 'us-east-1-alb.example.com',
        Type: 'A',
        TTL: 5,
        ResourceRecords: [{ Value: '127.0.1.2' }],
        HealthCheckId: 'hc-use1',
      },
      {
        Name: 'eu-west-1-alb.example.com',
        Type: 'A',
        TTL: 5,
        ResourceRecords: [{ Value: '127.0.2.2' }],
        HealthCheckId: 'hc-euw1',
      },
      ...extra,
    ],
  };
}

export const cidrCollections: CidrCollection[] = [
  {
    Id: 'c0ffee00-0000-4000-8000-000000000001',
    Name: 'offices',
    Locations: [
      { LocationName: 'europe-wide', CidrList: ['127.3.0.0/16'] },
      { LocationName: 'berlin-office', CidrList: ['127.3.7.0/24'] },
      { LocationName: 'everything', CidrList: ['0.0.0.0/0'] },
    ],
  },
];

export interface TestWorld {
  env: RoutingEnvironment;
  health: Map<string, boolean>;
}

export function world(zones: HostedZone[], seed = 7, fallbackLocationName?: string): TestWorld {
  const health = new Map<string, boolean>();
  const env: RoutingEnvironment = {
    catalog: new ZoneCatalog(zones, cidrCollections),
    locations: new LocationIndex(locations, fallbackLocationName),
    latencyMs,
    isHealthy: (id) => health.get(id),
    random: seededRandom(seed),
  };
  return { env, health };
}

export const from = (address: string) => ({ address, prefixLength: 32 });
