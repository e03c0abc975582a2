import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../../../src/shared/random.js';
import { ZoneCatalog } from '../../../../src/traffic/dns/catalog.js';
import {
  dnsLocationsFromTopology,
  LocationIndex,
  latencyFromTopology,
  regionEndpointRecords,
} from '../../../../src/traffic/dns/locations.js';
import { resolveQuery } from '../../../../src/traffic/dns/routing.js';
import { zoneProblems } from '../../../../src/traffic/dns/validate.js';
import { defaultTopology } from '../../../../src/world/topology/index.js';
import { seedZone } from './fixtures.js';

test('topology adapters: locations, RTTs and region endpoint records feed latency routing', () => {
  const topology = defaultTopology();
  const latency = latencyFromTopology(topology);
  assert.ok((latency('europe', 'eu-west-1') ?? 0) < (latency('europe', 'us-east-1') ?? 0));
  assert.equal(latency('nowhere', 'eu-west-1'), undefined);

  const endpoints = regionEndpointRecords(topology, {
    zoneName: 'example.com',
    ttlSeconds: topology.timing.dnsTtlSeconds,
    healthCheckIds: { 'eu-west-1': 'hc-euw1' },
  });
  const euWest = endpoints.find((record) => record.Name === 'eu-west-1-alb.example.com');
  const wanAddress = topology.regions.find((region) => region.name === 'eu-west-1')?.wanAddress;
  assert.deepEqual(euWest?.ResourceRecords, [{ Value: wanAddress }]);
  assert.equal(euWest?.HealthCheckId, 'hc-euw1');

  const zone = seedZone();
  zone.ResourceRecordSets = [
    ...zone.ResourceRecordSets.filter((record) => !record.Name.includes('-alb')),
    ...endpoints,
  ];
  assert.deepEqual(zoneProblems([zone]), []);
  const env = {
    catalog: new ZoneCatalog([zone]),
    locations: new LocationIndex(dnsLocationsFromTopology(topology)),
    latencyMs: latency,
    isHealthy: () => undefined,
    random: seededRandom(1),
  };
  const answer = resolveQuery(env, 'app.example.com', 'A', { address: '127.3.0.20', prefixLength: 32 });
  assert.equal(answer.answers[0]?.data, wanAddress);
});
