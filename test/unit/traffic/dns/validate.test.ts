import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isPangeaError } from '../../../../src/shared/errors.js';
import type { HostedZone, ResourceRecordSet } from '../../../../src/traffic/dns/types.js';
import { assertValidZones, zoneProblems } from '../../../../src/traffic/dns/validate.js';
import { cidrCollections, seedZone } from './fixtures.js';

const zoneWith = (records: unknown[]): HostedZone =>
  ({ Name: 'example.com', ResourceRecordSets: records }) as unknown as HostedZone;
const messages = (zones: unknown, collections: unknown = cidrCollections) =>
  zoneProblems(zones, collections).map((problem) => `${problem.path}: ${problem.message}`);
const weighted = (id: string | undefined, weight: number): ResourceRecordSet => ({
  Name: 'w.example.com',
  Type: 'A',
  TTL: 60,
  ResourceRecords: [{ Value: '10.0.0.1' }],
  ...(id ? { SetIdentifier: id } : {}),
  Weight: weight,
});

describe('zone validation', () => {
  test('the seed zone is valid', () => {
    assert.deepEqual(messages([seedZone()]), []);
  });

  const cases: Array<{ name: string; records: unknown[]; collections?: unknown; expect: RegExp }> = [
    {
      name: 'weight above 255',
      records: [weighted('a', 300)],
      expect: /ResourceRecordSets\[0\]\.Weight: must be <= 255/,
    },
    {
      name: 'missing SetIdentifier',
      records: [weighted(undefined, 1)],
      expect: /\[0\]\.SetIdentifier: is required for weighted/,
    },
    {
      name: 'mixed policies in one name/type',
      records: [
        weighted('a', 1),
        { ...weighted(undefined, 1), Weight: undefined, Region: 'us-east-1', SetIdentifier: 'b' },
      ],
      expect: /w\.example\.com A mixes routing policies \(weighted, latency\)/,
    },
    {
      name: 'duplicate Region in latency sets',
      records: [
        { ...weighted('a', 0), Weight: undefined, Region: 'us-east-1' },
        { ...weighted('b', 0), Weight: undefined, Region: 'us-east-1' },
      ],
      expect: /duplicate Region us-east-1/,
    },
    {
      name: 'two simple record sets for one name and type',
      records: [
        { Name: 'a.example.com', Type: 'A', TTL: 1, ResourceRecords: [{ Value: '10.0.0.1' }] },
        { Name: 'a.example.com', Type: 'A', TTL: 1, ResourceRecords: [{ Value: '10.0.0.2' }] },
      ],
      expect: /2 simple record sets/,
    },
    {
      name: 'bad IPv4 value',
      records: [{ Name: 'a.example.com', Type: 'A', TTL: 1, ResourceRecords: [{ Value: '10.0.0.300' }] }],
      expect: /ResourceRecords\[0\]\.Value: "10\.0\.0\.300" is not an IPv4 address/,
    },
    {
      name: 'bad CIDR in a collection',
      records: [],
      collections: [{ Id: 'c', Locations: [{ LocationName: 'x', CidrList: ['10.0.0.0/33'] }] }],
      expect: /cidrCollections\[0\]\.Locations\[0\]\.CidrList\[0\]: "10\.0\.0\.0\/33" is not an IPv4 CIDR/,
    },
    {
      name: 'unknown CIDR location',
      records: [
        {
          ...weighted('a', 0),
          Weight: undefined,
          CidrRoutingConfig: { CollectionId: cidrCollections[0]?.Id, LocationName: 'mars' },
        },
      ],
      expect: /CidrRoutingConfig\.LocationName: collection .* has no location mars/,
    },
    {
      name: 'alias outside our zones',
      records: [
        {
          Name: 'a.example.com',
          Type: 'A',
          AliasTarget: { DNSName: 'x.example.org', EvaluateTargetHealth: false },
        },
      ],
      expect: /AliasTarget\.DNSName: x\.example\.org is not in any hosted zone/,
    },
    {
      name: 'alias loop',
      records: [
        {
          Name: 'a.example.com',
          Type: 'A',
          AliasTarget: { DNSName: 'b.example.com', EvaluateTargetHealth: false },
        },
        {
          Name: 'b.example.com',
          Type: 'A',
          AliasTarget: { DNSName: 'a.example.com', EvaluateTargetHealth: false },
        },
      ],
      expect: /alias loop: a\.example\.com A -> b\.example\.com A -> a\.example\.com A/,
    },
    {
      name: 'CNAME next to other types',
      records: [
        { Name: 'c.example.com', Type: 'CNAME', TTL: 1, ResourceRecords: [{ Value: 'x.example.com' }] },
        { Name: 'c.example.com', Type: 'TXT', TTL: 1, ResourceRecords: [{ Value: '"x"' }] },
      ],
      expect: /c\.example\.com has a CNAME and other types/,
    },
    {
      name: 'record outside its zone',
      records: [{ Name: 'a.example.org', Type: 'A', TTL: 1, ResourceRecords: [{ Value: '10.0.0.1' }] }],
      expect: /\.Name: a\.example\.org is not in hosted zone example\.com/,
    },
    {
      name: 'alias with TTL',
      records: [
        {
          Name: 'a.example.com',
          Type: 'A',
          TTL: 5,
          AliasTarget: { DNSName: 'example.com', EvaluateTargetHealth: false },
        },
      ],
      expect: /\.TTL: must not be set on an alias record/,
    },
    {
      name: 'unknown field',
      records: [
        { Name: 'a.example.com', Type: 'A', TTL: 1, Ttl: 3, ResourceRecords: [{ Value: '10.0.0.1' }] },
      ],
      expect: /must NOT have additional properties \(Ttl\)/,
    },
    {
      name: 'geolocation with two codes',
      records: [
        { ...weighted('g', 0), Weight: undefined, GeoLocation: { ContinentCode: 'EU', CountryCode: 'DE' } },
      ],
      expect: /\.GeoLocation: needs exactly one of ContinentCode and CountryCode/,
    },
  ];
  for (const testCase of cases) {
    test(testCase.name, () => {
      const found = messages([zoneWith(testCase.records)], testCase.collections ?? cidrCollections);
      assert.ok(
        found.some((message) => testCase.expect.test(message)),
        `expected ${testCase.expect} in:\n${found.join('\n')}`,
      );
    });
  }

  test('assertValidZones throws DnsZonesInvalid listing every problem', () => {
    try {
      assertValidZones([zoneWith([weighted(undefined, 256)])], []);
      assert.fail('should throw');
    } catch (error) {
      assert.ok(isPangeaError(error));
      assert.equal(error.code, 'DnsZonesInvalid');
      assert.match(error.message, /Weight/);
    }
  });
});
