import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planFault } from '../../../src/gameday/faults/catalogue.js';
import { FaultRunner } from '../../../src/gameday/faults/runner.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { PangeaError } from '../../../src/shared/errors.js';
import type { LinkParams } from '../../../src/wan/model.js';

const regions = ['us-east-1', 'eu-west-1', 'ap-south-1'];

class FakeFabric {
  readonly links = new Map<string, LinkParams>();
  constructor() {
    for (const from of regions)
      for (const to of regions)
        if (from !== to)
          this.links.set(`${from}->${to}`, {
            latencyMs: 40,
            jitterMs: 1,
            lossPct: 0,
            bandwidthMbps: null,
            partitioned: false,
          });
  }
  getLink(from: string, to: string): LinkParams {
    const link = this.links.get(`${from}->${to}`);
    if (!link) throw new PangeaError('UnknownLink', `${from}->${to}`);
    return link;
  }
  setLink(from: string, to: string, change: Partial<LinkParams>): void {
    Object.assign(this.getLink(from, to), change);
  }
  partition(a: string, b: string, oneWay: boolean): void {
    this.getLink(a, b).partitioned = true;
    if (!oneWay) this.getLink(b, a).partitioned = true;
  }
  healLink(from: string, to: string): void {
    this.getLink(from, to).partitioned = false;
  }
}

function harness(maxActive?: number) {
  const clock = new ManualClock();
  const fabric = new FakeFabric();
  const calls: string[] = [];
  const runner = new FaultRunner({
    clock,
    now: () => 1_700_000_000_000 + clock.nowMs(),
    regions,
    fabric,
    maxActive,
    supervisor: {
      kill: async (region) => calls.push(`kill ${region}`),
      start: async (region) => calls.push(`start ${region}`),
      setControl: async (region, change) => calls.push(`control ${region} ${JSON.stringify(change)}`),
    },
    replication: {
      pause: async (region, request) => calls.push(`pause ${region} ${request.durationMs}`),
      resume: async (region) => calls.push(`resume ${region}`),
    },
    traffic: {
      startHealthCheckFlapping: (region, periodMs) => calls.push(`flap ${region} ${periodMs}`),
      stopHealthCheckFlapping: (region) => calls.push(`unflap ${region}`),
    },
  });
  /** Advances the clock and lets the undo promises settle. */
  const advance = async (ms: number) => {
    clock.advance(ms);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { clock, fabric, calls, runner, advance };
}

const code = (c: string) => (error: unknown) => error instanceof PangeaError && error.code === c;

test('latency adds to the link and restores the exact previous values after its duration', async () => {
  const { fabric, runner, advance } = harness();
  const record = await runner.inject({
    action: 'aws:ecs:task-network-latency',
    parameters: { region: 'us-east-1', to: 'eu-west-1' },
    durationMs: 1_000,
  });
  assert.equal(record.state, 'active');
  assert.deepEqual(record.parameters, {
    region: 'us-east-1',
    to: 'eu-west-1',
    delayMilliseconds: 200,
    jitterMilliseconds: 10,
  });
  assert.equal(record.startedAt, new Date(1_700_000_000_000).toISOString());
  assert.equal(record.endsAt, new Date(1_700_000_001_000).toISOString());
  assert.equal(fabric.getLink('us-east-1', 'eu-west-1').latencyMs, 240);
  assert.equal(fabric.getLink('us-east-1', 'eu-west-1').jitterMs, 11);
  assert.equal(fabric.getLink('eu-west-1', 'us-east-1').latencyMs, 40, 'outbound only');
  await advance(999);
  assert.equal(fabric.getLink('us-east-1', 'eu-west-1').latencyMs, 240);
  await advance(1);
  assert.deepEqual(fabric.getLink('us-east-1', 'eu-west-1'), {
    latencyMs: 40,
    jitterMs: 1,
    lossPct: 0,
    bandwidthMbps: null,
    partitioned: false,
  });
  const [ended] = runner.list();
  assert.equal(ended?.state, 'completed');
  assert.equal(ended?.endedAt, new Date(1_700_000_001_000).toISOString());
  assert.match(ended?.undo ?? '', /restore 1 link/);
});

test('overlapping faults on one link restore correctly in any order', async () => {
  const { fabric, runner, advance } = harness();
  const link = () => fabric.getLink('us-east-1', 'ap-south-1');
  const a = await runner.inject({
    action: 'aws:ecs:task-network-latency',
    parameters: { region: 'us-east-1', delayMilliseconds: 100, jitterMilliseconds: 0 },
    durationMs: 1_000,
  });
  await runner.inject({
    action: 'aws:ecs:task-network-latency',
    parameters: { region: 'us-east-1', to: 'ap-south-1', delayMilliseconds: 50, jitterMilliseconds: 5 },
    durationMs: 3_000,
  });
  await runner.inject({
    action: 'aws:ecs:task-network-packet-loss',
    parameters: { region: 'us-east-1', to: 'ap-south-1' },
    durationMs: 2_000,
  });
  await runner.inject({
    action: 'aws:network:route-table-disrupt-cross-region-connectivity',
    parameters: { region: 'us-east-1', to: 'ap-south-1' },
    durationMs: 500,
  });
  assert.deepEqual(
    { ...link() },
    { latencyMs: 190, jitterMs: 6, lossPct: 7, bandwidthMbps: null, partitioned: true },
  );
  assert.equal(fabric.getLink('ap-south-1', 'us-east-1').partitioned, false, 'one-way');
  await advance(500);
  assert.equal(link().partitioned, false);
  await runner.stop(a.id);
  assert.deepEqual(
    { ...link() },
    { latencyMs: 90, jitterMs: 6, lossPct: 7, bandwidthMbps: null, partitioned: false },
  );
  assert.equal(
    fabric.getLink('us-east-1', 'eu-west-1').latencyMs,
    40,
    'fault a also undone on its other link',
  );
  await advance(1_500);
  assert.equal(link().lossPct, 0);
  await advance(1_000);
  assert.deepEqual(
    { ...link() },
    { latencyMs: 40, jitterMs: 1, lossPct: 0, bandwidthMbps: null, partitioned: false },
  );
  assert.deepEqual(
    runner.list().map((r) => r.state),
    ['stopped', 'completed', 'completed', 'completed'],
  );
});

test('a partition that was there before the fault stays after it', async () => {
  const { fabric, runner, advance } = harness();
  fabric.partition('eu-west-1', 'us-east-1', true);
  await runner.inject({
    action: 'aws:network:route-table-disrupt-cross-region-connectivity',
    parameters: { region: 'eu-west-1' },
    durationMs: 100,
  });
  assert.equal(fabric.getLink('eu-west-1', 'ap-south-1').partitioned, true);
  await advance(100);
  assert.equal(fabric.getLink('eu-west-1', 'ap-south-1').partitioned, false);
  assert.equal(fabric.getLink('eu-west-1', 'us-east-1').partitioned, true);
});

test('region outage kills and starts; replication pause passes its duration and resumes', async () => {
  const { calls, runner, advance } = harness();
  const outage = await runner.inject({
    action: 'pangea:region-outage',
    parameters: { region: 'eu-west-1' },
    durationMs: 200,
  });
  await runner.inject({
    action: 'aws:dynamodb:global-table-pause-replication',
    parameters: { region: 'ap-south-1' },
    durationMs: 300,
  });
  await assert.rejects(
    runner.inject({ action: 'pangea:region-outage', parameters: { region: 'eu-west-1' }, durationMs: 50 }),
    code('FaultConflict'),
  );
  const stopped = await runner.stop(outage.id);
  assert.equal(stopped.state, 'stopped');
  assert.deepEqual(await runner.stop(outage.id), stopped, 'stopping twice answers the record');
  await advance(1_000);
  assert.deepEqual(calls, ['kill eu-west-1', 'pause ap-south-1 300', 'start eu-west-1', 'resume ap-south-1']);
  await assert.rejects(runner.stop('fault-99'), code('UnknownFault'));
});

test('wait does nothing for its duration; the number of active faults is bounded', async () => {
  const { runner, advance } = harness(2);
  await runner.inject({ action: 'aws:fis:wait', parameters: {}, durationMs: 100 });
  await runner.inject({ action: 'aws:fis:wait', parameters: {}, durationMs: 100 });
  await assert.rejects(
    runner.inject({ action: 'aws:fis:wait', parameters: {}, durationMs: 100 }),
    code('TooManyFaults'),
  );
  await advance(100);
  await runner.inject({ action: 'aws:fis:wait', parameters: {}, durationMs: 100 });
  assert.equal(runner.list().filter((r) => r.state === 'active').length, 1);
});

test('a failing apply is recorded as failed and rethrown', async () => {
  const { runner } = harness();
  (runner as unknown as { options: { supervisor: { kill: () => Promise<never> } } }).options.supervisor.kill =
    async () => {
      throw new PangeaError('RegionUnavailable', 'no');
    };
  await assert.rejects(
    runner.inject({ action: 'pangea:region-outage', parameters: { region: 'us-east-1' }, durationMs: 10 }),
    code('RegionUnavailable'),
  );
  assert.equal(runner.list()[0]?.state, 'failed');
});

test('validation: unknown action, region and parameter with suggestions; bad values', () => {
  const plan = (action: string, parameters: Record<string, unknown>, durationMs = 1_000) =>
    planFault({ action, parameters, durationMs }, regions);
  assert.throws(
    () => plan('aws:ecs:task-network-latancy', { region: 'us-east-1' }),
    (e: unknown) =>
      code('UnknownFaultAction')(e) &&
      /did you mean aws:ecs:task-network-latency\?/.test((e as Error).message),
  );
  assert.throws(
    () => plan('pangea:region-outage', { region: 'eu-wst-1' }),
    (e: unknown) => code('InvalidFaultParameter')(e) && /did you mean eu-west-1\?/.test((e as Error).message),
  );
  assert.throws(
    () => plan('aws:ecs:task-network-latency', { region: 'us-east-1', delayMs: 5 }),
    (e: unknown) => code('InvalidFaultParameter')(e) && /no parameter "delayMs"/.test((e as Error).message),
  );
  assert.throws(
    () => plan('aws:ecs:task-network-packet-loss', { region: 'us-east-1', lossPercent: 101 }),
    code('InvalidFaultParameter'),
  );
  assert.throws(
    () => plan('aws:ecs:task-network-latency', { region: 'us-east-1', to: 'us-east-1' }),
    code('InvalidFaultParameter'),
  );
  assert.throws(() => plan('aws:fis:wait', {}, 0), code('InvalidFaultParameter'));
  assert.throws(() => plan('aws:fis:wait', {}, 1.5), code('InvalidFaultParameter'));
  assert.throws(() => plan('pangea:region-outage', {}), code('InvalidFaultParameter'));
  const all = plan('aws:network:route-table-disrupt-cross-region-connectivity', { region: 'ap-south-1' });
  assert.deepEqual(
    all.effects.map((e) => (e.kind === 'link' ? `${e.from}->${e.to}` : e.kind)),
    ['ap-south-1->us-east-1', 'ap-south-1->eu-west-1'],
  );
});
