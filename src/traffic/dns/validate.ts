/**
 * Checks hosted zones and CIDR collections before the server takes them: a JSON Schema for shapes
 * (ajv), then the rules Route 53's ChangeResourceRecordSets enforces across records. Every problem
 * is reported at once as `path: message`, the path naming the field.
 * https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html
 */
import { Ajv, type ErrorObject } from 'ajv';
import { PangeaError } from '../../shared/errors.js';
import { routingPolicyOf } from './catalog.js';
import { parseIpv4Prefix } from './cidr.js';
import { isValidHostname, normalizeName, parseRecordValue } from './rdata.js';
import {
  type CidrCollection,
  continentCodes,
  type HostedZone,
  type ResourceRecordSet,
  supportedRecordTypes,
} from './types.js';

export interface ZoneProblem {
  path: string;
  message: string;
}

const maxTtlSeconds = 2147483647;

const recordSetSchema = {
  type: 'object',
  required: ['Name', 'Type'],
  additionalProperties: false,
  properties: {
    Name: { type: 'string', minLength: 1, maxLength: 1024 },
    Type: { enum: [...supportedRecordTypes] },
    SetIdentifier: { type: 'string', minLength: 1, maxLength: 128 },
    Weight: { type: 'integer', minimum: 0, maximum: 255 },
    Region: { type: 'string', minLength: 1, maxLength: 64 },
    Failover: { enum: ['PRIMARY', 'SECONDARY'] },
    GeoLocation: {
      type: 'object',
      additionalProperties: false,
      properties: {
        ContinentCode: { enum: [...continentCodes] },
        CountryCode: { type: 'string', pattern: '^([A-Z]{2}|\\*)$' },
        SubdivisionCode: { type: 'string', pattern: '^[A-Z0-9]{1,3}$' },
      },
    },
    MultiValueAnswer: { type: 'boolean' },
    CidrRoutingConfig: {
      type: 'object',
      required: ['CollectionId', 'LocationName'],
      additionalProperties: false,
      properties: {
        CollectionId: { type: 'string', minLength: 1 },
        LocationName: { type: 'string', pattern: '^[0-9A-Za-z_\\-*]{1,16}$' },
      },
    },
    TTL: { type: 'integer', minimum: 0, maximum: maxTtlSeconds },
    ResourceRecords: {
      type: 'array',
      minItems: 1,
      maxItems: 400,
      items: {
        type: 'object',
        required: ['Value'],
        additionalProperties: false,
        properties: { Value: { type: 'string', minLength: 1, maxLength: 4000 } },
      },
    },
    AliasTarget: {
      type: 'object',
      required: ['DNSName', 'EvaluateTargetHealth'],
      additionalProperties: false,
      properties: {
        DNSName: { type: 'string', minLength: 1 },
        EvaluateTargetHealth: { type: 'boolean' },
        HostedZoneId: { type: 'string' },
      },
    },
    HealthCheckId: { type: 'string', minLength: 1, maxLength: 64 },
  },
} as const;

const configSchema = {
  type: 'object',
  required: ['zones'],
  properties: {
    zones: {
      type: 'array',
      items: {
        type: 'object',
        required: ['Name', 'ResourceRecordSets'],
        additionalProperties: false,
        properties: {
          Name: { type: 'string', minLength: 1 },
          Id: { type: 'string' },
          ResourceRecordSets: { type: 'array', items: recordSetSchema },
        },
      },
    },
    cidrCollections: {
      type: 'array',
      items: {
        type: 'object',
        required: ['Id', 'Locations'],
        additionalProperties: false,
        properties: {
          Id: { type: 'string', minLength: 1 },
          Name: { type: 'string' },
          Locations: {
            type: 'array',
            items: {
              type: 'object',
              required: ['LocationName', 'CidrList'],
              additionalProperties: false,
              properties: {
                LocationName: { type: 'string', pattern: '^[0-9A-Za-z_\\-]{1,16}$' },
                CidrList: { type: 'array', items: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: false });
const validateShape = ajv.compile(configSchema);

function schemaProblem(error: ErrorObject): ZoneProblem {
  const path = error.instancePath
    .split('/')
    .filter(Boolean)
    .reduce((text, segment) => (/^\d+$/.test(segment) ? `${text}[${segment}]` : `${text}.${segment}`), '')
    .replace(/^\./, '');
  const extra =
    error.keyword === 'additionalProperties'
      ? ` (${String((error.params as { additionalProperty?: string }).additionalProperty)})`
      : error.keyword === 'enum'
        ? ` (${((error.params as { allowedValues?: unknown[] }).allowedValues ?? []).join(', ')})`
        : '';
  return { path: path || '(root)', message: `${error.message ?? 'is invalid'}${extra}` };
}

/** All problems in the configuration; empty when the server can take it. */
export function zoneProblems(zones: unknown, cidrCollections: unknown = []): ZoneProblem[] {
  if (!validateShape({ zones, cidrCollections })) {
    return (validateShape.errors ?? []).map(schemaProblem);
  }
  const typedZones = zones as HostedZone[];
  const collections = cidrCollections as CidrCollection[];
  return [
    ...collectionProblems(collections),
    ...zoneNameProblems(typedZones),
    ...typedZones.flatMap((zone, zoneIndex) => recordProblems(zone, zoneIndex, typedZones, collections)),
    ...aliasLoopProblems(typedZones),
  ];
}

export function assertValidZones(zones: unknown, cidrCollections: unknown = []): void {
  const problems = zoneProblems(zones, cidrCollections);
  if (problems.length === 0) return;
  throw new PangeaError(
    'DnsZonesInvalid',
    `invalid DNS configuration:\n${problems.map((problem) => `${problem.path}: ${problem.message}`).join('\n')}`,
    { problems },
  );
}

function collectionProblems(collections: CidrCollection[]): ZoneProblem[] {
  const problems: ZoneProblem[] = [];
  const ids = new Set<string>();
  collections.forEach((collection, index) => {
    const path = `cidrCollections[${index}]`;
    if (ids.has(collection.Id))
      problems.push({ path: `${path}.Id`, message: `duplicate collection ${collection.Id}` });
    ids.add(collection.Id);
    const names = new Set<string>();
    collection.Locations.forEach((location, locationIndex) => {
      const locationPath = `${path}.Locations[${locationIndex}]`;
      if (names.has(location.LocationName)) {
        problems.push({
          path: `${locationPath}.LocationName`,
          message: `duplicate location ${location.LocationName}`,
        });
      }
      names.add(location.LocationName);
      location.CidrList.forEach((cidr, cidrIndex) => {
        if (!parseIpv4Prefix(cidr)) {
          problems.push({
            path: `${locationPath}.CidrList[${cidrIndex}]`,
            message: `"${cidr}" is not an IPv4 CIDR block (a.b.c.d/0-32)`,
          });
        }
      });
    });
  });
  return problems;
}

function zoneNameProblems(zones: HostedZone[]): ZoneProblem[] {
  const problems: ZoneProblem[] = [];
  const seen = new Set<string>();
  zones.forEach((zone, index) => {
    const name = normalizeName(zone.Name);
    if (!isValidHostname(zone.Name))
      problems.push({ path: `zones[${index}].Name`, message: `"${zone.Name}" is not a domain name` });
    if (seen.has(name))
      problems.push({ path: `zones[${index}].Name`, message: `duplicate hosted zone ${name}` });
    seen.add(name);
  });
  return problems;
}

const isWithin = (name: string, zoneName: string): boolean =>
  name === zoneName || name.endsWith(`.${zoneName}`);

function recordProblems(
  zone: HostedZone,
  zoneIndex: number,
  zones: HostedZone[],
  collections: CidrCollection[],
): ZoneProblem[] {
  const zoneName = normalizeName(zone.Name);
  const problems: ZoneProblem[] = [];
  zone.ResourceRecordSets.forEach((record, recordIndex) => {
    const path = `zones[${zoneIndex}].ResourceRecordSets[${recordIndex}]`;
    const add = (field: string, message: string) => problems.push({ path: `${path}${field}`, message });
    const name = normalizeName(record.Name);
    if (!isValidHostname(record.Name)) add('.Name', `"${record.Name}" is not a domain name`);
    else if (!isWithin(name, zoneName)) add('.Name', `${name} is not in hosted zone ${zoneName}`);
    singleRecordProblems(record, zoneName, zones, collections, add);
  });
  problems.push(...groupProblems(zone, zoneIndex));
  return problems;
}

type AddProblem = (field: string, message: string) => void;

function singleRecordProblems(
  record: ResourceRecordSet,
  zoneName: string,
  zones: HostedZone[],
  collections: CidrCollection[],
  add: AddProblem,
): void {
  const hasValues = record.ResourceRecords !== undefined;
  const alias = record.AliasTarget;
  if (hasValues === (alias !== undefined)) add('', 'needs exactly one of ResourceRecords and AliasTarget');
  if (hasValues && record.TTL === undefined) add('.TTL', 'is required for a non-alias record');
  if (alias && record.TTL !== undefined)
    add('.TTL', 'must not be set on an alias record (it uses the target TTL)');
  record.ResourceRecords?.forEach((resourceRecord, valueIndex) => {
    const parsed = parseRecordValue(record.Type, resourceRecord.Value);
    if (typeof parsed === 'object' && 'error' in parsed)
      add(`.ResourceRecords[${valueIndex}].Value`, parsed.error);
  });
  if ((record.Type === 'CNAME' || record.Type === 'SOA') && (record.ResourceRecords?.length ?? 0) > 1) {
    add('.ResourceRecords', `a ${record.Type} record set holds exactly one value`);
  }
  if (record.Type === 'CNAME' && normalizeName(record.Name) === zoneName)
    add('.Type', 'a CNAME is not allowed at the zone apex');
  if (record.Type === 'SOA' && normalizeName(record.Name) !== zoneName)
    add('.Type', 'SOA belongs at the zone apex');
  if (alias) aliasProblems(alias.DNSName, zones, add);
  policyFieldProblems(record, collections, add);
}

function aliasProblems(dnsName: string, zones: HostedZone[], add: AddProblem): void {
  const target = normalizeName(dnsName);
  if (!isValidHostname(dnsName)) {
    add('.AliasTarget.DNSName', `"${dnsName}" is not a domain name`);
    return;
  }
  const inOurZones = zones.some((zone) => isWithin(target, normalizeName(zone.Name)));
  if (!inOurZones) {
    add('.AliasTarget.DNSName', `${target} is not in any hosted zone served here (alias targets must be)`);
  }
}

function policyFieldProblems(
  record: ResourceRecordSet,
  collections: CidrCollection[],
  add: AddProblem,
): void {
  const policyFields = (
    ['Weight', 'Region', 'Failover', 'GeoLocation', 'MultiValueAnswer', 'CidrRoutingConfig'] as const
  ).filter((field) => record[field] !== undefined);
  if (policyFields.length > 1) add('', `sets ${policyFields.join(' and ')}; a record has one routing policy`);
  const policy = routingPolicyOf(record);
  if (policy === 'simple' && record.SetIdentifier !== undefined)
    add('.SetIdentifier', 'is only for records with a routing policy');
  if (policy !== 'simple' && record.SetIdentifier === undefined)
    add('.SetIdentifier', `is required for ${policy} records`);
  if (policy === 'multivalue') {
    if (record.AliasTarget) add('.AliasTarget', 'multivalue answer records cannot be aliases');
    if (record.Type === 'CNAME' || record.Type === 'NS')
      add('.Type', `multivalue answer records cannot be ${record.Type}`);
  }
  if (record.MultiValueAnswer === false) add('.MultiValueAnswer', 'set it to true or leave it out');
  const geo = record.GeoLocation;
  if (geo) {
    const codes = [geo.ContinentCode, geo.CountryCode].filter((code) => code !== undefined);
    if (codes.length !== 1) add('.GeoLocation', 'needs exactly one of ContinentCode and CountryCode');
    if (geo.SubdivisionCode !== undefined && (!geo.CountryCode || geo.CountryCode === '*')) {
      add('.GeoLocation.SubdivisionCode', 'needs a CountryCode');
    }
  }
  const cidrConfig = record.CidrRoutingConfig;
  if (cidrConfig) {
    const collection = collections.find((candidate) => candidate.Id === cidrConfig.CollectionId);
    if (!collection) add('.CidrRoutingConfig.CollectionId', `no CIDR collection ${cidrConfig.CollectionId}`);
    else if (
      cidrConfig.LocationName !== '*' &&
      !collection.Locations.some((location) => location.LocationName === cidrConfig.LocationName)
    ) {
      add(
        '.CidrRoutingConfig.LocationName',
        `collection ${collection.Id} has no location ${cidrConfig.LocationName}`,
      );
    }
  }
}

/** Rules across the record sets that share a name and type (and CNAME exclusivity per name). */
function groupProblems(zone: HostedZone, zoneIndex: number): ZoneProblem[] {
  const problems: ZoneProblem[] = [];
  const groups = new Map<string, number[]>();
  const typesByName = new Map<string, Set<string>>();
  zone.ResourceRecordSets.forEach((record, index) => {
    const name = normalizeName(record.Name);
    const key = `${name} ${record.Type}`;
    groups.set(key, [...(groups.get(key) ?? []), index]);
    typesByName.set(name, (typesByName.get(name) ?? new Set()).add(record.Type));
  });
  for (const [name, types] of typesByName) {
    if (types.has('CNAME') && types.size > 1) {
      problems.push({
        path: `zones[${zoneIndex}]`,
        message: `${name} has a CNAME and other types (${[...types].join(', ')})`,
      });
    }
  }
  for (const [key, indexes] of groups) {
    const records = indexes.map((index) => ({
      index,
      record: zone.ResourceRecordSets[index] as ResourceRecordSet,
    }));
    problems.push(...sameGroupProblems(key, records, zoneIndex));
  }
  return problems;
}

function sameGroupProblems(
  key: string,
  records: Array<{ index: number; record: ResourceRecordSet }>,
  zoneIndex: number,
): ZoneProblem[] {
  const problems: ZoneProblem[] = [];
  const at = (index: number, field: string) => `zones[${zoneIndex}].ResourceRecordSets[${index}]${field}`;
  const policies = new Set(records.map(({ record }) => routingPolicyOf(record)));
  const first = records[0];
  if (!first) return problems;
  if (policies.size > 1) {
    problems.push({
      path: at(first.index, ''),
      message: `${key} mixes routing policies (${[...policies].join(', ')})`,
    });
    return problems;
  }
  const policy = routingPolicyOf(first.record);
  if (policy === 'simple' && records.length > 1) {
    problems.push({
      path: at(first.index, ''),
      message: `${key} has ${records.length} simple record sets; merge their values`,
    });
  }
  const duplicateOf = (label: string, keyOf: (record: ResourceRecordSet) => string | undefined) => {
    const seen = new Set<string>();
    for (const { index, record } of records) {
      const value = keyOf(record);
      if (value === undefined) continue;
      if (seen.has(value))
        problems.push({ path: at(index, ''), message: `${key}: duplicate ${label} ${value}` });
      seen.add(value);
    }
  };
  duplicateOf('SetIdentifier', (record) => record.SetIdentifier);
  if (policy === 'latency') duplicateOf('Region', (record) => record.Region);
  if (policy === 'failover') duplicateOf('Failover', (record) => record.Failover);
  if (policy === 'geolocation') duplicateOf('GeoLocation', (record) => JSON.stringify(record.GeoLocation));
  if (policy === 'ip-based') {
    duplicateOf('CidrRoutingConfig.LocationName', (record) => record.CidrRoutingConfig?.LocationName);
    const collectionIds = new Set(records.map(({ record }) => record.CidrRoutingConfig?.CollectionId));
    if (collectionIds.size > 1) {
      problems.push({
        path: at(first.index, '.CidrRoutingConfig'),
        message: `${key} uses more than one CIDR collection`,
      });
    }
  }
  return problems;
}

/** Alias chains that come back to where they started would never resolve. */
function aliasLoopProblems(zones: HostedZone[]): ZoneProblem[] {
  const edges = new Map<string, Set<string>>();
  for (const zone of zones) {
    for (const record of zone.ResourceRecordSets) {
      if (!record.AliasTarget) continue;
      const from = `${normalizeName(record.Name)} ${record.Type}`;
      const to = `${normalizeName(record.AliasTarget.DNSName)} ${record.Type}`;
      edges.set(from, (edges.get(from) ?? new Set()).add(to));
    }
  }
  const problems: ZoneProblem[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (node: string, trail: string[]): void => {
    if (state.get(node) === 'done') return;
    if (state.get(node) === 'visiting') {
      problems.push({
        path: 'zones',
        message: `alias loop: ${[...trail.slice(trail.indexOf(node)), node].join(' -> ')}`,
      });
      return;
    }
    state.set(node, 'visiting');
    for (const next of edges.get(node) ?? []) visit(next, [...trail, node]);
    state.set(node, 'done');
  };
  for (const node of edges.keys()) visit(node, []);
  return problems;
}
