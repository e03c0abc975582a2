/** The runner's region-side and traffic faults against fakes: what is applied, what undone, what conflicts. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type FaultControlChange,
  FaultRunner,
  regionEffectsConflict,
} from '../../../src/gameday/faults/runner.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { PangeaError } from '../../../src/shared/errors.js';

const regions = ['us-east-1', 'eu-west-1', 'ap-south-1'];
const epochMs = 1_700_000_000_000;

/** A supervisor that keeps desired control state per region, like the real one, and logs calls. */
class FakeSupervisor {
  readonly calls: string[] = [];
  readonly control = new Map<string, FaultControlChange>();
  failNextControl: PangeaError | undefined;
  async kill(region: string) {
    this.calls.push(`kill ${region}`);
  }
  async start(region: string) {
    this.calls.push(`start ${region}`);
  }
  async setControl(region: string, change: FaultControlChange) {
    this.calls.push(`control ${region} ${JSON.stringify(change)}`);
    this.control.set(region, { ...this.control.get(region), ...change });
    const failure = this.failNextControl;
    this.failNextControl = undefined;
    if (failure) throw failure;
  }
}

function harness() {
  const clock = new ManualClock();
  const supervisor = new FakeSupervisor();
  const flapping = new Map<string, number>();
  const runner = new FaultRunner({
    clock,
    now: () => epochMs + clock.nowMs(),
    regions,
    facts: { appInstances: { 'us-east-1': 2, 'eu-west-1': 2, 'ap-south-1': 2 } },
    fabric: {
      getLink: () => ({ latencyMs: 1, jitterMs: 0, lossPct: 0, bandwidthMbps: null, partitioned: false }),
      setLink: () => undefined,
      partition: () => undefined,
      healLink: () => undefined,
    },
    supervisor,
    replication: { pause: async () => undefined, resume: async () => undefined },
    traffic: {
      startHealthCheckFlapping: (region, periodMs) => flapping.set(region, periodMs),
      stopHealthCheckFlapping: (region) => flapping.delete(region),
    },
  });
  const advance = async (ms: number) => {
    clock.advance(ms);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { clock, supervisor, flapping, runner, advance };
}

const code = (c: string) => (error: unknown) => error instanceof PangeaError && error.code === c;

test('stop-task holds app instances stopped for its duration, then releases them', async () => {
  const { supervisor, runner, advance } = harness();
  const record = await runner.inject({
    action: 'aws:ecs:stop-task',
    parameters: { region: 'eu-west-1', instances: 1 },
    durationMs: 500,
  });
  assert.equal(record.state, 'active');
  assert.deepEqual(supervisor.control.get('eu-west-1'), { stoppedAppInstances: 1 });
  await advance(499);
  assert.deepEqual(supervisor.control.get('eu-west-1'), { stoppedAppInstances: 1 });
  await advance(1);
  assert.deepEqual(supervisor.control.get('eu-west-1'), { stoppedAppInstances: 0 });
  assert.equal(runner.get(record.id).state, 'completed');
  assert.deepEqual(supervisor.calls, [
    'control eu-west-1 {"stoppedAppInstances":1}',
    'control eu-west-1 {"stoppedAppInstances":0}',
  ]);
});

test('disrupt-connectivity and clock skew set the control state; stop undoes them now', async () => {
  const { supervisor, runner, advance } = harness();
  await advance(250);
  const disrupt = await runner.inject({
    action: 'aws:network:disrupt-connectivity',
    parameters: { region: 'us-east-1', scope: 'dynamodb' },
    durationMs: 60_000,
  });
  const skew = await runner.inject({
    action: 'pangea:clock-skew',
    parameters: { region: 'us-east-1', offsetMilliseconds: -5_000, driftPpm: 200 },
    durationMs: 60_000,
  });
  assert.deepEqual(supervisor.control.get('us-east-1'), {
    dynamodbDisrupted: true,
    // Drift accumulates from the fault's start, in wall-clock epoch ms (the record's startedAt).
    clockSkew: { offsetMs: -5_000, driftPpm: 200, sinceEpochMs: epochMs + 250 },
  });
  assert.equal(skew.startedAt, new Date(epochMs + 250).toISOString());
  assert.equal((await runner.stop(disrupt.id)).state, 'stopped');
  assert.equal(supervisor.control.get('us-east-1')?.dynamodbDisrupted, false);
  assert.notEqual(supervisor.control.get('us-east-1')?.clockSkew, null, 'the skew is still active');
  await runner.stop(skew.id);
  assert.equal(supervisor.control.get('us-east-1')?.clockSkew, null);
});

test('health-check flapping switches the traffic layer override on and off', async () => {
  const { flapping, runner, advance } = harness();
  await runner.inject({
    action: 'pangea:health-check-flapping',
    parameters: { region: 'ap-south-1', periodMilliseconds: 300 },
    durationMs: 1_000,
  });
  assert.deepEqual([...flapping], [['ap-south-1', 300]]);
  await advance(1_000);
  assert.deepEqual([...flapping], []);
});

test('conflicts: the same kind on one region, and an outage with anything on its region', async () => {
  const { runner } = harness();
  const skew = await runner.inject({
    action: 'pangea:clock-skew',
    parameters: { region: 'eu-west-1', offsetMilliseconds: 1_000 },
    durationMs: 10_000,
  });
  await assert.rejects(
    runner.inject({
      action: 'pangea:clock-skew',
      parameters: { region: 'eu-west-1', driftPpm: 5 },
      durationMs: 10_000,
    }),
    (error: unknown) =>
      code('FaultConflict')(error) &&
      /eu-west-1 is already under fault fault-1 \(pangea:clock-skew\); one fault of a kind per region/.test(
        (error as Error).message,
      ),
  );
  // Different kinds combine on one region; the same kind on another region is fine.
  await runner.inject({
    action: 'aws:ecs:stop-task',
    parameters: { region: 'eu-west-1' },
    durationMs: 10_000,
  });
  await runner.inject({
    action: 'aws:dynamodb:global-table-pause-replication',
    parameters: { region: 'eu-west-1' },
    durationMs: 10_000,
  });
  await runner.inject({
    action: 'pangea:clock-skew',
    parameters: { region: 'us-east-1', offsetMilliseconds: 1_000 },
    durationMs: 10_000,
  });
  await assert.rejects(
    runner.inject({ action: 'pangea:region-outage', parameters: { region: 'eu-west-1' }, durationMs: 10 }),
    (error: unknown) =>
      code('FaultConflict')(error) &&
      /a region outage excludes every other region fault/.test((error as Error).message),
  );
  await runner.inject({
    action: 'pangea:region-outage',
    parameters: { region: 'ap-south-1' },
    durationMs: 10_000,
  });
  await assert.rejects(
    runner.inject({
      action: 'pangea:health-check-flapping',
      parameters: { region: 'ap-south-1' },
      durationMs: 10,
    }),
    code('FaultConflict'),
  );
  // Link faults never conflict.
  await runner.inject({
    action: 'aws:ecs:task-network-latency',
    parameters: { region: 'ap-south-1' },
    durationMs: 10,
  });
  await runner.stop(skew.id);
  await runner.inject({
    action: 'pangea:clock-skew',
    parameters: { region: 'eu-west-1', offsetMilliseconds: -1_000 },
    durationMs: 10,
  });
});

test('the conflict rule as a function', () => {
  const east = 'us-east-1';
  assert.equal(
    regionEffectsConflict(
      { kind: 'disrupt-dynamodb', region: east },
      { kind: 'disrupt-dynamodb', region: east },
    ),
    true,
  );
  assert.equal(
    regionEffectsConflict(
      { kind: 'disrupt-dynamodb', region: east },
      { kind: 'disrupt-dynamodb', region: 'eu-west-1' },
    ),
    false,
  );
  assert.equal(
    regionEffectsConflict(
      { kind: 'health-check-flapping', region: east, periodMs: 100 },
      { kind: 'region-outage', region: east },
    ),
    true,
  );
  assert.equal(
    regionEffectsConflict(
      { kind: 'stop-app-instances', region: east, instances: 'all' },
      { kind: 'clock-skew', region: east, offsetMs: 1, driftPpm: 0 },
    ),
    false,
  );
});

test('a control change that fails is recorded as failed and its state taken back', async () => {
  const { supervisor, runner } = harness();
  supervisor.failNextControl = new PangeaError('RegionControlTimeout', 'eu-west-1 did not answer');
  await assert.rejects(
    runner.inject({
      action: 'aws:network:disrupt-connectivity',
      parameters: { region: 'eu-west-1', scope: 'dynamodb' },
      durationMs: 1_000,
    }),
    code('RegionControlTimeout'),
  );
  const [record] = runner.list();
  assert.equal(record?.state, 'failed');
  assert.match(record?.error ?? '', /did not answer/);
  assert.equal(supervisor.control.get('eu-west-1')?.dynamodbDisrupted, false, 'reverted');
  // The region is free again for a fault of the same kind.
  await runner.inject({
    action: 'aws:network:disrupt-connectivity',
    parameters: { region: 'eu-west-1', scope: 'dynamodb' },
    durationMs: 1_000,
  });
});

test('an undo that fails marks the fault failed and frees the region', async () => {
  const { supervisor, runner, advance } = harness();
  const record = await runner.inject({
    action: 'aws:ecs:stop-task',
    parameters: { region: 'us-east-1' },
    durationMs: 100,
  });
  supervisor.failNextControl = new PangeaError('RegionNotRunning', 'us-east-1 is crashed');
  await advance(100);
  const ended = runner.get(record.id);
  assert.equal(ended.state, 'failed');
  assert.match(ended.error ?? '', /undo failed: us-east-1 is crashed/);
  // The desired state went back to normal anyway: a restarted region comes up with every instance.
  assert.deepEqual(supervisor.control.get('us-east-1'), { stoppedAppInstances: 0 });
  await runner.inject({ action: 'aws:ecs:stop-task', parameters: { region: 'us-east-1' }, durationMs: 100 });
});
