import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clientAddress, targetFromStatus } from '../../../../src/gameday/load/index.js';
import { gamedayTable } from '../../../../src/gameday/model.js';
import type { LinkState } from '../../../../src/wan/model.js';
import type { WorldStatus } from '../../../../src/world/status.js';
import { cidrContains, parseCidr } from '../../../../src/world/topology/addresses.js';

function link(
  from: string,
  to: string,
  configuredLatencyMs: number,
  latencyMs = configuredLatencyMs,
): LinkState {
  return {
    from,
    to,
    kind: 'location-region',
    configuredLatencyMs,
    latencyMs,
    jitterMs: 0,
    lossPct: 0,
    bandwidthMbps: null,
    partitioned: false,
  };
}

function region(name: string, row: number, withApp = true): WorldStatus['regions'][number] {
  return {
    name,
    state: 'running',
    ready: true,
    pid: 1,
    startedAt: null,
    restarts: 0,
    lastExit: null,
    address: `127.0.${row}.1`,
    wanAddress: `127.0.${row}.2`,
    endpoints: {
      dynamodb: `http://127.0.${row}.1:21010`,
      replication: `http://127.0.${row}.1:21011`,
      loadBalancer: withApp ? `http://127.0.${row}.1:21014` : null,
    },
    targets: [],
  };
}

const status = {
  world: { name: 't', pid: 1, startedAt: '', profile: 'fast', topology: '' },
  regions: [region('us-east-1', 1), region('eu-west-1', 4), region('ap-south-1', 6, false)],
  endpoints: {
    aws: 'http://127.0.0.1:21001',
    dns: 'dns://127.0.0.1:21002',
    accelerator: 'http://127.0.0.1:21003',
    dashboard: null,
    admin: 'http://127.0.0.1:21000',
  },
  locations: [
    { name: 'north-america', continent: 'NA', country: 'US', addressRange: '127.1.0.0/16' },
    { name: 'europe', continent: 'EU', country: 'DE', addressRange: '127.3.0.0/16' },
  ],
  links: [
    link('north-america', 'us-east-1', 5),
    link('north-america', 'eu-west-1', 45),
    link('north-america', 'ap-south-1', 110),
    // A fault slowed Europe's nearest link: proximity is the topology's, not the current delay.
    link('europe', 'us-east-1', 50),
    link('europe', 'eu-west-1', 12, 500),
    link('europe', 'ap-south-1', 60),
    { ...link('us-east-1', 'eu-west-1', 1), kind: 'region-region' },
  ],
  replication: { regions: [], pairs: [] },
  traffic: null,
} as unknown as WorldStatus;

describe('targetFromStatus', () => {
  test('entries, regions and locations from the status document', () => {
    const target = targetFromStatus(status);
    assert.deepEqual(target.dns, { host: '127.0.0.1', port: 21002, hostname: 'app.example.com' });
    assert.deepEqual(target.accelerator, { host: '127.0.0.1', port: 21003 });
    assert.equal(target.table, gamedayTable);
    assert.deepEqual(target.regions, [
      { name: 'us-east-1', wanAddress: '127.0.1.2', dynamodbPort: 21010, loadBalancerPort: 21014 },
      { name: 'eu-west-1', wanAddress: '127.0.4.2', dynamodbPort: 21010, loadBalancerPort: 21014 },
      { name: 'ap-south-1', wanAddress: '127.0.6.2', dynamodbPort: 21010, loadBalancerPort: null },
    ]);
    assert.deepEqual(target.locations, [
      {
        name: 'north-america',
        addressRange: '127.1.0.0/16',
        regionsByProximity: ['us-east-1', 'eu-west-1', 'ap-south-1'],
      },
      {
        name: 'europe',
        addressRange: '127.3.0.0/16',
        regionsByProximity: ['eu-west-1', 'us-east-1', 'ap-south-1'],
      },
    ]);
  });

  test('options and missing entries', () => {
    const bare = {
      ...status,
      endpoints: { ...status.endpoints, dns: null, accelerator: null },
    } as WorldStatus;
    const target = targetFromStatus(bare, { hostname: 'shop.example.org', table: 'Other' });
    assert.equal(target.dns, null);
    assert.equal(target.accelerator, null);
    assert.equal(target.table, 'Other');
    assert.equal(
      targetFromStatus(status, { hostname: 'shop.example.org' }).dns?.hostname,
      'shop.example.org',
    );
  });
});

describe('clientAddress', () => {
  test('client i sits at range base + 10 + i, inside the range', () => {
    const europe = { name: 'europe', addressRange: '127.3.0.0/16' };
    assert.equal(clientAddress(europe, 0), '127.3.0.10');
    assert.equal(clientAddress(europe, 7), '127.3.0.17');
    assert.equal(clientAddress(europe, 300), '127.3.1.54');
    for (const range of ['127.1.0.0/16', '127.9.8.0/24', '127.20.0.0/28', '127.30.0.4/30']) {
      const cidr = parseCidr(range);
      assert.ok(cidr);
      const addresses = Array.from({ length: 50 }, (_, i) =>
        clientAddress({ name: 'x', addressRange: range }, i),
      );
      for (const address of addresses) assert.ok(cidrContains(cidr, address), `${address} in ${range}`);
    }
  });

  test('a bad range is an error naming the location', () => {
    assert.throws(() => clientAddress({ name: 'mars', addressRange: 'nope' }, 0), /mars/);
  });
});
