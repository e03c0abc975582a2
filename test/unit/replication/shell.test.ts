/**
 * The replication shell with real engines and stores on loopback (ports 19xxx): convergence of
 * concurrent writes, duplicate delivery, a receiver restart, pause/resume, backfill of a new
 * replica while writes continue, and a large backlog shipped with bounded memory.
 * Randomised tests print their seed on failure (PANGEA_TEST_SEED replays one).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomSeed, seededRandom } from '../../../src/shared/random.js';
import { createGlobalTable, eventually, sleep, snapshot, TestWorld, tableOf } from './shell-harness.js';

const seedFromEnv = (): number => Number(process.env.PANGEA_TEST_SEED ?? randomSeed());

async function withSeed(seed: number, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    console.error(`shell test failed with seed ${seed} (PANGEA_TEST_SEED=${seed} replays it)`);
    throw error;
  }
}

const three = ['eu-west-1', 'us-east-1', 'ap-south-1'];

describe('replication shell', () => {
  it('converges after concurrent writes and deletes in three regions', async () => {
    const seed = seedFromEnv();
    const world = new TestWorld({ names: three, basePort: 19410, seed });
    await withSeed(seed, async () => {
      await world.start();
      try {
        for (const name of three) await createGlobalTable(world.region(name).store, 'T', three);
        const random = seededRandom(seed);
        const writes: Promise<void>[] = [];
        for (let i = 0; i < 600; i++) {
          const region = world.region(three[Math.floor(random.next() * 3)]!);
          const key = `k${Math.floor(random.next() * 40)}`;
          const remove = random.next() < 0.2;
          const table = tableOf(region, 'T');
          writes.push(
            region.store.transact((tx) => {
              if (remove) tx.deleteItem(table, { pk: { S: key } });
              else tx.putItem(table, { pk: { S: key }, by: { S: region.name }, n: { N: String(i) } });
            }),
          );
          if (i % 50 === 0) await sleep(1);
        }
        await Promise.all(writes);
        await eventually(
          () =>
            three.every((name) =>
              world
                .region(name)
                .engine.metrics()
                .outbound.every((o) => o.pendingReplicationCount === 0),
            ),
          15_000,
          'every link drained',
        );
        const reference = snapshot(world.region(three[0]!), 'T');
        for (const name of three)
          assert.equal(snapshot(world.region(name), 'T'), reference, `${name} diverged`);
        const metrics = world.region('eu-west-1').engine.metrics();
        assert.ok(metrics.inbound.some((link) => link.replicationLatency.sampleCount > 0));
      } finally {
        await world.close();
      }
    });
  });

  it('ignores a duplicate batch and answers with the same ack', async () => {
    const world = new TestWorld({ names: ['eu-west-1', 'us-east-1'], basePort: 19420, seed: 1 });
    await world.start();
    try {
      const eu = world.region('eu-west-1');
      const us = world.region('us-east-1');
      await createGlobalTable(eu.store, 'T', ['eu-west-1', 'us-east-1']);
      const usTable = await createGlobalTable(us.store, 'T', ['eu-west-1', 'us-east-1']);
      await us.store.transact((tx) => tx.putItem(usTable, { pk: { S: 'a' }, v: { N: '1' } }));
      await eventually(() => eu.store.getItem(tableOf(eu, 'T'), { pk: { S: 'a' } }) !== undefined, 5000, 'a');
      const change = us.store.outboundEntries(0, 1)[0] ?? { sequence: 1, change: undefined };
      const body = {
        header: {
          origin: 'us-east-1',
          destination: 'eu-west-1',
          firstSequence: 1,
          lastSequence: 1,
          originHighSequence: 1,
          originClock: '000000000001.00000000.us-east-1',
          originAppliedFrontier: null,
        },
        records: change.change ? [{ ...change.change, o: 'us-east-1', s: 1 }] : [],
      };
      for (let i = 0; i < 2; i++) {
        const response = await fetch(`${eu.engine.url}/replication/v1/batch`, {
          method: 'POST',
          body: JSON.stringify(body),
        });
        assert.equal(response.status, 200);
        assert.ok(((await response.json()) as { ackedSequence: number }).ackedSequence >= 1);
      }
      assert.equal(eu.store.streamRecords('T', 'x', 0, 10).length, 0);
      assert.deepEqual(eu.store.getItem(tableOf(eu, 'T'), { pk: { S: 'a' } }), {
        pk: { S: 'a' },
        v: { N: '1' },
      });
    } finally {
      await world.close();
    }
  });

  it('a receiver that restarts (or was down) gets everything from the durable log', async () => {
    const names = ['eu-west-1', 'us-east-1'];
    const world = new TestWorld({ names, basePort: 19430, seed: 2 });
    await world.start();
    try {
      for (const name of names) await createGlobalTable(world.region(name).store, 'T', names);
      const eu = world.region('eu-west-1');
      await eu.store.transact((tx) => tx.putItem(tableOf(eu, 'T'), { pk: { S: 'before' } }));
      await eventually(
        () => eu.engine.metrics().outbound[0]!.pendingReplicationCount === 0,
        5000,
        'first ack',
      );
      await world.stopRegion('us-east-1');
      for (let i = 0; i < 200; i++) {
        await eu.store.transact((tx) => tx.putItem(tableOf(eu, 'T'), { pk: { S: `down-${i}` } }));
      }
      await sleep(300);
      assert.equal(eu.engine.metrics().outbound[0]!.pendingReplicationCount, 200);
      const us = await world.startRegion('us-east-1');
      await eventually(
        () => eu.engine.metrics().outbound[0]!.pendingReplicationCount === 0,
        10_000,
        'catch-up',
      );
      assert.equal(snapshot(us, 'T'), snapshot(eu, 'T'));
      // The sender restarts too, from its persisted watermark: nothing is lost or resent wrongly.
      await world.stopRegion('eu-west-1');
      const euAgain = await world.startRegion('eu-west-1');
      await euAgain.store.transact((tx) => tx.putItem(tableOf(euAgain, 'T'), { pk: { S: 'after' } }));
      await eventually(
        () => us.store.getItem(tableOf(us, 'T'), { pk: { S: 'after' } }) !== undefined,
        5000,
        'after',
      );
    } finally {
      await world.close();
    }
  });

  it('pause stops sending and applying; resume continues where it stopped', async () => {
    const names = ['eu-west-1', 'us-east-1'];
    const world = new TestWorld({ names, basePort: 19440, seed: 3 });
    await world.start();
    try {
      for (const name of names) await createGlobalTable(world.region(name).store, 'T', names);
      const eu = world.region('eu-west-1');
      const us = world.region('us-east-1');
      const pause = await fetch(`${us.engine.url}/replication/v1/pause`, { method: 'POST', body: '{}' });
      assert.deepEqual(await pause.json(), { phase: 'paused', endsAtMs: null });
      await eu.store.transact((tx) => tx.putItem(tableOf(eu, 'T'), { pk: { S: 'to-us' } }));
      await us.store.transact((tx) => tx.putItem(tableOf(us, 'T'), { pk: { S: 'to-eu' } }));
      await sleep(500);
      assert.equal(us.store.getItem(tableOf(us, 'T'), { pk: { S: 'to-us' } }), undefined);
      assert.equal(eu.store.getItem(tableOf(eu, 'T'), { pk: { S: 'to-eu' } }), undefined);
      assert.equal(eu.engine.metrics().outbound[0]!.pendingReplicationCount, 1);
      await fetch(`${us.engine.url}/replication/v1/resume`, { method: 'POST', body: '{}' });
      await eventually(
        () =>
          us.store.getItem(tableOf(us, 'T'), { pk: { S: 'to-us' } }) !== undefined &&
          eu.store.getItem(tableOf(eu, 'T'), { pk: { S: 'to-eu' } }) !== undefined,
        5000,
        'both directions after resume',
      );
      // A timed pause ends by itself.
      us.engine.pause({ durationMs: 300 });
      await eu.store.transact((tx) => tx.putItem(tableOf(eu, 'T'), { pk: { S: 'timed' } }));
      await eventually(
        () => us.store.getItem(tableOf(us, 'T'), { pk: { S: 'timed' } }) !== undefined,
        5000,
        'timed',
      );
    } finally {
      await world.close();
    }
  });

  it('backfills a new replica while writes continue, then marks it ACTIVE everywhere', async () => {
    const seed = seedFromEnv();
    const world = new TestWorld({ names: three, basePort: 19450, seed });
    await withSeed(seed, async () => {
      await world.start();
      try {
        const pair = ['eu-west-1', 'us-east-1'];
        for (const name of pair) await createGlobalTable(world.region(name).store, 'T', pair);
        const eu = world.region('eu-west-1');
        const us = world.region('us-east-1');
        await eu.store.transact((tx) => {
          for (let i = 0; i < 3000; i++)
            tx.putItem(tableOf(eu, 'T'), { pk: { S: `old-${i}` }, v: { N: '0' } });
        });
        let writing = true;
        const random = seededRandom(seed);
        const writer = (async () => {
          for (let i = 0; writing; i++) {
            const region = random.next() < 0.5 ? eu : us;
            const key = `old-${Math.floor(random.next() * 3000)}`;
            await region.store.transact((tx) =>
              tx.putItem(tableOf(region, 'T'), { pk: { S: key }, v: { N: String(i) } }),
            );
            if (i % 20 === 0) await sleep(1);
          }
        })();
        const engine = eu.engine;
        await engine.control.createReplica(tableOf(eu, 'T'), 'ap-south-1');
        const ap = world.region('ap-south-1');
        assert.equal(tableOf(ap, 'T').TableStatus, 'CREATING');
        await eventually(() => tableOf(ap, 'T').TableStatus === 'ACTIVE', 20_000, 'replica ACTIVE');
        writing = false;
        await writer;
        await eventually(
          () =>
            three.every((name) =>
              world
                .region(name)
                .engine.metrics()
                .outbound.every((o) => o.pendingReplicationCount === 0),
            ),
          15_000,
          'drained',
        );
        for (const name of three) {
          const statuses = tableOf(world.region(name), 'T').replicas?.map(
            (r) => `${r.RegionName}:${r.ReplicaStatus}`,
          );
          assert.deepEqual(statuses, ['ap-south-1:ACTIVE', 'eu-west-1:ACTIVE', 'us-east-1:ACTIVE'], name);
        }
        assert.equal(snapshot(ap, 'T'), snapshot(eu, 'T'));
        assert.equal(snapshot(us, 'T'), snapshot(eu, 'T'));
        assert.equal(tableOf(ap, 'T').TableArn, 'arn:aws:dynamodb:ap-south-1:123456789012:table/T');
        assert.deepEqual(
          await engine.control.describeRemoteTable('T', 'ap-south-1').then((t) => t?.TableName),
          'T',
        );
        assert.equal(await engine.control.describeRemoteTable('Nope', 'ap-south-1'), undefined);
      } finally {
        await world.close();
      }
    });
  });

  it('ships a 50k backlog with bounded memory once the peer returns', async () => {
    const names = ['eu-west-1', 'us-east-1'];
    const world = new TestWorld({ names, basePort: 19460, seed: 4, stopped: ['us-east-1'] });
    await world.start();
    try {
      const eu = world.region('eu-west-1');
      const table = await createGlobalTable(eu.store, 'T', names);
      const payload = 'x'.repeat(100);
      for (let wave = 0; wave < 50; wave++) {
        await Promise.all(
          Array.from({ length: 1000 }, (_, i) =>
            eu.store.transact((tx) => tx.putItem(table, { pk: { S: `k${wave}-${i}` }, p: { S: payload } })),
          ),
        );
      }
      assert.equal(eu.engine.metrics().outbound[0]!.pendingReplicationCount, 50_000);
      // The receiving side needs its table before the backlog can land.
      global.gc?.();
      const heapBeforeBytes = process.memoryUsage().heapUsed;
      let heapPeakBytes = heapBeforeBytes;
      const startedMs = Date.now();
      const usStoreOnly = await world.startRegion('us-east-1', (store) =>
        createGlobalTable(store, 'T', names),
      );
      await eventually(
        () => {
          heapPeakBytes = Math.max(heapPeakBytes, process.memoryUsage().heapUsed);
          return eu.engine.metrics().outbound[0]!.pendingReplicationCount === 0;
        },
        60_000,
        'backlog drained',
      );
      const elapsedMs = Date.now() - startedMs;
      const rate = Math.round(50_000 / (elapsedMs / 1000));
      console.log(
        `catch-up: 50000 changes in ${elapsedMs} ms = ${rate} items/s; heap growth ${Math.round((heapPeakBytes - heapBeforeBytes) / 1e6)} MB`,
      );
      assert.equal(usStoreOnly.store.tableStats(tableOf(usStoreOnly, 'T')).itemCount, 50_000);
      // In flight at most 4 batches of 1 MiB each (plus parse copies): far below the backlog's size.
      assert.ok(heapPeakBytes - heapBeforeBytes < 200e6, 'memory grew with the backlog');
      await eventually(() => eu.store.outboundEntries(0, 1).length === 0, 5000, 'log truncated');
    } finally {
      await world.close();
    }
  });
});
