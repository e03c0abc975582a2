import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPangeaError } from '../../../../src/shared/errors.js';
import { resolveAcceleratorConfig } from '../../../../src/traffic/accelerator/validate.js';
import { defaultTopology } from '../../../../src/world/topology/index.js';

const topology = defaultTopology();
const fast = { healthCheckIntervalMs: 1_000, thresholdCount: 2 };

const minimal = {
  Listeners: [
    {
      PortRanges: [{ FromPort: 8080, ToPort: 8080 }],
      EndpointGroups: [
        {
          EndpointGroupRegion: 'us-east-1',
          EndpointConfigurations: [{ EndpointId: 'us-east-1:loadBalancer' }],
        },
      ],
    },
  ],
};

function problemsOf(config: unknown): string {
  try {
    resolveAcceleratorConfig(config, topology, fast);
  } catch (error) {
    assert.ok(isPangeaError(error));
    assert.equal(error.code, 'AcceleratorConfigInvalid');
    return error.message;
  }
  assert.fail('expected the configuration to be refused');
}

test('AWS defaults apply: dial 100, weight 128, affinity NONE, TCP checks, interval 30 s scaled by the profile', () => {
  const resolved = resolveAcceleratorConfig(minimal, topology, fast);
  const listener = resolved.listeners[0];
  assert.ok(listener);
  assert.deepEqual(listener.ports, [8080]);
  assert.equal(listener.clientAffinity, 'NONE');
  assert.equal(listener.proxyMode, 'TCP');
  const group = listener.groups[0];
  assert.equal(group?.trafficDialPercentage, 100);
  assert.equal(group?.endpoints[0]?.weight, 128);
  assert.equal(group?.endpoints[0]?.port, 8080);
  assert.equal(group?.endpoints[0]?.wanHost, '127.0.1.2');
  assert.equal(group?.endpoints[0]?.insideHost, '127.0.1.1');
  assert.deepEqual(group?.healthCheck, {
    protocol: 'TCP',
    port: undefined,
    path: '/',
    intervalMs: 1_000,
    thresholdCount: 2,
  });
});

test('the seed template shape (dial 50, HTTPS check, weight 100) is accepted; 10 s is a third of the profile’s 30 s', () => {
  const resolved = resolveAcceleratorConfig(
    {
      Name: 'multi-region-accelerator',
      Enabled: true,
      Listeners: [
        {
          Protocol: 'TCP',
          PortRanges: [{ FromPort: 443, ToPort: 443 }],
          EndpointGroups: [
            {
              EndpointGroupRegion: 'us-east-1',
              TrafficDialPercentage: 50,
              HealthCheckProtocol: 'HTTPS',
              HealthCheckIntervalSeconds: 10,
              EndpointConfigurations: [{ EndpointId: 'us-east-1:loadBalancer', Weight: 100 }],
            },
            {
              EndpointGroupRegion: 'eu-west-1',
              TrafficDialPercentage: 50,
              EndpointConfigurations: [{ EndpointId: '127.0.4.1:8080', Weight: 100 }],
            },
          ],
        },
      ],
    },
    topology,
    fast,
  );
  const [us, eu] = resolved.listeners[0]?.groups ?? [];
  assert.equal(us?.healthCheck.intervalMs, 1_000 / 3);
  assert.equal(us?.trafficDialPercentage, 50);
  assert.equal(eu?.endpoints[0]?.region, 'eu-west-1');
});

test('schema problems name the field', () => {
  const message = problemsOf({
    Listeners: [
      {
        PortRanges: [{ FromPort: 8080, ToPort: 8080 }],
        ClientAffinity: 'STICKY',
        EndpointGroups: [
          {
            EndpointGroupRegion: 'us-east-1',
            TrafficDialPercentage: 150,
            HealthCheckIntervalSeconds: 15,
            ThresholdCount: 11,
            EndpointConfigurations: [{ EndpointId: 'us-east-1:loadBalancer', Weight: 256 }],
            Colour: 'blue',
          },
        ],
      },
    ],
  });
  assert.match(message, /Listeners\[0\]\.ClientAffinity: must be one of NONE, SOURCE_IP/);
  assert.match(message, /Listeners\[0\]\.EndpointGroups\[0\]\.TrafficDialPercentage: must be <= 100/);
  assert.match(message, /HealthCheckIntervalSeconds: must be one of 10, 30/);
  assert.match(message, /ThresholdCount: must be <= 10/);
  assert.match(message, /EndpointConfigurations\[0\]\.Weight: must be <= 255/);
  assert.match(message, /EndpointGroups\[0\]\.Colour: is not a known field/);
});

test('semantic problems: unknown region with a suggestion, one group per region, endpoint outside its group', () => {
  const message = problemsOf({
    Listeners: [
      {
        PortRanges: [{ FromPort: 8080, ToPort: 8080 }],
        PassiveFailover: { Enabled: true },
        EndpointGroups: [
          { EndpointGroupRegion: 'us-east-2x' },
          {
            EndpointGroupRegion: 'eu-west-1',
            EndpointConfigurations: [{ EndpointId: 'us-east-1:loadBalancer' }],
          },
          { EndpointGroupRegion: 'eu-west-1', EndpointConfigurations: [{ EndpointId: 'eu-west-1:cache' }] },
        ],
      },
      {
        PortRanges: [{ FromPort: 8080, ToPort: 8081 }],
        EndpointGroups: [{ EndpointGroupRegion: 'us-east-1' }],
      },
    ],
  });
  assert.match(
    message,
    /EndpointGroups\[0\]\.EndpointGroupRegion: "us-east-2x" is not a region of this world; did you mean us-east-1\?/,
  );
  assert.match(
    message,
    /EndpointConfigurations\[0\]\.EndpointId: is in us-east-1, not in the group's region eu-west-1/,
  );
  assert.match(
    message,
    /EndpointGroups\[2\]\.EndpointGroupRegion: the listener already has a group in eu-west-1/,
  );
  assert.match(message, /unknown service "cache"/);
  assert.match(message, /Listeners\[0\]\.PassiveFailover: needs ProxyMode HTTP/);
  assert.match(message, /Listeners\[1\]\.PortRanges\[0\]: port 8080 is already used by Listeners\[0\]/);
});

test('an address endpoint must use a port the WAN fabric relays', () => {
  const message = problemsOf({
    Listeners: [
      {
        PortRanges: [{ FromPort: 8080, ToPort: 8080 }],
        EndpointGroups: [
          { EndpointGroupRegion: 'us-east-1', EndpointConfigurations: [{ EndpointId: '127.0.1.1:9999' }] },
        ],
      },
    ],
  });
  assert.match(message, /the WAN fabric relays only ports 8000, 8001, 8080 into us-east-1/);
});
