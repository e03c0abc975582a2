import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultFailoverPolicy, RegionFailover } from '../../../../src/gameday/load/index.js';

const regions = ['eu-west-1', 'us-east-1', 'ap-south-1'];

test('the nearest region until two failures in a row, then the next one', () => {
  let now = 0;
  const failover = new RegionFailover(regions, defaultFailoverPolicy, () => now);
  assert.equal(failover.current(), 'eu-west-1');
  failover.failed('Timeout');
  failover.succeeded();
  failover.failed('Timeout');
  assert.equal(failover.current(), 'eu-west-1', 'a success in between resets the count');
  failover.failed('ECONNREFUSED');
  assert.equal(failover.current(), 'us-east-1');
  now = 1000;
  failover.failed('Timeout');
  failover.failed('Timeout');
  assert.equal(failover.current(), 'ap-south-1', 'on by proximity');
  failover.failed('Timeout');
  failover.failed('Timeout');
  assert.equal(failover.current(), 'eu-west-1', 'wraps around');
});

test('after 5 s away the nearest region is tried again', () => {
  let now = 10_000;
  const failover = new RegionFailover(regions, defaultFailoverPolicy, () => now);
  failover.failed('Timeout');
  failover.failed('Timeout');
  assert.equal(failover.current(), 'us-east-1');
  now += 4_999;
  failover.succeeded();
  assert.equal(failover.current(), 'us-east-1');
  now += 1;
  assert.equal(failover.current(), 'eu-west-1');
  failover.failed('Timeout');
  failover.failed('Timeout');
  assert.equal(failover.current(), 'us-east-1', 'still down: away again');
  now += 5_000;
  assert.equal(failover.current(), 'eu-west-1');
});

test('request errors and aborts never move a client; one region stays put', () => {
  const failover = new RegionFailover(regions, defaultFailoverPolicy, () => 0);
  for (let i = 0; i < 5; i++) {
    failover.failed('ValidationException');
    failover.failed('Aborted');
  }
  assert.equal(failover.current(), 'eu-west-1');
  const single = new RegionFailover(['eu-west-1'], defaultFailoverPolicy, () => 0);
  single.failed('Timeout');
  single.failed('Timeout');
  assert.equal(single.current(), 'eu-west-1');
  assert.throws(() => new RegionFailover([], defaultFailoverPolicy, () => 0));
});
