/**
 * Every Route 53 routing policy and its fail-open rules, asked with the real `dig` from every client
 * location of the default topology (`dig -b <address in the location's range>` is a client there).
 * The expected answers come from an oracle below that restates the documented rules on its own
 * (nearest region by the topology's RTTs, the location's continent/country, longest CIDR match,
 * PRIMARY before SECONDARY, ...); weighted and multivalue answers are checked for membership and
 * counts over repeated queries. Health rounds flip a controllable `isHealthy` map:
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-how-route-53-chooses-records.html
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-complex-configs.html
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { dnsLocationsFromTopology, latencyFromTopology } from '../../../../src/traffic/dns/locations.js';
import { DnsServer } from '../../../../src/traffic/dns/server.js';
import type { CidrCollection, HostedZone, ResourceRecordSet } from '../../../../src/traffic/dns/types.js';
import { locationAddress } from '../../../../src/wan/client.js';
import { defaultTopology } from '../../../../src/world/topology/index.js';
import { awsRttTable } from '../../../../src/world/topology/rtt-table.js';
import type { LocationSpec } from '../../../../src/world/topology/types.js';

const run = promisify(execFile);
const topology = defaultTopology();
const zone = 'pangea.test';
const regions = topology.regions.map((region) => region.name);
const wanAddress = (region: string): string =>
  topology.regions.find((candidate) => candidate.name === region)?.wanAddress ?? '?';

// ---------------------------------------------------------------------------------------------
// The zone: one name per policy. `hc` is the health-check id a record carries.

interface Rec {
  id: string;
  value: string;
  hc?: string;
}

const latencyRecords: Array<Rec & { region: string }> = regions.map((region, index) => ({
  id: region,
  region,
  value: `10.0.2.${index + 1}`,
  hc: `lat-${region}`,
}));
const albHc = (region: string) => `alb-${region}`;

const weighted = {
  a: { id: 'a', value: '10.0.1.1', hc: 'w-a', weight: 3 },
  b: { id: 'b', value: '10.0.1.2', hc: 'w-b', weight: 1 },
  zero: { id: 'zero', value: '10.0.1.3', hc: 'w-zero', weight: 0 },
};
const failover = {
  primary: { id: 'primary', value: '10.0.3.1', hc: 'fo-p' },
  secondary: { id: 'secondary', value: '10.0.3.2', hc: 'fo-s' },
  primaryNoHc: { id: 'primary', value: '10.0.3.11', hc: 'fo-p' },
  secondaryNoHc: { id: 'secondary', value: '10.0.3.12' },
};
/** Geolocation records with the area they cover. */
const geo: Array<Rec & { continent?: string; country?: string }> = [
  { id: 'eu', continent: 'EU', value: '10.0.4.1', hc: 'geo-eu' },
  { id: 'jp', country: 'JP', value: '10.0.4.2', hc: 'geo-jp' },
  { id: 'us', country: 'US', value: '10.0.4.3', hc: 'geo-us' },
  { id: 'na', continent: 'NA', value: '10.0.4.4', hc: 'geo-na' },
  { id: 'default', country: '*', value: '10.0.4.9', hc: 'geo-default' },
];
const geoNoDefault: Array<Rec & { continent?: string; country?: string }> = [
  { id: 'eu', continent: 'EU', value: '10.0.5.1', hc: 'geo-eu' },
  { id: 'in', country: 'IN', value: '10.0.5.2', hc: 'geo-in' },
];
const multivalue: Rec[] = Array.from({ length: 10 }, (_, index) => ({
  id: `mv-${index}`,
  value: `10.0.6.${index + 1}`,
  hc: `mv-${index}`,
}));
const collectionId = '0c0ffee0-0000-4000-8000-00000000c1d2';
const cidrCollections: CidrCollection[] = [
  {
    Id: collectionId,
    Name: 'client-ranges',
    Locations: [
      { LocationName: 'europe-range', CidrList: ['127.3.0.0/16'] },
      { LocationName: 'berlin-office', CidrList: ['127.3.7.0/24'] },
      { LocationName: 'asia-ranges', CidrList: ['127.4.0.0/16', '127.5.0.0/16'] },
    ],
  },
];
const ipBased: Array<Rec & { cidrs: string[] }> = [
  { id: 'europe-range', cidrs: ['127.3.0.0/16'], value: '10.0.7.1', hc: 'ip-eu' },
  { id: 'berlin-office', cidrs: ['127.3.7.0/24'], value: '10.0.7.2' },
  { id: 'asia-ranges', cidrs: ['127.4.0.0/16', '127.5.0.0/16'], value: '10.0.7.3', hc: 'ip-asia' },
  { id: '*', cidrs: [], value: '10.0.7.9', hc: 'ip-default' },
];
const albTtl = 7;
const recordTtl = 30;

const name = (label: string) => `${label}.${zone}`;
const withHc = (hc: string | undefined) => (hc ? { HealthCheckId: hc } : {});

const recordSets: ResourceRecordSet[] = [
  {
    Name: name('simple'),
    Type: 'A',
    TTL: recordTtl,
    ResourceRecords: [{ Value: '10.0.0.1' }, { Value: '10.0.0.2' }],
  },
  ...Object.values(weighted).map((record) => ({
    Name: name('weighted'),
    Type: 'A' as const,
    TTL: recordTtl,
    SetIdentifier: record.id,
    Weight: record.weight,
    ResourceRecords: [{ Value: record.value }],
    ...withHc(record.hc),
  })),
  ...latencyRecords.map((record) => ({
    Name: name('latency'),
    Type: 'A' as const,
    TTL: recordTtl,
    SetIdentifier: record.id,
    Region: record.region,
    ResourceRecords: [{ Value: record.value }],
    ...withHc(record.hc),
  })),
  ...(
    [
      ['failover', failover.primary, 'PRIMARY'],
      ['failover', failover.secondary, 'SECONDARY'],
      ['failover-nohc', failover.primaryNoHc, 'PRIMARY'],
      ['failover-nohc', failover.secondaryNoHc, 'SECONDARY'],
    ] as const
  ).map(([label, record, role]) => ({
    Name: name(label),
    Type: 'A' as const,
    TTL: recordTtl,
    SetIdentifier: record.id,
    Failover: role,
    ResourceRecords: [{ Value: record.value }],
    ...withHc((record as Rec).hc),
  })),
  ...(
    [
      ['geo', geo],
      ['geo-nodefault', geoNoDefault],
    ] as const
  ).flatMap(([label, records]) =>
    records.map((record) => ({
      Name: name(label),
      Type: 'A' as const,
      TTL: recordTtl,
      SetIdentifier: record.id,
      GeoLocation: record.continent
        ? { ContinentCode: record.continent as 'EU' | 'NA' }
        : { CountryCode: record.country as string },
      ResourceRecords: [{ Value: record.value }],
      ...withHc(record.hc),
    })),
  ),
  ...multivalue.map((record) => ({
    Name: name('multi'),
    Type: 'A' as const,
    TTL: recordTtl,
    SetIdentifier: record.id,
    MultiValueAnswer: true,
    ResourceRecords: [{ Value: record.value }],
    ...withHc(record.hc),
  })),
  ...ipBased.map((record) => ({
    Name: name('ip'),
    Type: 'A' as const,
    TTL: recordTtl,
    SetIdentifier: record.id,
    CidrRoutingConfig: { CollectionId: collectionId, LocationName: record.id },
    ResourceRecords: [{ Value: record.value }],
    ...withHc(record.hc),
  })),
  // Latency aliases to per-region "load balancers" that carry the region's health check.
  ...regions.map((region) => ({
    Name: name('alias'),
    Type: 'A' as const,
    SetIdentifier: region,
    Region: region,
    AliasTarget: { DNSName: name(`${region}-alb`), EvaluateTargetHealth: true },
  })),
  ...regions.map((region) => ({
    Name: name(`${region}-alb`),
    Type: 'A' as const,
    TTL: albTtl,
    ResourceRecords: [{ Value: wanAddress(region) }],
    HealthCheckId: albHc(region),
  })),
  {
    Name: name('alias-noeval'),
    Type: 'A',
    AliasTarget: { DNSName: name('eu-west-1-alb'), EvaluateTargetHealth: false },
  },
];
const hostedZone: HostedZone = { Name: zone, ResourceRecordSets: recordSets };

const allHealthCheckIds = [
  ...new Set(recordSets.flatMap((record) => (record.HealthCheckId ? [record.HealthCheckId] : []))),
];

// ---------------------------------------------------------------------------------------------
// The oracle: Route 53's documented rules, restated without the server's code.

type Unhealthy = ReadonlySet<string>;
const healthy = (record: Rec, unhealthy: Unhealthy) => record.hc === undefined || !unhealthy.has(record.hc);

/** Ordered policies: the best applicable healthy record; none healthy → the best one (fail open). */
function firstHealthyOrFailOpen<T extends Rec>(candidates: T[], unhealthy: Unhealthy): T | undefined {
  return candidates.find((record) => healthy(record, unhealthy)) ?? candidates[0];
}

/** Client RTT = the location's access RTT + the table's RTT from its anchor region (or explicit). */
function rttMs(location: LocationSpec, region: string): number {
  const explicit = location.rttMs?.[region];
  if (explicit !== undefined) return explicit;
  return location.accessRttMs + awsRttTable().rttMs(location.anchorRegion as string, region);
}

const byRtt = (location: LocationSpec) => (a: string, b: string) => rttMs(location, a) - rttMs(location, b);

function expectedLatency(location: LocationSpec, unhealthy: Unhealthy): string {
  const ordered = [...latencyRecords].sort((a, b) => byRtt(location)(a.region, b.region));
  return firstHealthyOrFailOpen(ordered, unhealthy)?.value ?? '';
}

function expectedAlias(location: LocationSpec, unhealthy: Unhealthy): string {
  const ordered = [...regions]
    .sort(byRtt(location))
    .map((region) => ({ id: region, value: wanAddress(region), hc: albHc(region) }));
  return firstHealthyOrFailOpen(ordered, unhealthy)?.value ?? '';
}

function expectedFailover(unhealthy: Unhealthy, withSecondaryCheck: boolean): string {
  const [primary, secondary] = withSecondaryCheck
    ? [failover.primary, failover.secondary]
    : [failover.primaryNoHc, failover.secondaryNoHc];
  return firstHealthyOrFailOpen<Rec>([primary, secondary], unhealthy)?.value ?? '';
}

/** Country, then continent, then the `*` default; undefined = no record applies (NODATA). */
function expectedGeo(
  records: Array<Rec & { continent?: string; country?: string }>,
  location: LocationSpec,
  unhealthy: Unhealthy,
): string | undefined {
  const country = records.filter((record) => record.country === location.country);
  const continent = records.filter((record) => record.continent === location.continent);
  const fallback = records.filter((record) => record.country === '*');
  return firstHealthyOrFailOpen([...country, ...continent, ...fallback], unhealthy)?.value;
}

function prefixLength(cidr: string): number {
  return Number(cidr.split('/')[1]);
}
function cidrHolds(cidr: string, address: string): boolean {
  const [base, bits] = cidr.split('/') as [string, string];
  const toInt = (text: string) => text.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(toInt(base) / size) === Math.floor(toInt(address) / size);
}

/** Longest matching CIDR block first, the `*` record last. */
function expectedIp(address: string, unhealthy: Unhealthy): string | undefined {
  const longest = (record: (typeof ipBased)[number]) =>
    Math.max(...record.cidrs.filter((cidr) => cidrHolds(cidr, address)).map(prefixLength));
  const matching = ipBased
    .filter((record) => record.cidrs.some((cidr) => cidrHolds(cidr, address)))
    .sort((a, b) => longest(b) - longest(a));
  const fallback = ipBased.filter((record) => record.id === '*');
  return firstHealthyOrFailOpen([...matching, ...fallback], unhealthy)?.value;
}

/** Weighted: the records that may answer, and their expected shares. */
function expectedWeighted(unhealthy: Unhealthy): Map<string, number> {
  const all = Object.values(weighted);
  const nonZero = all.filter((record) => record.weight > 0);
  const healthyNonZero = nonZero.filter((record) => healthy(record, unhealthy));
  const healthyZero = all.filter((record) => record.weight === 0 && healthy(record, unhealthy));
  // Zero weights count only when every non-zero record is unhealthy; all unhealthy → fail open by weight.
  const pool =
    healthyNonZero.length > 0
      ? healthyNonZero
      : healthyZero.length > 0
        ? healthyZero.map((record) => ({ ...record, weight: 1 }))
        : nonZero;
  const total = pool.reduce((sum, record) => sum + record.weight, 0);
  return new Map(pool.map((record) => [record.value, record.weight / total]));
}

/** Multivalue: the pool answers come from and how many each answer holds (at most 8). */
function expectedMultivalue(unhealthy: Unhealthy): { pool: Set<string>; count: number } {
  const healthyRecords = multivalue.filter((record) => healthy(record, unhealthy));
  const pool = healthyRecords.length > 0 ? healthyRecords : multivalue;
  return { pool: new Set(pool.map((record) => record.value)), count: Math.min(8, pool.length) };
}

// ---------------------------------------------------------------------------------------------
// dig: one process per client address, many queries each.

interface DigAnswer {
  status: string;
  name: string;
  values: string[];
  ttls: number[];
}

let port = 0;

/** `dig -b <from> q1 A q2 A ...`; one parsed answer per query, in order. */
async function digBatch(from: string, names: string[]): Promise<DigAnswer[]> {
  const { stdout } = await run(
    '/usr/bin/dig',
    [
      '@127.0.0.1',
      '-p',
      String(port),
      '-b',
      from,
      '+time=2',
      '+tries=2',
      '+noall',
      '+comments',
      '+answer',
      ...names.flatMap((queryName) => [queryName, 'A']),
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const answers = stdout
    .split(';; Got answer:')
    .slice(1)
    .map((section, index) => {
      const status = /status: (\w+)/.exec(section)?.[1] ?? '?';
      const lines = section.split('\n').filter((line) => line.trim() !== '' && !line.startsWith(';'));
      const fields = lines.map((line) => line.trim().split(/\s+/));
      for (const field of fields) assert.equal(field[0], `${names[index]}.`, `answer owner in ${section}`);
      return {
        status,
        name: names[index] as string,
        values: fields.map((field) => field[4] as string),
        ttls: fields.map((field) => Number(field[1])),
      };
    });
  assert.equal(answers.length, names.length, `dig from ${from} answered every query`);
  return answers;
}

const clients = topology.locations.map((location) => ({ location, address: locationAddress(location, 7) }));
/** In europe's range and in the narrower berlin-office CIDR block. */
const officeAddress = '127.3.7.5';

const weightedRepeats = 40;
const multiRepeats = 12;
const deterministicNames = [
  'simple',
  'latency',
  'failover',
  'failover-nohc',
  'geo',
  'geo-nodefault',
  'ip',
  'alias',
  'alias-noeval',
  'eu-west-1-alb',
].map(name);
const roundNames = [
  ...deterministicNames,
  ...Array.from({ length: weightedRepeats }, () => name('weighted')),
  ...Array.from({ length: multiRepeats }, () => name('multi')),
];

const unhealthy = new Set<string>();
let server: DnsServer;

interface RoundResult {
  /** Weighted answers over every location, value → count. */
  weightedCounts: Map<string, number>;
  multiSeen: Set<string>;
}

/** Queries every name from every location (and the office address) and checks each answer. */
async function checkRound(): Promise<RoundResult> {
  const weightedCounts = new Map<string, number>();
  const multiSeen = new Set<string>();
  const results = await Promise.all(
    clients.map(async ({ location, address }) => ({
      location,
      address,
      answers: await digBatch(address, roundNames),
    })),
  );
  for (const { location, address, answers } of results) {
    const where = `${location.name} (${address}), unhealthy: [${[...unhealthy].join(', ')}]`;
    const one = (label: string) => {
      const answer = answers.find((candidate) => candidate.name === name(label));
      assert.ok(answer, label);
      assert.equal(answer.status, 'NOERROR', `${label} from ${where}`);
      return answer;
    };
    const single = (label: string, expected: string | undefined) =>
      assert.deepEqual(one(label).values, expected === undefined ? [] : [expected], `${label} from ${where}`);

    assert.deepEqual(one('simple').values.sort(), ['10.0.0.1', '10.0.0.2'], `simple from ${where}`);
    single('latency', expectedLatency(location, unhealthy));
    single('failover', expectedFailover(unhealthy, true));
    single('failover-nohc', expectedFailover(unhealthy, false));
    single('geo', expectedGeo(geo, location, unhealthy));
    single('geo-nodefault', expectedGeo(geoNoDefault, location, unhealthy));
    single('ip', expectedIp(address, unhealthy));
    single('alias', expectedAlias(location, unhealthy));
    // An alias answers with its target's TTL.
    assert.deepEqual(one('alias').ttls, [albTtl], `alias TTL from ${where}`);
    // Without EvaluateTargetHealth the alias ignores the target's health; a simple record is always answered.
    single('alias-noeval', wanAddress('eu-west-1'));
    single('eu-west-1-alb', wanAddress('eu-west-1'));

    const allowedWeighted = expectedWeighted(unhealthy);
    for (const answer of answers.filter((candidate) => candidate.name === name('weighted'))) {
      assert.equal(answer.values.length, 1, `weighted from ${where}`);
      const value = answer.values[0] as string;
      assert.ok(allowedWeighted.has(value), `weighted ${value} from ${where}`);
      weightedCounts.set(value, (weightedCounts.get(value) ?? 0) + 1);
    }
    const { pool, count } = expectedMultivalue(unhealthy);
    for (const answer of answers.filter((candidate) => candidate.name === name('multi'))) {
      assert.equal(answer.values.length, count, `multivalue count from ${where}: ${answer.values}`);
      assert.equal(new Set(answer.values).size, count, `multivalue answers distinct from ${where}`);
      for (const value of answer.values) {
        assert.ok(pool.has(value), `multivalue ${value} from ${where}`);
        multiSeen.add(value);
      }
    }
  }
  // The office block is inside europe's range: the longest CIDR match wins.
  const [office] = await digBatch(officeAddress, [name('ip')]);
  assert.deepEqual(office?.values, [expectedIp(officeAddress, unhealthy)], 'ip from the office block');
  return { weightedCounts, multiSeen };
}

/** Weighted shares over all locations within a wide band (≥ 6 standard deviations). */
function assertShares(counts: Map<string, number>, unhealthyNow: Unhealthy): void {
  const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
  assert.equal(total, weightedRepeats * clients.length);
  for (const [value, share] of expectedWeighted(unhealthyNow)) {
    const expected = share * total;
    const slack = 6 * Math.sqrt(total * share * (1 - share)) + 1;
    const seen = counts.get(value) ?? 0;
    assert.ok(
      Math.abs(seen - expected) <= slack,
      `weighted ${value}: ${seen} of ${total}, expected ~${expected}`,
    );
  }
}

function setUnhealthy(ids: string[]): void {
  unhealthy.clear();
  for (const id of ids) unhealthy.add(id);
}

describe('Route 53 routing policies and fail-open rules, dig from every location', () => {
  before(async () => {
    // A free port in 21500-21599 (other test runs may hold some).
    const first = 21500 + (process.pid % 100);
    for (let attempt = 0; attempt < 100 && !server; attempt++) {
      const candidate = new DnsServer({
        port: 21500 + ((first - 21500 + attempt) % 100),
        zones: [hostedZone],
        cidrCollections,
        locations: dnsLocationsFromTopology(topology),
        latencyMs: latencyFromTopology(topology),
        isHealthy: (id) => !unhealthy.has(id),
      });
      try {
        port = (await candidate.start()).port;
        server = candidate;
      } catch {
        // taken: try the next one
      }
    }
    assert.ok(server, 'a free port in 21500-21599');
  });
  after(async () => {
    await server?.stop();
  });

  test('the oracle is not trivial: locations differ in nearest region, geo area and CIDR block', () => {
    const nearest = new Set(clients.map(({ location }) => expectedLatency(location, new Set())));
    assert.equal(nearest.size, regions.length, 'every region is somebody’s nearest');
    const geoAnswers = new Set(clients.map(({ location }) => expectedGeo(geo, location, new Set())));
    assert.ok(geoAnswers.size >= 4);
    assert.ok(clients.some(({ location }) => expectedGeo(geoNoDefault, location, new Set()) === undefined));
  });

  test('all healthy: each policy answers per its rules from every location', async () => {
    setUnhealthy([]);
    const { weightedCounts, multiSeen } = await checkRound();
    assert.equal(weightedCounts.get(weighted.zero.value), undefined, 'a zero weight is never used');
    assertShares(weightedCounts, unhealthy);
    assert.equal(multiSeen.size, multivalue.length, 'every multivalue record shows up');
  });

  test('unhealthy records are skipped: next region, secondary, larger area, default, other weights', async () => {
    setUnhealthy([
      'lat-eu-west-1',
      albHc('eu-west-1'),
      'fo-p',
      'w-a',
      'geo-us',
      'geo-eu',
      'geo-in',
      'ip-eu',
      'mv-0',
      'mv-1',
      'mv-2',
      'mv-3',
    ]);
    const { weightedCounts, multiSeen } = await checkRound();
    assert.deepEqual([...weightedCounts.keys()], [weighted.b.value]);
    assert.equal(multiSeen.size, 6);
  });

  test('only fallbacks left: zero weights used, the last region, the default; secondary without check', async () => {
    setUnhealthy([
      'lat-eu-west-1',
      'lat-us-east-1',
      albHc('eu-west-1'),
      albHc('us-east-1'),
      'fo-p',
      'fo-s',
      'w-a',
      'w-b',
      'geo-us',
      'geo-na',
      'geo-jp',
      'ip-asia',
    ]);
    const { weightedCounts } = await checkRound();
    assert.deepEqual([...weightedCounts.keys()], [weighted.zero.value]);
  });

  test('all unhealthy: every policy fails open (failover → primary, multivalue → 8 unhealthy)', async () => {
    setUnhealthy(allHealthCheckIds);
    const { weightedCounts, multiSeen } = await checkRound();
    assert.equal(weightedCounts.get(weighted.zero.value), undefined, 'fail open answers by weight');
    assertShares(weightedCounts, unhealthy);
    assert.equal(multiSeen.size, multivalue.length);
  });

  test('recovery: every answer is back to the all-healthy one', async () => {
    setUnhealthy([]);
    await checkRound();
    const stats = server.stats;
    assert.equal(stats.byRcode.SERVFAIL ?? 0, 0);
    assert.equal(stats.dropped, 0);
  });
});
