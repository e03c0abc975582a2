import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Resolution, resolveQuery } from '../../../../src/traffic/dns/routing.js';
import type { ResourceRecordSet } from '../../../../src/traffic/dns/types.js';
import { cidrCollections, from, seedZone, world } from './fixtures.js';

const values = (resolution: Resolution) => resolution.answers.map((answer) => String(answer.data)).sort();
const aRecord = (name: string, value: string, extra: Partial<ResourceRecordSet> = {}): ResourceRecordSet => ({
  Name: name,
  Type: 'A',
  TTL: 30,
  ResourceRecords: [{ Value: value }],
  ...extra,
});

/** How often each value is answered over many seeded queries. */
function tally(
  records: ResourceRecordSet[],
  health: Record<string, boolean>,
  queries = 2000,
  name = 'w.example.com',
) {
  const testWorld = world([seedZone(records)], 42);
  for (const [id, healthy] of Object.entries(health)) testWorld.health.set(id, healthy);
  const counts = new Map<string, number>();
  for (let index = 0; index < queries; index++) {
    for (const value of values(resolveQuery(testWorld.env, name, 'A', from('127.1.0.9')))) {
      counts.set(value, (counts.get(value) ?? 0) + 1);
    }
  }
  return counts;
}

describe('latency routing (routing-policy-latency; seed route53-latency.json)', () => {
  test('each location gets its lowest-RTT region, through the alias to the region WAN face', () => {
    const { env } = world([seedZone()]);
    assert.deepEqual(values(resolveQuery(env, 'app.example.com', 'A', from('127.1.0.10'))), ['127.0.1.2']);
    assert.deepEqual(values(resolveQuery(env, 'app.example.com', 'A', from('127.3.0.10'))), ['127.0.2.2']);
    assert.deepEqual(values(resolveQuery(env, 'app.example.com', 'A', from('127.4.0.10'))), ['127.0.2.2']);
  });

  test('the alias answers with the owner name queried and the target TTL', () => {
    const { env } = world([seedZone()]);
    const resolution = resolveQuery(env, 'App.Example.com', 'A', from('127.1.0.10'));
    assert.deepEqual(resolution.answers, [
      { name: 'App.Example.com', type: 'A', ttlSeconds: 5, data: '127.0.1.2' },
    ]);
    assert.equal(resolution.rcode, 'NOERROR');
  });

  test('EvaluateTargetHealth: an unhealthy nearest region backs out to the next nearest', () => {
    const { env, health } = world([seedZone()]);
    health.set('hc-euw1', false);
    assert.deepEqual(values(resolveQuery(env, 'app.example.com', 'A', from('127.3.0.10'))), ['127.0.1.2']);
  });

  test('fail open: every region unhealthy → the lowest-RTT one anyway', () => {
    const { env, health } = world([seedZone()]);
    health.set('hc-euw1', false);
    health.set('hc-use1', false);
    assert.deepEqual(values(resolveQuery(env, 'app.example.com', 'A', from('127.3.0.10'))), ['127.0.2.2']);
    assert.deepEqual(values(resolveQuery(env, 'app.example.com', 'A', from('127.1.0.10'))), ['127.0.1.2']);
  });

  test('unknown health check ids count as healthy', () => {
    const { env, health } = world([seedZone()]);
    health.clear();
    assert.deepEqual(values(resolveQuery(env, 'app.example.com', 'A', from('127.3.0.10'))), ['127.0.2.2']);
  });

  test('EvaluateTargetHealth false: the target health is ignored', () => {
    const zone = seedZone();
    for (const record of zone.ResourceRecordSets) {
      if (record.AliasTarget) record.AliasTarget.EvaluateTargetHealth = false;
    }
    const { env, health } = world([zone]);
    health.set('hc-euw1', false);
    assert.deepEqual(values(resolveQuery(env, 'app.example.com', 'A', from('127.3.0.10'))), ['127.0.2.2']);
  });

  test('a source outside every range: zone order without a fallback, the fallback location with one', () => {
    assert.deepEqual(
      values(resolveQuery(world([seedZone()]).env, 'app.example.com', 'A', from('127.0.0.1'))),
      ['127.0.1.2'],
    );
    const withFallback = world([seedZone()], 7, 'europe');
    assert.deepEqual(values(resolveQuery(withFallback.env, 'app.example.com', 'A', from('127.0.0.1'))), [
      '127.0.2.2',
    ]);
  });

  test('ECS scope is the prefix of the location range that placed the client', () => {
    const { env } = world([seedZone()]);
    assert.equal(
      resolveQuery(env, 'app.example.com', 'A', { address: '127.3.9.0', prefixLength: 24 }).scopePrefixLength,
      16,
    );
    assert.equal(resolveQuery(env, 'us-east-1-alb.example.com', 'A', from('127.3.0.1')).scopePrefixLength, 0);
  });
});

describe('weighted routing (routing-policy-weighted; health-checks-how-route-53-chooses-records)', () => {
  const weighted = (id: string, weight: number, value: string, healthCheckId?: string) =>
    aRecord('w.example.com', value, {
      SetIdentifier: id,
      Weight: weight,
      ...(healthCheckId ? { HealthCheckId: healthCheckId } : {}),
    });

  test('traffic share follows weight / sum of weights (1:3)', () => {
    const counts = tally([weighted('a', 1, '10.0.0.1'), weighted('b', 3, '10.0.0.2')], {}, 4000);
    const share = (counts.get('10.0.0.1') ?? 0) / 4000;
    assert.ok(share > 0.21 && share < 0.29, `share of weight 1 was ${share}`);
  });

  test('all weights zero → equal shares', () => {
    const counts = tally([weighted('a', 0, '10.0.0.1'), weighted('b', 0, '10.0.0.2')], {}, 4000);
    const share = (counts.get('10.0.0.1') ?? 0) / 4000;
    assert.ok(share > 0.45 && share < 0.55, `share was ${share}`);
  });

  // The table in routing-policy-weighted: weights 1, 1, 0, all with health checks.
  const cases: Array<{ health: [boolean, boolean, boolean]; answered: string[] }> = [
    { health: [false, false, true], answered: ['10.0.0.3'] },
    { health: [false, false, false], answered: ['10.0.0.1', '10.0.0.2'] },
    { health: [false, true, false], answered: ['10.0.0.2'] },
    { health: [true, true, false], answered: ['10.0.0.1', '10.0.0.2'] },
    { health: [true, true, true], answered: ['10.0.0.1', '10.0.0.2'] },
  ];
  for (const { health, answered } of cases) {
    test(`weights 1,1,0 with health ${health.join(',')} → answers ${answered.join(' or ')}`, () => {
      const records = [
        weighted('one', 1, '10.0.0.1', 'hc1'),
        weighted('two', 1, '10.0.0.2', 'hc2'),
        weighted('zero', 0, '10.0.0.3', 'hc3'),
      ];
      const counts = tally(records, { hc1: health[0], hc2: health[1], hc3: health[2] }, 400);
      assert.deepEqual([...counts.keys()].sort(), answered);
    });
  }

  test('a zero-weight record without a health check takes over when the others fail', () => {
    const records = [weighted('one', 1, '10.0.0.1', 'hc1'), weighted('zero', 0, '10.0.0.3')];
    assert.deepEqual([...tally(records, { hc1: false }, 200).keys()], ['10.0.0.3']);
  });

  test('an alias to a weighted group is healthy while any member is', () => {
    const records = [
      weighted('one', 1, '10.0.0.1', 'hc1'),
      weighted('two', 1, '10.0.0.2', 'hc2'),
      aRecord('fo.example.com', '', {
        TTL: undefined,
        ResourceRecords: undefined,
        SetIdentifier: 'p',
        Failover: 'PRIMARY',
        AliasTarget: { DNSName: 'w.example.com', EvaluateTargetHealth: true },
      }),
      aRecord('fo.example.com', '192.0.2.99', { SetIdentifier: 's', Failover: 'SECONDARY' }),
    ];
    assert.deepEqual([...tally(records, { hc1: false }, 100, 'fo.example.com').keys()], ['10.0.0.2']);
    assert.deepEqual(
      [...tally(records, { hc1: false, hc2: false }, 100, 'fo.example.com').keys()],
      ['192.0.2.99'],
    );
  });

  test('same seed, same answers', () => {
    const records = [weighted('a', 1, '10.0.0.1'), weighted('b', 1, '10.0.0.2')];
    const run = () => {
      const { env } = world([seedZone(records)], 99);
      return Array.from(
        { length: 50 },
        () => values(resolveQuery(env, 'w.example.com', 'A', from('127.1.0.1')))[0],
      );
    };
    assert.deepEqual(run(), run());
  });
});

describe('failover routing (routing-policy-failover; dns-failover-complex-configs)', () => {
  const cases: Array<{
    name: string;
    primary?: boolean;
    secondary?: boolean;
    secondaryCheck: boolean;
    expect: string;
  }> = [
    {
      name: 'primary healthy → primary',
      primary: true,
      secondary: true,
      secondaryCheck: true,
      expect: '10.0.1.1',
    },
    {
      name: 'primary unhealthy → secondary',
      primary: false,
      secondary: true,
      secondaryCheck: true,
      expect: '10.0.1.2',
    },
    {
      name: 'both unhealthy → primary',
      primary: false,
      secondary: false,
      secondaryCheck: true,
      expect: '10.0.1.1',
    },
    {
      name: 'secondary without a health check is always healthy',
      primary: false,
      secondaryCheck: false,
      expect: '10.0.1.2',
    },
  ];
  for (const testCase of cases) {
    test(testCase.name, () => {
      const records = [
        aRecord('f.example.com', '10.0.1.1', {
          SetIdentifier: 'p',
          Failover: 'PRIMARY',
          HealthCheckId: 'hp',
        }),
        aRecord('f.example.com', '10.0.1.2', {
          SetIdentifier: 's',
          Failover: 'SECONDARY',
          ...(testCase.secondaryCheck ? { HealthCheckId: 'hs' } : {}),
        }),
      ];
      const { env, health } = world([seedZone(records)]);
      if (testCase.primary !== undefined) health.set('hp', testCase.primary);
      if (testCase.secondary !== undefined) health.set('hs', testCase.secondary);
      assert.deepEqual(values(resolveQuery(env, 'f.example.com', 'A', from('127.1.0.1'))), [testCase.expect]);
    });
  }
});

describe('geolocation routing (routing-policy-geo)', () => {
  const geo = (
    id: string,
    value: string,
    location: ResourceRecordSet['GeoLocation'],
    healthCheckId?: string,
  ) =>
    aRecord('g.example.com', value, {
      SetIdentifier: id,
      GeoLocation: location,
      ...(healthCheckId ? { HealthCheckId: healthCheckId } : {}),
    });
  const records = [
    geo('us-va', '10.0.2.1', { CountryCode: 'US', SubdivisionCode: 'VA' }, 'h-va'),
    geo('us', '10.0.2.2', { CountryCode: 'US' }, 'h-us'),
    geo('na', '10.0.2.3', { ContinentCode: 'NA' }, 'h-na'),
    geo('eu', '10.0.2.4', { ContinentCode: 'EU' }),
    geo('default', '10.0.2.9', { CountryCode: '*' }),
  ];
  const cases: Array<{ source: string; down?: string[]; expect: string; why: string }> = [
    { source: '127.1.0.1', expect: '10.0.2.1', why: 'subdivision beats country' },
    { source: '127.7.0.1', expect: '10.0.2.2', why: 'country beats continent' },
    { source: '127.8.0.1', expect: '10.0.2.3', why: 'continent when no country record' },
    { source: '127.3.0.1', expect: '10.0.2.4', why: 'continent' },
    { source: '127.4.0.1', expect: '10.0.2.9', why: 'default for unmatched locations' },
    { source: '127.0.0.1', expect: '10.0.2.9', why: 'default for unknown addresses' },
    {
      source: '127.1.0.1',
      down: ['h-va'],
      expect: '10.0.2.2',
      why: 'unhealthy subdivision backs out to country',
    },
    { source: '127.1.0.1', down: ['h-va', 'h-us'], expect: '10.0.2.3', why: 'then to the continent' },
    { source: '127.1.0.1', down: ['h-va', 'h-us', 'h-na'], expect: '10.0.2.9', why: 'then to the default' },
  ];
  for (const testCase of cases) {
    test(`${testCase.source}${testCase.down ? ` (${testCase.down.join(',')} down)` : ''}: ${testCase.why}`, () => {
      const { env, health } = world([seedZone(records)]);
      for (const id of testCase.down ?? []) health.set(id, false);
      assert.deepEqual(values(resolveQuery(env, 'g.example.com', 'A', from(testCase.source))), [
        testCase.expect,
      ]);
    });
  }

  test('no match and no default → NODATA with the SOA', () => {
    const { env } = world([seedZone(records.slice(0, 4))]);
    const resolution = resolveQuery(env, 'g.example.com', 'A', from('127.4.0.1'));
    assert.equal(resolution.rcode, 'NOERROR');
    assert.deepEqual(resolution.answers, []);
    assert.equal(resolution.authorities[0]?.type, 'SOA');
  });

  test('all matching records unhealthy → fail open to the most specific', () => {
    const { env, health } = world([seedZone(records.slice(0, 3))]);
    for (const id of ['h-va', 'h-us', 'h-na']) health.set(id, false);
    assert.deepEqual(values(resolveQuery(env, 'g.example.com', 'A', from('127.1.0.1'))), ['10.0.2.1']);
  });
});

describe('multivalue answer routing (routing-policy-multivalue)', () => {
  const records = Array.from({ length: 12 }, (_, index) =>
    aRecord('m.example.com', `10.0.3.${index + 1}`, {
      SetIdentifier: `m${index}`,
      MultiValueAnswer: true,
      HealthCheckId: `hm${index}`,
    }),
  );
  const answer = (down: number[]) => {
    const { env, health } = world([seedZone(records)], 3);
    for (const index of down) health.set(`hm${index}`, false);
    return values(resolveQuery(env, 'm.example.com', 'A', from('127.1.0.1')));
  };

  test('more than eight healthy → eight of them', () => {
    assert.equal(answer([]).length, 8);
  });

  test('eight or fewer healthy → all healthy ones, no unhealthy one', () => {
    const result = answer([0, 1, 2, 3, 4, 5]);
    assert.deepEqual(result, ['10.0.3.10', '10.0.3.11', '10.0.3.12', '10.0.3.7', '10.0.3.8', '10.0.3.9']);
  });

  test('all unhealthy → up to eight unhealthy ones', () => {
    assert.equal(answer(records.map((_, index) => index)).length, 8);
  });
});

describe('IP-based routing (routing-policy-ipbased)', () => {
  const collection = cidrCollections[0]?.Id ?? '';
  const ip = (location: string, value: string) =>
    aRecord('ip.example.com', value, {
      SetIdentifier: location,
      CidrRoutingConfig: { CollectionId: collection, LocationName: location },
    });

  test('longest matching CIDR block wins, the default catches the rest', () => {
    const { env } = world([
      seedZone([ip('europe-wide', '10.0.4.1'), ip('berlin-office', '10.0.4.2'), ip('*', '10.0.4.9')]),
    ]);
    assert.deepEqual(values(resolveQuery(env, 'ip.example.com', 'A', from('127.3.7.20'))), ['10.0.4.2']);
    assert.deepEqual(values(resolveQuery(env, 'ip.example.com', 'A', from('127.3.8.20'))), ['10.0.4.1']);
    assert.deepEqual(values(resolveQuery(env, 'ip.example.com', 'A', from('127.1.0.1'))), ['10.0.4.9']);
  });

  test('a /0 block matches everything, longer blocks still win', () => {
    const { env } = world([seedZone([ip('everything', '10.0.4.5'), ip('berlin-office', '10.0.4.2')])]);
    assert.deepEqual(values(resolveQuery(env, 'ip.example.com', 'A', from('127.1.0.1'))), ['10.0.4.5']);
    assert.deepEqual(values(resolveQuery(env, 'ip.example.com', 'A', from('127.3.7.1'))), ['10.0.4.2']);
  });

  test('no match, no default → NODATA; ECS scope is the source prefix', () => {
    const { env } = world([seedZone([ip('berlin-office', '10.0.4.2')])]);
    const resolution = resolveQuery(env, 'ip.example.com', 'A', { address: '127.1.0.0', prefixLength: 24 });
    assert.deepEqual(resolution.answers, []);
    assert.equal(resolution.scopePrefixLength, 24);
  });
});

describe('names, CNAMEs and response codes', () => {
  const extra: ResourceRecordSet[] = [
    aRecord('plain.example.com', '10.0.5.1', {
      ResourceRecords: [{ Value: '10.0.5.1' }, { Value: '10.0.5.2' }],
    }),
    { Name: 'www.example.com', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'app.example.com' }] },
    {
      Name: 'ext.example.com',
      Type: 'CNAME',
      TTL: 60,
      ResourceRecords: [{ Value: 'elsewhere.example.org' }],
    },
    {
      Name: 'dangling.example.com',
      Type: 'CNAME',
      TTL: 60,
      ResourceRecords: [{ Value: 'missing.example.com' }],
    },
    aRecord('deep.under.example.com', '10.0.5.3'),
    { Name: 'example.com', Type: 'TXT', TTL: 60, ResourceRecords: [{ Value: '"v=spf1 -all" "second"' }] },
    { Name: 'example.com', Type: 'MX', TTL: 60, ResourceRecords: [{ Value: '10 mail.example.com' }] },
  ];

  test('simple records answer every value', () => {
    const { env } = world([seedZone(extra)]);
    assert.deepEqual(values(resolveQuery(env, 'plain.example.com', 'A', from('127.1.0.1'))), [
      '10.0.5.1',
      '10.0.5.2',
    ]);
  });

  test('CNAMEs are chased inside our zones, through routing', () => {
    const { env } = world([seedZone(extra)]);
    const resolution = resolveQuery(env, 'www.example.com', 'A', from('127.3.0.1'));
    assert.deepEqual(
      resolution.answers.map((answer) => [answer.name, answer.type, answer.data]),
      [
        ['www.example.com', 'CNAME', 'app.example.com'],
        ['app.example.com', 'A', '127.0.2.2'],
      ],
    );
  });

  test('a CNAME leaving our zones stops there; one to a missing name gives NXDOMAIN', () => {
    const { env } = world([seedZone(extra)]);
    const out = resolveQuery(env, 'ext.example.com', 'A', from('127.1.0.1'));
    assert.equal(out.rcode, 'NOERROR');
    assert.equal(out.answers.length, 1);
    const dangling = resolveQuery(env, 'dangling.example.com', 'A', from('127.1.0.1'));
    assert.equal(dangling.rcode, 'NXDOMAIN');
    assert.equal(dangling.answers[0]?.type, 'CNAME');
  });

  test('NXDOMAIN vs NODATA (empty non-terminals exist), with SOA at the negative TTL', () => {
    const { env } = world([seedZone(extra)]);
    assert.equal(resolveQuery(env, 'nope.example.com', 'A', from('127.1.0.1')).rcode, 'NXDOMAIN');
    const emptyNonTerminal = resolveQuery(env, 'under.example.com', 'A', from('127.1.0.1'));
    assert.equal(emptyNonTerminal.rcode, 'NOERROR');
    assert.equal(emptyNonTerminal.authorities[0]?.ttlSeconds, 900);
    assert.equal(resolveQuery(env, 'plain.example.com', 'AAAA', from('127.1.0.1')).rcode, 'NOERROR');
  });

  test('other zones are REFUSED; apex SOA and NS are synthesized', () => {
    const { env } = world([seedZone(extra)]);
    assert.equal(resolveQuery(env, 'example.org', 'A', from('127.1.0.1')).rcode, 'REFUSED');
    assert.equal(resolveQuery(env, 'example.com', 'SOA', from('127.1.0.1')).answers[0]?.type, 'SOA');
    assert.deepEqual(values(resolveQuery(env, 'example.com', 'NS', from('127.1.0.1'))), ['ns1.example.com']);
  });

  test('TXT and MX values are parsed from Route 53 text form', () => {
    const { env } = world([seedZone(extra)]);
    assert.deepEqual(resolveQuery(env, 'example.com', 'TXT', from('127.1.0.1')).answers[0]?.data, [
      'v=spf1 -all',
      'second',
    ]);
    assert.deepEqual(resolveQuery(env, 'example.com', 'MX', from('127.1.0.1')).answers[0]?.data, {
      preference: 10,
      exchange: 'mail.example.com',
    });
  });
});
