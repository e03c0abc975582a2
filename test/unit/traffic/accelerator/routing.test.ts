import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../../../src/shared/random.js';
import {
  affinityKey,
  type FlowKey,
  orderByProximity,
  placeOfAddress,
  proximityFromTopology,
  type RoutableEndpoint,
  type RoutableGroup,
  routeFlow,
} from '../../../../src/traffic/accelerator/routing.js';
import { defaultTopology } from '../../../../src/world/topology/index.js';

const topology = defaultTopology();
const proximity = proximityFromTopology(topology);

function group(
  region: string,
  dial = 100,
  endpoints: Array<Partial<RoutableEndpoint>> = [{}],
): RoutableGroup {
  return {
    region,
    trafficDialPercentage: dial,
    endpoints: endpoints.map((endpoint, index) => ({
      key: `${region}#${index}`,
      weight: 128,
      healthy: true,
      ...endpoint,
    })),
  };
}

const groupsInConfigOrder = () => [group('us-east-1'), group('eu-west-1'), group('ap-south-1')];

function flowFrom(address: string, port: number): FlowKey {
  return { sourceAddress: address, sourcePort: port, destinationAddress: '127.0.0.1', destinationPort: 8080 };
}

function orderedFor(address: string, groups: RoutableGroup[]) {
  return orderByProximity(groups, placeOfAddress(topology, address), proximity);
}

/** Routes `count` connections from one address (random source ports) and counts them per region. */
function shares(address: string, groups: RoutableGroup[], count = 20_000, seed = 7): Map<string, number> {
  const random = seededRandom(seed);
  const ordered = orderedFor(address, groups);
  const tally = new Map<string, number>();
  for (let index = 0; index < count; index++) {
    const port = 1024 + Math.floor(random.next() * 60_000);
    const decision = routeFlow(ordered, affinityKey(flowFrom(address, port), 'NONE'), random);
    const key = decision ? decision.endpoint.key : 'none';
    tally.set(key, (tally.get(key) ?? 0) + 1);
  }
  return tally;
}

test('each location reaches its closest endpoint group by the WAN model', () => {
  const expectations: Array<[string, string]> = [
    ['127.3.0.5', 'eu-west-1'], // europe
    ['127.1.0.5', 'us-east-1'], // north-america
    ['127.4.0.5', 'ap-south-1'], // south-asia
    ['127.7.0.5', 'us-east-1'], // north-america-west: us-east-1 is closer than eu-west-1
  ];
  for (const [address, region] of expectations) {
    const decision = routeFlow(orderedFor(address, groupsInConfigOrder()), 'k', seededRandom(1));
    assert.equal(decision?.group.region, region, address);
    assert.equal(decision?.reason, 'nearest');
  }
});

test('a region address is closest to its own region; an unknown address keeps configuration order', () => {
  const euWest = topology.regions.find((region) => region.name === 'eu-west-1');
  assert.ok(euWest);
  assert.equal(orderedFor(euWest.address, groupsInConfigOrder())[0]?.region, 'eu-west-1');
  assert.deepEqual(
    orderedFor('127.0.0.1', groupsInConfigOrder()).map((candidate) => candidate.region),
    ['us-east-1', 'eu-west-1', 'ap-south-1'],
  );
});

test('traffic dial: the dial share of traffic bound for a group stays, the rest spills to the next closest', () => {
  // europe: eu-west-1 first, then us-east-1. about-endpoint-groups-traffic-dial.html
  const tally = shares('127.3.0.9', [group('us-east-1'), group('eu-west-1', 30), group('ap-south-1')]);
  const euShare = (tally.get('eu-west-1#0') ?? 0) / 20_000;
  const usShare = (tally.get('us-east-1#0') ?? 0) / 20_000;
  assert.ok(Math.abs(euShare - 0.3) < 0.02, `eu-west-1 share ${euShare}`);
  assert.ok(Math.abs(usShare - 0.7) < 0.02, `us-east-1 share ${usShare}`);
  assert.equal(tally.get('ap-south-1#0') ?? 0, 0);
});

test('traffic dial: a spilled share meets the next group’s dial too, and what passes every group stays closest', () => {
  const tally = shares('127.3.0.9', [
    group('us-east-1', 50),
    group('eu-west-1', 50),
    group('ap-south-1', 50),
  ]);
  // eu 50%; us 25%; ap 12.5%; the remaining 12.5% returns to eu-west-1.
  const share = (key: string) => (tally.get(key) ?? 0) / 20_000;
  assert.ok(Math.abs(share('eu-west-1#0') - 0.625) < 0.02, `eu ${share('eu-west-1#0')}`);
  assert.ok(Math.abs(share('us-east-1#0') - 0.25) < 0.02, `us ${share('us-east-1#0')}`);
  assert.ok(Math.abs(share('ap-south-1#0') - 0.125) < 0.02, `ap ${share('ap-south-1#0')}`);
});

test('endpoint weights split a group by weight / total; weight 0 gets nothing while others are healthy', () => {
  // about-endpoints-endpoint-weights.html: weights 1 and 255 -> 1/256 and 255/256; here 64:192 and 0.
  const tally = shares('127.3.0.9', [
    group('eu-west-1', 100, [{ weight: 64 }, { weight: 192 }, { weight: 0 }]),
  ]);
  const share = (key: string) => (tally.get(key) ?? 0) / 20_000;
  assert.ok(Math.abs(share('eu-west-1#0') - 0.25) < 0.02, `64 -> ${share('eu-west-1#0')}`);
  assert.ok(Math.abs(share('eu-west-1#1') - 0.75) < 0.02, `192 -> ${share('eu-west-1#1')}`);
  assert.equal(tally.get('eu-west-1#2') ?? 0, 0);
});

test('client affinity SOURCE_IP keeps a client on one endpoint across connections; NONE spreads them', () => {
  const groups = [group('eu-west-1', 100, [{}, {}, {}, {}])];
  const ordered = orderedFor('127.3.0.77', groups);
  const endpointsSeen = (affinity: 'NONE' | 'SOURCE_IP') => {
    const seen = new Set<string>();
    for (let port = 40_000; port < 40_200; port++) {
      const decision = routeFlow(
        ordered,
        affinityKey(flowFrom('127.3.0.77', port), affinity),
        seededRandom(1),
      );
      seen.add(decision?.endpoint.key ?? 'none');
    }
    return seen;
  };
  assert.equal(endpointsSeen('SOURCE_IP').size, 1);
  assert.equal(endpointsSeen('NONE').size, 4);
});

test('SOURCE_IP: when another endpoint fails the client stays; when its own fails it moves', () => {
  const endpoints = [{}, {}, {}];
  const key = affinityKey(flowFrom('127.3.0.12', 1), 'SOURCE_IP');
  const before = routeFlow([group('eu-west-1', 100, endpoints)], key, seededRandom(1))?.endpoint.key;
  assert.ok(before);
  const index = Number(before.split('#')[1]);
  const other = (index + 1) % 3;
  const otherDown = endpoints.map((_, position) => (position === other ? { healthy: false } : {}));
  assert.equal(routeFlow([group('eu-west-1', 100, otherDown)], key, seededRandom(1))?.endpoint.key, before);
  const ownDown = endpoints.map((_, position) => (position === index ? { healthy: false } : {}));
  assert.notEqual(routeFlow([group('eu-west-1', 100, ownDown)], key, seededRandom(1))?.endpoint.key, before);
});

test('an unhealthy closest group fails over to the next closest, ignoring its dial of 0', () => {
  // about-endpoints-endpoint-weights.unhealthy-endpoints.html: dials are ignored for failover.
  const groups = [group('us-east-1', 0), group('eu-west-1', 100, [{ healthy: false }]), group('ap-south-1')];
  const decision = routeFlow(orderedFor('127.3.0.9', groups), 'k', seededRandom(1));
  assert.equal(decision?.group.region, 'us-east-1');
  assert.equal(decision?.reason, 'failover');
  assert.equal(decision?.intendedRegion, 'eu-west-1');
});

test('a group whose only healthy endpoint has weight 0 counts as unhealthy', () => {
  const groups = [group('us-east-1'), group('eu-west-1', 100, [{ healthy: false }, { weight: 0 }])];
  const decision = routeFlow(orderedFor('127.3.0.9', groups), 'k', seededRandom(1));
  assert.equal(decision?.group.region, 'us-east-1');
});

test('failover looks at the three closest groups only, then fails open in the closest group', () => {
  // Four groups for europe: eu-west-1, us-east-1, ap-south-1 unhealthy; the fourth is healthy but too far.
  const ordered = [
    group('eu-west-1', 100, [{ healthy: false }, { healthy: false }]),
    group('us-east-1', 100, [{ healthy: false }]),
    group('ap-south-1', 100, [{ healthy: false }]),
    group('sa-east-1'),
  ];
  const seen = new Set<string>();
  for (let index = 0; index < 200; index++) {
    const decision = routeFlow(ordered, `k${index}`, seededRandom(index));
    assert.equal(decision?.reason, 'fail-open');
    assert.equal(decision?.group.region, 'eu-west-1');
    seen.add(decision?.endpoint.key ?? '');
  }
  assert.equal(seen.size, 2, 'fail open picks a random endpoint of the closest group');
});

test('failover reaches the third closest group', () => {
  const ordered = [
    group('eu-west-1', 100, [{ healthy: false }]),
    group('us-east-1', 100, [{ healthy: false }]),
    group('ap-south-1'),
  ];
  assert.equal(routeFlow(ordered, 'k', seededRandom(1))?.group.region, 'ap-south-1');
});

test('a retry excludes the endpoints already tried', () => {
  const ordered = orderedFor('127.3.0.9', groupsInConfigOrder());
  const decision = routeFlow(ordered, 'k', seededRandom(1), new Set(['eu-west-1#0']));
  assert.equal(decision?.group.region, 'us-east-1');
  assert.equal(decision?.reason, 'failover');
});

test('no groups, no route', () => {
  assert.equal(routeFlow([], 'k', seededRandom(1)), undefined);
});
