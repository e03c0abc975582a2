import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPangeaError } from '../../../../src/shared/errors.js';
import { resolveHealthCheck } from '../../../../src/traffic/health/resolve.js';
import {
  formatProblemPath,
  healthCheckProblems,
  parseHealthChecks,
} from '../../../../src/traffic/health/validate.js';
import { testTopology } from './support.js';

const topology = testTopology({ locations: 4 });

function messages(input: unknown): string[] {
  return healthCheckProblems(input, topology).map((p) => `${formatProblemPath(p.path)}: ${p.message}`);
}

const ok = { Id: 'eu', Type: 'HTTP', TargetRegion: 'eu-west-1' };

test('a valid list passes and is returned as is', () => {
  const checks = [ok, { Id: 'tcp', Type: 'TCP', IPAddress: '127.0.1.2', Port: 20001 }];
  assert.deepEqual(parseHealthChecks(checks, topology), checks);
});

test("Route 53's limits, each naming the field", () => {
  assert.deepEqual(
    messages([
      ok,
      ok,
      {
        Id: 'x',
        Type: 'HTTP',
        TargetRegion: 'eu-west-1',
        FailureThreshold: 11,
        RequestInterval: 15,
        Regions: ['loc1', 'loc2'],
        SerchString: 'a',
      },
    ]),
    [
      'healthChecks[2].SerchString: unknown field "SerchString"; did you mean SearchString?',
      'healthChecks[2].RequestInterval: must be one of 10, 30',
      'healthChecks[2].FailureThreshold: must be between 1 and 10',
      'healthChecks[2].Regions: must list at least 3',
    ],
  );
  assert.deepEqual(
    messages([{ Id: 'a', Type: 'HTTP_STR_MATCH', TargetRegion: 'eu-west-1', SearchString: 'x'.repeat(256) }]),
    ['healthChecks[0].SearchString: must be 1 to 255 characters long'],
  );
  assert.deepEqual(messages([{ Type: 'PING' }]), [
    'healthChecks[0]: missing required field "Id"',
    'healthChecks[0].Type: must be one of HTTP, HTTPS, HTTP_STR_MATCH, HTTPS_STR_MATCH, TCP, CALCULATED, CLOUDWATCH_METRIC, RECOVERY_CONTROL',
  ]);
  assert.deepEqual(messages({}), ['healthChecks: must be a list of health checks']);
});

test('rules across fields and against the world', () => {
  assert.deepEqual(
    messages([
      ok,
      { ...ok, Id: 'eu' },
      { Id: 'neither', Type: 'HTTP' },
      { Id: 'both', Type: 'HTTP', TargetRegion: 'eu-west-1', IPAddress: '127.0.4.1' },
      { Id: 'typo', Type: 'HTTP', TargetRegion: 'eu-west-2' },
      { Id: 'far', Type: 'HTTP', IPAddress: '10.0.0.1' },
      { Id: 'port', Type: 'TCP', TargetRegion: 'us-east-1', Port: 9999 },
      { Id: 'str', Type: 'HTTPS_STR_MATCH', TargetRegion: 'us-east-1' },
      {
        Id: 'misplaced',
        Type: 'TCP',
        TargetRegion: 'us-east-1',
        SearchString: 'x',
        ChildHealthChecks: ['eu'],
      },
      { Id: 'where', Type: 'HTTP', TargetRegion: 'us-east-1', Regions: ['loc1', 'us-east-1', 'mars'] },
    ]),
    [
      'healthChecks[1].Id: health check "eu" is defined twice',
      'healthChecks[2]: an endpoint check needs TargetRegion or IPAddress (127.0.<n>.1 or .2 of a region)',
      'healthChecks[3].IPAddress: give TargetRegion or IPAddress, not both',
      'healthChecks[4].TargetRegion: "eu-west-2" is not a region of this world; did you mean eu-west-1?',
      'healthChecks[5].IPAddress: "10.0.0.1" is not an address of a region of this world (127.0.<n>.1 or 127.0.<n>.2: us-east-1 127.0.1.1, eu-west-1 127.0.4.1)',
      'healthChecks[6].Port: us-east-1 has no service on port 9999 reachable through the WAN (20001, 20002, 20080)',
      'healthChecks[7]: a HTTPS_STR_MATCH check needs SearchString',
      'healthChecks[8].SearchString: does not apply to TCP checks (only HTTP_STR_MATCH, HTTPS_STR_MATCH)',
      'healthChecks[8].ChildHealthChecks: does not apply to TCP checks (only CALCULATED)',
      'healthChecks[9].Regions[1]: runs from location loc1, like Regions[0]',
      'healthChecks[9].Regions[2]: "mars" is neither a location of this world nor the anchor region of one',
    ],
  );
});

test('CALCULATED children must exist, differ from the parent and not be CALCULATED', () => {
  assert.deepEqual(
    messages([
      ok,
      {
        Id: 'calc',
        Type: 'CALCULATED',
        ChildHealthChecks: ['eu', 'eu', 'calc', 'ue', 'inner'],
        HealthThreshold: 1,
      },
      { Id: 'inner', Type: 'CALCULATED', ChildHealthChecks: ['eu'] },
      { Id: 'empty', Type: 'CALCULATED' },
      { Id: 'cw', Type: 'CLOUDWATCH_METRIC' },
    ]),
    [
      'healthChecks[1].ChildHealthChecks[1]: "eu" is listed twice',
      'healthChecks[1].ChildHealthChecks[2]: a check cannot be its own child',
      'healthChecks[1].ChildHealthChecks[3]: no health check "ue"; did you mean eu?',
      'healthChecks[1].ChildHealthChecks[4]: "inner" is CALCULATED; children must be other types',
      'healthChecks[3]: a CALCULATED check needs ChildHealthChecks',
      'healthChecks[4]: a CLOUDWATCH_METRIC check needs AlarmIdentifier',
    ],
  );
});

test("parseHealthChecks throws HealthCheckInvalid with every problem, under the caller's path", () => {
  assert.throws(
    () => parseHealthChecks([{ ...ok, FailureThreshold: 0 }], topology, ['body', 'checks']),
    (error: unknown) =>
      isPangeaError(error) &&
      error.code === 'HealthCheckInvalid' &&
      error.message === 'body.checks[0].FailureThreshold: must be between 1 and 10',
  );
});

test('resolution: target, Host header, checkers and the profile timing', () => {
  const fast = resolveHealthCheck(
    { Id: 'a', Type: 'HTTP', IPAddress: '127.0.4.1', ResourcePath: 'health' },
    topology,
  );
  assert.equal(fast.probe?.host, '127.0.4.2', 'always through the WAN face');
  assert.equal(fast.probe?.port, 20080, 'default: the load balancer');
  assert.equal(fast.probe?.hostHeader, '127.0.4.1:20080');
  assert.equal(fast.probe?.path, '/health');
  assert.deepEqual(fast.probe?.timeouts, {
    connectTimeoutMs: 500,
    responseTimeoutMs: 500,
    tcpConnectTimeoutMs: 1250,
  });
  assert.equal(fast.intervalMs, 1000);
  assert.equal(fast.failureThreshold, 2);
  assert.equal(fast.checkers.length, 4);
  const aws = resolveHealthCheck(
    {
      Id: 'b',
      Type: 'HTTPS',
      TargetRegion: 'us-east-1',
      FullyQualifiedDomainName: 'api.example.com',
      EnableSNI: true,
    },
    testTopology({ locations: 3, profile: 'aws-defaults' }),
  );
  assert.equal(aws.intervalMs, 30_000);
  assert.equal(aws.failureThreshold, 3);
  assert.equal(aws.probe?.hostHeader, 'api.example.com:20080');
  assert.equal(aws.probe?.servername, 'api.example.com');
  assert.deepEqual(aws.probe?.timeouts, {
    connectTimeoutMs: 4000,
    responseTimeoutMs: 2000,
    tcpConnectTimeoutMs: 10_000,
  });
});
