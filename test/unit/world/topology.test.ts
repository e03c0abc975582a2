import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultTopology, parseTopology } from '../../../src/world/topology/index.js';

function errorOf(yaml: string): string {
  try {
    parseTopology(yaml, 'pangea.yaml');
  } catch (error) {
    return (error as Error).message;
  }
  assert.fail('expected the topology to be rejected');
}

test('the built-in default is the three seed regions with six or more client locations', () => {
  const topology = defaultTopology();
  assert.deepEqual(
    topology.regions.map((region) => region.name),
    ['us-east-1', 'eu-west-1', 'ap-south-1'],
  );
  for (const name of ['north-america', 'south-america', 'europe', 'south-asia', 'east-asia', 'oceania']) {
    assert.ok(
      topology.locations.some((location) => location.name === name),
      name,
    );
  }
  assert.equal(topology.timing.profile, 'fast');
  assert.equal(topology.regions[1]?.address, '127.0.4.1');
  assert.equal(topology.regions[1]?.wanAddress, '127.0.4.2');
});

test('a region typo names file, line, path and the likely region', () => {
  const yaml = 'version: 1\nregions:\n  - name: us-east-1\n  - name: ap-south-1\n  - name: eu-wst-1\n';
  assert.equal(
    errorOf(yaml),
    'pangea.yaml:5 regions[2].name: unknown region "eu-wst-1"; did you mean eu-west-1?',
  );
});

test('unknown fields are reported with a suggestion', () => {
  assert.match(
    errorOf('version: 1\ntiming:\n  profil: fast\n'),
    /^pangea.yaml:3 timing.profil: unknown field "profil"; did you mean profile\?$/,
  );
});

test('schema errors carry the line of the offending value', () => {
  const message = errorOf('version: 1\nregions:\n  - name: us-east-1\ntiming:\n  profile: slow\n');
  assert.equal(message, 'pangea.yaml:5 timing.profile: must be one of aws-defaults, fast');
});

test('YAML syntax errors carry the line', () => {
  assert.match(errorOf('version: 1\nregions: [\n'), /^pangea.yaml:\d+ /);
});

test('more than 10 regions, duplicates, and overlapping location ranges are rejected', () => {
  const eleven = `version: 1\nregions:\n${Array.from({ length: 11 }, () => '  - name: us-east-1\n').join('')}`;
  assert.match(errorOf(eleven), /regions: must NOT have more than 10 items/);
  assert.match(
    errorOf('version: 1\nregions: [{name: us-east-1}, {name: us-east-1}]\n'),
    /regions\[1\].name: region "us-east-1" is listed twice/,
  );
  const overlapping = `version: 1
locations:
  - { name: a, continent: EU, country: DE, coordinates: { lat: 1, lon: 1 }, addressRange: 127.1.0.0/16, anchorRegion: eu-west-1 }
  - { name: b, continent: EU, country: FR, coordinates: { lat: 1, lon: 1 }, addressRange: 127.1.2.0/24, anchorRegion: eu-west-1 }
  - { name: c, continent: EU, country: FR, coordinates: { lat: 1, lon: 1 }, addressRange: 127.0.9.0/24, anchorRegion: eu-west-1 }
`;
  const message = errorOf(overlapping);
  assert.match(message, /pangea.yaml:4 locations\[1\].addressRange: overlaps the range of locations\[0\]/);
  assert.match(message, /pangea.yaml:5 locations\[2\].addressRange: overlaps 127.0.0.0\/16/);
});

test('clashing global ports are rejected', () => {
  assert.match(
    errorOf('version: 1\nglobal:\n  adminPort: 8000\n'),
    /global.edgePort: port 8000 is also used by global.adminPort/,
  );
});

test('profiles set the health-check timing; explicit values override', () => {
  const aws = parseTopology('version: 1\ntiming: { profile: aws-defaults }\n', 't');
  assert.equal(aws.timing.healthCheck.intervalMs, 30_000);
  assert.equal(aws.timing.healthCheck.failureThreshold, 3);
  assert.equal(aws.timing.dnsTtlSeconds, 60);
  const tuned = parseTopology(
    'version: 1\ntiming: { profile: aws-defaults, healthCheck: { intervalMs: 10000 } }\n',
    't',
  );
  assert.equal(tuned.timing.healthCheck.intervalMs, 10_000);
  assert.equal(tuned.timing.healthCheck.failureThreshold, 3);
});
