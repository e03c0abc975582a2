import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildLinks, clientRttMs, regionOneWayMs } from '../../../src/wan/model.js';
import { defaultTopology, parseTopology } from '../../../src/world/topology/index.js';

test('region links are half the table RTT, averaged over both measured directions', () => {
  // Table: us-east-1 -> eu-west-1 70 ms, eu-west-1 -> us-east-1 69 ms.
  assert.equal(regionOneWayMs('us-east-1', 'eu-west-1'), (70 + 69) / 4);
});

test('the default world has every directed region pair and both directions per location', () => {
  const topology = defaultTopology();
  const links = buildLinks(topology);
  const regions = topology.regions.length;
  const locations = topology.locations.length;
  assert.equal(links.length, regions * (regions - 1) + 2 * regions * locations);
});

test('client RTT = access + anchor region RTT; explicit values win', () => {
  const topology = defaultTopology();
  const europe = topology.locations.find((location) => location.name === 'europe');
  assert.ok(europe);
  // Table row eu-central-1, column eu-west-1: 26 ms; plus 10 ms access.
  assert.equal(clientRttMs(europe, 'eu-west-1'), 36);
  assert.equal(clientRttMs({ ...europe, rttMs: { 'eu-west-1': 5 } }, 'eu-west-1'), 5);
});

test('link overrides from the topology apply', () => {
  const topology = parseTopology(
    'version: 1\nregions: [{name: us-east-1}, {name: eu-west-1}]\nwan:\n  links: [{from: us-east-1, to: eu-west-1, latencyMs: 99, jitterMs: 3}]\n',
    't.yaml',
  );
  const link = buildLinks(topology).find(
    (candidate) => candidate.from === 'us-east-1' && candidate.to === 'eu-west-1',
  );
  assert.equal(link?.latencyMs, 99);
  assert.equal(link?.jitterMs, 3);
  const back = buildLinks(topology).find(
    (candidate) => candidate.from === 'eu-west-1' && candidate.to === 'us-east-1',
  );
  assert.equal(back?.latencyMs, (70 + 69) / 4);
});
