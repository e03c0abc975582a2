import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReplicationPause } from '../../../src/replication/core/pause.js';
import { ManualClock } from '../../../src/shared/clock.js';

test('a paused region neither sends nor applies, and resumes by itself after the duration', () => {
  const clock = new ManualClock();
  const pause = new ReplicationPause(clock);
  assert.equal(pause.phase(), 'running');
  pause.pause({ durationMs: 1_000 });
  assert.equal(pause.phase(), 'paused');
  assert.equal(pause.canSend(), false);
  assert.equal(pause.canApply(), false);
  assert.equal(pause.endsAtMs(), 1_000);
  clock.advance(999);
  assert.equal(pause.phase(), 'paused');
  clock.advance(1);
  assert.equal(pause.phase(), 'running');
  assert.equal(pause.canSend(), true);
});

test('replication may continue for a window after the start', () => {
  const clock = new ManualClock();
  const pause = new ReplicationPause(clock);
  pause.pause({ durationMs: 1_000, continueForMs: 300 });
  assert.equal(pause.phase(), 'continuing');
  assert.equal(pause.canSend(), true);
  assert.equal(pause.canApply(), true);
  clock.advance(300);
  assert.equal(pause.phase(), 'paused');
  clock.advance(700);
  assert.equal(pause.phase(), 'running');
});

test('an open-ended pause lasts until resume; bad windows are refused', () => {
  const clock = new ManualClock();
  const pause = new ReplicationPause(clock);
  pause.pause();
  clock.advance(1e9);
  assert.equal(pause.phase(), 'paused');
  assert.equal(pause.endsAtMs(), null);
  pause.resume();
  assert.equal(pause.phase(), 'running');
  assert.throws(() => pause.pause({ continueForMs: 5 * 60_000 + 1 }), RangeError);
  assert.throws(() => pause.pause({ continueForMs: -1 }), RangeError);
  assert.throws(() => pause.pause({ durationMs: 0 }), RangeError);
});

test('a continue window longer than the pause just means it never stopped', () => {
  const clock = new ManualClock();
  const pause = new ReplicationPause(clock);
  pause.pause({ durationMs: 100, continueForMs: 200 });
  assert.equal(pause.phase(), 'continuing');
  clock.advance(100);
  assert.equal(pause.phase(), 'running');
});
