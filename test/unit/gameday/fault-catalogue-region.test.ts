/** Validation and plans of the region-side and traffic faults: stop-task, disrupt-connectivity, clock skew, flapping. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeUndo, type FaultPlan, planFault } from '../../../src/gameday/faults/catalogue.js';
import { PangeaError } from '../../../src/shared/errors.js';

const regions = ['us-east-1', 'eu-west-1', 'ap-south-1'];
const facts = { appInstances: { 'us-east-1': 2, 'eu-west-1': 3, 'ap-south-1': 0 } };

const plan = (action: string, parameters: Record<string, unknown>, withFacts = true): FaultPlan =>
  planFault({ action, parameters, durationMs: 1_000 }, regions, withFacts ? facts : {});

/** Asserts an InvalidFaultParameter whose message matches. */
function rejects(action: string, parameters: Record<string, unknown>, message: RegExp): void {
  assert.throws(
    () => plan(action, parameters),
    (error: unknown) =>
      error instanceof PangeaError && error.code === 'InvalidFaultParameter' && message.test(error.message),
    `${action} ${JSON.stringify(parameters)}`,
  );
}

test('aws:ecs:stop-task: all instances by default (named by number when the fleet size is known)', () => {
  const all = plan('aws:ecs:stop-task', { region: 'eu-west-1' });
  assert.deepEqual(all.parameters, { region: 'eu-west-1', instances: 3 });
  assert.deepEqual(all.effects, [{ kind: 'stop-app-instances', region: 'eu-west-1', instances: 3 }]);
  assert.match(describeUndo(all), /start the 3 stopped app instance\(s\) of eu-west-1 again/);
  const one = plan('aws:ecs:stop-task', { region: 'us-east-1', instances: 1 });
  assert.deepEqual(one.effects, [{ kind: 'stop-app-instances', region: 'us-east-1', instances: 1 }]);
  const unknownSize = plan('aws:ecs:stop-task', { region: 'us-east-1' }, false);
  assert.deepEqual(unknownSize.parameters, { region: 'us-east-1', instances: 'all' });
  assert.match(describeUndo(unknownSize), /start the stopped app instance\(s\) of us-east-1/);
  assert.deepEqual(plan('aws:ecs:stop-task', { region: 'us-east-1', instances: 'all' }).parameters, {
    region: 'us-east-1',
    instances: 2,
  });
});

test('aws:ecs:stop-task: bad instance counts and app-less regions are rejected', () => {
  rejects('aws:ecs:stop-task', { region: 'us-east-1', instances: 0 }, /from 1 to 2 .*runs 2 app instances/);
  rejects('aws:ecs:stop-task', { region: 'us-east-1', instances: 3 }, /from 1 to 2/);
  rejects('aws:ecs:stop-task', { region: 'us-east-1', instances: 1.5 }, /whole number/);
  rejects('aws:ecs:stop-task', { region: 'us-east-1', instances: '2' }, /whole number/);
  rejects('aws:ecs:stop-task', { region: 'ap-south-1' }, /runs no app instances/);
  rejects(
    'aws:ecs:stop-task',
    { region: 'us-east-1', count: 1 },
    /no parameter "count".*takes: region, instances/,
  );
  rejects('aws:ecs:stop-task', {}, /region must name a region/);
});

test('aws:network:disrupt-connectivity: only scope dynamodb, and it is required', () => {
  const disrupt = plan('aws:network:disrupt-connectivity', { region: 'us-east-1', scope: 'dynamodb' });
  assert.deepEqual(disrupt.parameters, { region: 'us-east-1', scope: 'dynamodb' });
  assert.deepEqual(disrupt.effects, [{ kind: 'disrupt-dynamodb', region: 'us-east-1' }]);
  assert.match(describeUndo(disrupt), /restore us-east-1's connectivity to its DynamoDB endpoint/);
  rejects('aws:network:disrupt-connectivity', { region: 'us-east-1' }, /scope is required/);
  rejects(
    'aws:network:disrupt-connectivity',
    { region: 'us-east-1', scope: 's3' },
    /"s3" is an FIS scope Pangea does not implement \(the only scope Pangea implements is dynamodb\)/,
  );
  rejects(
    'aws:network:disrupt-connectivity',
    { region: 'us-east-1', scope: 'dynamo' },
    /unknown scope "dynamo"; did you mean dynamodb\?/,
  );
  rejects(
    'aws:network:disrupt-connectivity',
    { region: 'eu-wst-1', scope: 'dynamodb' },
    /did you mean eu-west-1/,
  );
});

test('pangea:clock-skew: offset and drift with bounds; at least one of them', () => {
  const ahead = plan('pangea:clock-skew', { region: 'ap-south-1', offsetMilliseconds: 600_000 });
  assert.deepEqual(ahead.parameters, { region: 'ap-south-1', offsetMilliseconds: 600_000, driftPpm: 0 });
  assert.deepEqual(ahead.effects, [
    { kind: 'clock-skew', region: 'ap-south-1', offsetMs: 600_000, driftPpm: 0 },
  ]);
  assert.match(describeUndo(ahead), /back to real time .*never goes backwards/);
  const behindAndSlow = plan('pangea:clock-skew', {
    region: 'us-east-1',
    offsetMilliseconds: -3_600_000,
    driftPpm: -100_000,
  });
  assert.deepEqual(behindAndSlow.effects, [
    { kind: 'clock-skew', region: 'us-east-1', offsetMs: -3_600_000, driftPpm: -100_000 },
  ]);
  assert.deepEqual(plan('pangea:clock-skew', { region: 'us-east-1', driftPpm: 12.5 }).parameters, {
    region: 'us-east-1',
    offsetMilliseconds: 0,
    driftPpm: 12.5,
  });
  rejects('pangea:clock-skew', { region: 'us-east-1' }, /non-zero offsetMilliseconds or driftPpm/);
  rejects('pangea:clock-skew', { region: 'us-east-1', offsetMilliseconds: 0, driftPpm: 0 }, /non-zero/);
  rejects('pangea:clock-skew', { region: 'us-east-1', offsetMilliseconds: 3_600_001 }, /-3600000 to 3600000/);
  rejects('pangea:clock-skew', { region: 'us-east-1', offsetMilliseconds: 1.5 }, /whole number/);
  rejects('pangea:clock-skew', { region: 'us-east-1', driftPpm: -100_001 }, /-100000 to 100000/);
  rejects('pangea:clock-skew', { region: 'us-east-1', driftPpm: Number.NaN }, /driftPpm must be a number/);
  rejects(
    'pangea:clock-skew',
    { region: 'us-east-1', offsetMs: 5 },
    /no parameter "offsetMs".*takes: region, offsetMilliseconds, driftPpm/,
  );
});

test('pangea:health-check-flapping: period defaults to 2 s, at least 100 ms', () => {
  const flapping = plan('pangea:health-check-flapping', { region: 'eu-west-1' });
  assert.deepEqual(flapping.parameters, { region: 'eu-west-1', periodMilliseconds: 2_000 });
  assert.deepEqual(flapping.effects, [
    { kind: 'health-check-flapping', region: 'eu-west-1', periodMs: 2_000 },
  ]);
  assert.match(describeUndo(flapping), /probe eu-west-1's health checks for real again/);
  assert.equal(
    plan('pangea:health-check-flapping', { region: 'eu-west-1', periodMilliseconds: 100 }).parameters
      .periodMilliseconds,
    100,
  );
  rejects('pangea:health-check-flapping', { region: 'eu-west-1', periodMilliseconds: 99 }, /from 100 to/);
  rejects(
    'pangea:health-check-flapping',
    { region: 'eu-west-1', periodMilliseconds: 'fast' },
    /whole number/,
  );
});

test('an unknown action suggests the new ones', () => {
  assert.throws(
    () => plan('aws:ecs:stop-tasks', { region: 'us-east-1' }),
    (error: unknown) =>
      error instanceof PangeaError &&
      error.code === 'UnknownFaultAction' &&
      /did you mean aws:ecs:stop-task\?/.test(error.message),
  );
  assert.throws(
    () => plan('pangea:clock-skw', { region: 'us-east-1' }),
    (error: unknown) =>
      error instanceof PangeaError && /did you mean pangea:clock-skew\?/.test(error.message),
  );
});
