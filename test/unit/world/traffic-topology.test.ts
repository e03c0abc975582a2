import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultTopology, defaultTopologyYaml, parseTopology } from '../../../src/world/topology/index.js';
import { resolveTraffic } from '../../../src/world/topology/traffic.js';

function errorOf(yaml: string): string {
  try {
    parseTopology(yaml, 'pangea.yaml');
  } catch (error) {
    return (error as Error).message;
  }
  assert.fail('expected the topology to be rejected');
}

test('the traffic section pangea init writes is exactly what Pangea generates for those regions', () => {
  const { traffic, ...base } = defaultTopology();
  assert.deepEqual(traffic, resolveTraffic(undefined, base));
  assert.match(defaultTopologyYaml, /^traffic:$/m);
});

test('without a traffic section, the defaults follow the regions', () => {
  const topology = parseTopology(
    'version: 1\nregions: [{ name: us-west-2 }, { name: eu-central-1 }]\n',
    'x.yaml',
  );
  const { healthChecks, hostedZones, accelerator } = topology.traffic;
  assert.deepEqual(
    healthChecks.map((check) => [check.Id, check.TargetRegion, check.ResourcePath]),
    [
      ['us-west-2-alb', 'us-west-2', '/health'],
      ['eu-central-1-alb', 'eu-central-1', '/health'],
    ],
  );
  const names = hostedZones[0]?.ResourceRecordSets.map((record) => `${record.Name} ${record.Region ?? ''}`);
  assert.deepEqual(names, [
    'app.example.com us-west-2',
    'app.example.com eu-central-1',
    'us-west-2-alb.example.com ',
    'eu-central-1-alb.example.com ',
  ]);
  const endpoint = hostedZones[0]?.ResourceRecordSets[2];
  assert.equal(endpoint?.HealthCheckId, 'us-west-2-alb');
  assert.equal(endpoint?.TTL, topology.timing.dnsTtlSeconds);
  assert.deepEqual(accelerator.Listeners[0]?.PortRanges, [{ FromPort: 8080, ToPort: 8080 }]);
  assert.deepEqual(
    accelerator.Listeners[0]?.EndpointGroups.map((group) => group.EndpointConfigurations?.[0]?.EndpointId),
    ['us-west-2:loadBalancer', 'eu-central-1:loadBalancer'],
  );
});

test('record TTLs default to the profile; aws-defaults gives 60 s', () => {
  const yaml = `version: 1
timing: { profile: aws-defaults }
traffic:
  hostedZones:
    - Name: example.org
      ResourceRecordSets:
        - { Name: www.example.org, Type: A, ResourceRecords: [{ Value: 127.0.1.2 }] }
`;
  const records = parseTopology(yaml, 'x.yaml').traffic.hostedZones[0]?.ResourceRecordSets ?? [];
  assert.equal(records[0]?.TTL, 60);
  assert.equal(records.length, 4);
});

test('a bad health check names file, line and path', () => {
  const yaml = `version: 1
traffic:
  healthChecks:
    - { Id: a, Type: HTTP, TargetRegion: us-east-1 }
    - Id: b
      Type: HTTP
      TargetRegion: eu-west-1
      FailureThreshold: 11
`;
  assert.equal(
    errorOf(yaml),
    'pangea.yaml:8 traffic.healthChecks[1].FailureThreshold: must be between 1 and 10',
  );
});

test('an unknown target region gets a suggestion', () => {
  const yaml = 'version: 1\ntraffic:\n  healthChecks:\n    - { Id: a, Type: HTTP, TargetRegion: eu-wst-1 }\n';
  assert.match(
    errorOf(yaml),
    /^pangea.yaml:4 traffic.healthChecks\[0\].TargetRegion: .*did you mean eu-west-1\?/,
  );
});

test('zone problems and unknown health-check ids map to their lines', () => {
  const yaml = `version: 1
traffic:
  hostedZones:
    - Name: example.com
      ResourceRecordSets:
        - { Name: a.example.com, Type: A, TTL: -1, ResourceRecords: [{ Value: 127.0.1.2 }] }
        - { Name: b.example.com, Type: A, HealthCheckId: us-east-1-alx, ResourceRecords: [{ Value: 127.0.1.2 }] }
`;
  assert.match(errorOf(yaml), /^pangea.yaml:6 traffic.hostedZones\[0\].ResourceRecordSets\[0\].TTL: /);
  const unknownCheck = errorOf(yaml.replace('TTL: -1', 'TTL: 5'));
  assert.equal(
    unknownCheck,
    'pangea.yaml:7 traffic.hostedZones[0].ResourceRecordSets[1].HealthCheckId: unknown health check "us-east-1-alx"; did you mean us-east-1-alb?',
  );
});

test('accelerator problems map to their lines; listener ports may not take another global port', () => {
  const yaml = `version: 1
traffic:
  accelerator:
    Listeners:
      - PortRanges: [{ FromPort: 7700, ToPort: 7700 }]
        EndpointGroups:
          - EndpointGroupRegion: us-east-1
            TrafficDialPercentage: 101
`;
  assert.match(
    errorOf(yaml),
    /^pangea.yaml:8 traffic.accelerator.Listeners\[0\].EndpointGroups\[0\].TrafficDialPercentage: /,
  );
  assert.match(
    errorOf(yaml.replace('101', '50')),
    /^pangea.yaml:5 traffic.accelerator.Listeners\[0\].PortRanges\[0\]: port 7700 is also used by global.adminPort$/,
  );
});

test('unknown fields in traffic get a suggestion', () => {
  assert.match(
    errorOf('version: 1\ntraffic:\n  healthCheck: []\n'),
    /^pangea.yaml:3 traffic.healthCheck: unknown field "healthCheck"; did you mean healthChecks\?$/,
  );
});
