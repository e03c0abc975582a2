/** The region control channel: the supervisor's numbered requests and the region's command handlers. */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { listenForControl, regionControl } from '../../../src/region/control.js';
import { RegionControlChannel } from '../../../src/region/control-channel.js';
import { RegionWallClock } from '../../../src/region/control-clock.js';
import {
  commandFor,
  controlFields,
  normalControlState,
  type RegionControlReply,
  type RegionControlRequest,
  sameControlState,
} from '../../../src/region/control-protocol.js';
import { PangeaError } from '../../../src/shared/errors.js';
import { silentLogger } from '../../../src/shared/logger.js';

const code = (c: string) => (error: unknown) => error instanceof PangeaError && error.code === c;

/** A region's services as the control handlers see them, recording what they were told. */
function fakeTargets(options: { app?: boolean } = {}) {
  const calls: string[] = [];
  let realMs = 1_000_000;
  const clock = new RegionWallClock(() => realMs);
  const targets = {
    ...(options.app === false
      ? {}
      : {
          appFleet: {
            setStoppedInstances: async (instances: number | 'all') => {
              calls.push(`stop ${instances}`);
              await new Promise((resolve) => setTimeout(resolve, 5));
              calls.push(`stopped ${instances}`);
            },
          },
        }),
    dynamodb: { setDisrupted: (disrupted: boolean) => calls.push(`disrupted ${disrupted}`) },
    clock,
  };
  return { targets, calls, clock, advanceRealMs: (ms: number) => (realMs += ms) };
}

test('each command changes its service and answers the state after it', async () => {
  const { targets, calls, clock, advanceRealMs } = fakeTargets();
  const control = regionControl(targets, silentLogger());
  assert.deepEqual(await control.handle({ command: 'describe' }), normalControlState);
  assert.deepEqual(await control.handle({ command: 'stop-app-instances', instances: 'all' }), {
    ...normalControlState,
    stoppedAppInstances: 'all',
  });
  await control.handle({ command: 'disrupt-dynamodb', disrupted: true });
  const skew = { offsetMs: 10_000, driftPpm: 0, sinceEpochMs: 1_000_000 };
  const state = await control.handle({ command: 'set-clock-skew', skew });
  assert.deepEqual(state, { stoppedAppInstances: 'all', dynamodbDisrupted: true, clockSkew: skew });
  advanceRealMs(5);
  assert.equal(clock.nowMs(), 1_010_005);
  await control.handle({ command: 'set-clock-skew', skew: null });
  assert.equal(clock.nowMs(), 1_000_005);
  assert.deepEqual(calls, ['stop all', 'stopped all', 'disrupted true']);
});

test('commands run one at a time in arrival order', async () => {
  const { targets, calls } = fakeTargets();
  const control = regionControl(targets, silentLogger());
  await Promise.all([
    control.handle({ command: 'stop-app-instances', instances: 2 }),
    control.handle({ command: 'disrupt-dynamodb', disrupted: true }),
    control.handle({ command: 'stop-app-instances', instances: 0 }),
  ]);
  assert.deepEqual(calls, ['stop 2', 'stopped 2', 'disrupted true', 'stop 0', 'stopped 0']);
});

test('bad commands fail with stable codes and leave the state alone', async () => {
  const { targets } = fakeTargets({ app: false });
  const control = regionControl(targets, silentLogger());
  await assert.rejects(
    control.handle({ command: 'stop-app-instances', instances: 1 }),
    code('RegionHasNoApp'),
  );
  // Stopping none in an app-less region is the normal state, so a restart's re-apply passes.
  await control.handle({ command: 'stop-app-instances', instances: 0 });
  await assert.rejects(
    control.handle({ command: 'stop-app-instances', instances: -1 }),
    code('InvalidRegionControl'),
  );
  await assert.rejects(
    control.handle({
      command: 'set-clock-skew',
      skew: { offsetMs: Number.NaN, driftPpm: 0, sinceEpochMs: 0 },
    }),
    code('InvalidRegionControl'),
  );
  await assert.rejects(
    control.handle({ command: 'reboot' } as unknown as { command: 'describe' }),
    code('UnknownRegionControlCommand'),
  );
  assert.deepEqual(control.state(), normalControlState);
});

/** Wires a supervisor channel to a region's listener the way IPC does (asynchronously, both ways). */
function wired(options: { timeoutMs?: number; maxPending?: number; mute?: boolean } = {}) {
  const { targets } = fakeTargets();
  const control = regionControl(targets, silentLogger());
  const regionPort = new EventEmitter() as EventEmitter & { send(message: RegionControlReply): void };
  let channel: RegionControlChannel | undefined;
  regionPort.send = (reply) => setImmediate(() => channel?.handleReply(reply));
  const sent: RegionControlRequest[] = [];
  channel = new RegionControlChannel(
    'eu-west-1',
    {
      send(message, callback) {
        sent.push(message);
        if (!options.mute) setImmediate(() => regionPort.emit('message', message));
        callback(null);
        return true;
      },
    },
    options,
  );
  const detach = listenForControl(regionPort, control, silentLogger());
  return { channel, control, sent, detach };
}

test('requests and replies are matched by id', async () => {
  const { channel, sent } = wired();
  const [a, b] = await Promise.all([
    channel.request({ command: 'disrupt-dynamodb', disrupted: true }),
    channel.request({ command: 'describe' }),
  ]);
  assert.equal(a.dynamodbDisrupted, true);
  assert.equal(b.dynamodbDisrupted, true);
  assert.deepEqual(
    sent.map((message) => message.id),
    [1, 2],
  );
  assert.equal(channel.pendingCount, 0);
});

test('a region error comes back with its code', async () => {
  const { channel } = wired();
  await assert.rejects(
    channel.request({ command: 'stop-app-instances', instances: 1.5 }),
    (error: unknown) => code('InvalidRegionControl')(error) && /^eu-west-1: /.test((error as Error).message),
  );
});

test('no answer within the timeout is RegionControlTimeout; the bound on waiting requests holds', async () => {
  const { channel } = wired({ mute: true, timeoutMs: 30, maxPending: 2 });
  const first = channel.request({ command: 'describe' });
  const second = channel.request({ command: 'describe' });
  await assert.rejects(channel.request({ command: 'describe' }), code('RegionControlBusy'));
  await assert.rejects(first, code('RegionControlTimeout'));
  await assert.rejects(second, code('RegionControlTimeout'));
  assert.equal(channel.pendingCount, 0);
});

test('a closed channel fails waiting and later requests with RegionNotRunning', async () => {
  const { channel } = wired({ mute: true, timeoutMs: 10_000 });
  const waiting = channel.request({ command: 'describe' });
  channel.close('the region process exited (code null, signal SIGKILL)');
  await assert.rejects(
    waiting,
    (error: unknown) => code('RegionNotRunning')(error) && /SIGKILL/.test(String(error)),
  );
  await assert.rejects(channel.request({ command: 'describe' }), code('RegionNotRunning'));
});

test('a transport error is RegionNotRunning', async () => {
  const channel = new RegionControlChannel('us-east-1', {
    send(_message, callback) {
      setImmediate(() => callback(new Error('channel closed')));
      return false;
    },
  });
  await assert.rejects(channel.request({ command: 'describe' }), code('RegionNotRunning'));
});

test('commandFor covers every field; sameControlState compares values', () => {
  const state = {
    stoppedAppInstances: 2,
    dynamodbDisrupted: true,
    clockSkew: { offsetMs: 1, driftPpm: 2, sinceEpochMs: 3 },
  };
  assert.deepEqual(
    controlFields.map((field) => commandFor(field, state)),
    [
      { command: 'stop-app-instances', instances: 2 },
      { command: 'disrupt-dynamodb', disrupted: true },
      { command: 'set-clock-skew', skew: state.clockSkew },
    ],
  );
  assert.equal(
    sameControlState(state, { ...state, clockSkew: { sinceEpochMs: 3, driftPpm: 2, offsetMs: 1 } }),
    true,
  );
  assert.equal(sameControlState(state, { ...state, clockSkew: null }), false);
  assert.equal(sameControlState(normalControlState, { ...normalControlState }), true);
});
