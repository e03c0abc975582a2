/**
 * Storage extensions for global tables and streams: versions, the outbound log and stream records
 * written in the item's transaction, applyChange (idempotent, last writer wins, tombstones,
 * conflicts), restore after reopen, trimming.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { TableMeta } from '../../../../src/dataplane/model.js';
import {
  openRegionStore,
  type ReplicatedRegionStore,
  toChangeRecord,
  type WireChange,
} from '../../../../src/dataplane/storage/index.js';
import { encodeHlc } from '../../../../src/replication/core/hlc.js';
import type { Clock } from '../../../../src/shared/clock.js';
import { tableMeta } from './helpers.js';

class StepClock implements Clock {
  constructor(public currentMs = 1_700_000_000_000) {}
  nowMs(): number {
    return this.currentMs;
  }
  setTimer(callback: () => void, delayMs: number) {
    return { id: setTimeout(callback, delayMs) };
  }
  clearTimer(handle: { id: unknown }) {
    clearTimeout(handle.id as NodeJS.Timeout);
  }
}

function globalTable(name: string, tableNumber: number, regions: string[], stream = true): TableMeta {
  return {
    ...tableMeta(name, tableNumber, { partition: ['pk', 'S'] }),
    globalTableVersion: '2019.11.21',
    replicas: regions.map((RegionName) => ({ RegionName, ReplicaStatus: 'ACTIVE' as const })),
    ...(stream
      ? {
          StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
          LatestStreamLabel: 'label-1',
        }
      : {}),
  };
}

describe('replication storage', () => {
  let dataDir: string;
  let clock: StepClock;
  let store: ReplicatedRegionStore;
  const open = (region = 'eu-west-1') => openRegionStore({ dataDir, regionName: region, clock });

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pangea-repl-'));
    clock = new StepClock();
    store = await open();
  });
  afterEach(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('logs a local write of a global table with its stream record in the same transaction', async () => {
    const table = globalTable('G', await store.allocateNumber(), ['eu-west-1', 'us-east-1']);
    await store.putTableMeta(table);
    await store.transact((tx) => tx.putItem(table, { pk: { S: 'a' }, v: { N: '1' } }));
    await store.transact((tx) => tx.putItem(table, { pk: { S: 'a' }, v: { N: '2' } }));
    await store.transact((tx) => tx.deleteItem(table, { pk: { S: 'a' } }));
    assert.equal(store.outboundHighSequence(), 3);
    assert.equal(store.destinedTotal('us-east-1'), 3);
    const entries = store.outboundEntries(0, 10);
    assert.deepEqual(
      entries.map((entry) => [entry.sequence, entry.change.i ? 'put' : 'delete', entry.change.d]),
      [
        [1, 'put', ['us-east-1']],
        [2, 'put', ['us-east-1']],
        [3, 'delete', ['us-east-1']],
      ],
    );
    // Each write replaced the previous version and carries it in its context.
    assert.equal(entries[1]!.change.r, entries[0]!.change.v);
    assert.ok(entries[2]!.change.v > entries[1]!.change.v);
    const records = store.streamRecords('G', 'label-1', 0, 10);
    assert.deepEqual(
      records.map((record) => record.eventName),
      ['INSERT', 'MODIFY', 'REMOVE'],
    );
    assert.deepEqual(records[1]!.oldImage, { pk: { S: 'a' }, v: { N: '1' } });
    assert.deepEqual(store.streamSequenceRange('G', 'label-1'), { first: 1, last: 3 });
    // The delete left a tombstone: a backfill page carries it.
    const page = store.itemStates(table, undefined, 10);
    assert.equal(page.entries.length, 1);
    assert.equal(page.entries[0]!.state.kind, 'tombstone');
  });

  it('an aborted transaction leaves no gap in the outbound sequence', async () => {
    const table = globalTable('G', await store.allocateNumber(), ['eu-west-1', 'us-east-1'], false);
    await store.putTableMeta(table);
    await assert.rejects(
      store.transact((tx) => {
        tx.putItem(table, { pk: { S: 'x' } });
        throw new Error('abort');
      }),
    );
    await store.transact((tx) => tx.putItem(table, { pk: { S: 'y' } }));
    assert.deepEqual(
      store.outboundEntries(0, 10).map((entry) => [entry.sequence, entry.change.k.pk]),
      [[1, { S: 'y' }]],
    );
  });

  it('a regional table without a stream logs nothing', async () => {
    const table = tableMeta('R', await store.allocateNumber(), { partition: ['pk', 'S'] });
    await store.putTableMeta(table);
    await store.transact((tx) => tx.putItem(table, { pk: { S: 'a' } }));
    assert.equal(store.outboundHighSequence(), 0);
    assert.deepEqual(store.outboundEntries(0, 10), []);
  });

  it('applyChange: last writer wins, idempotent, tombstones beat late puts, conflicts recorded', async () => {
    const table = globalTable('G', await store.allocateNumber(), ['eu-west-1', 'us-east-1']);
    await store.putTableMeta(table);
    await store.transact((tx) => tx.putItem(table, { pk: { S: 'k' }, from: { S: 'eu' } }));
    const local = store.outboundEntries(0, 1)[0]!.change;
    const remoteVersion = { wallMs: clock.currentMs + 5, logical: 0, region: 'us-east-1' };
    const concurrent: WireChange = {
      t: 'G',
      k: { pk: { S: 'k' } },
      i: { pk: { S: 'k' }, from: { S: 'us' } },
      v: encodeHlc(remoteVersion),
      r: null,
      c: { 'us-east-1': encodeHlc(remoteVersion) },
      m: clock.currentMs,
      d: ['eu-west-1'],
      o: 'us-east-1',
      s: 1,
    };
    const first = await store.transactReplicated((tx) => tx.applyChange(table, toChangeRecord(concurrent)));
    assert.equal(first.outcome, 'applied');
    assert.ok(first.conflict, 'concurrent writes are a conflict');
    assert.equal(first.conflict.winner.region, 'us-east-1');
    assert.deepEqual(store.getItem(table, { pk: { S: 'k' } }), { pk: { S: 'k' }, from: { S: 'us' } });
    const again = await store.transactReplicated((tx) => tx.applyChange(table, toChangeRecord(concurrent)));
    assert.equal(again.outcome, 'duplicate');
    // A remote delete that saw both writes, then a late old put: the tombstone wins.
    const deleteVersion = { wallMs: clock.currentMs + 10, logical: 0, region: 'us-east-1' };
    const remoteDelete: WireChange = {
      t: 'G',
      k: { pk: { S: 'k' } },
      v: encodeHlc(deleteVersion),
      r: concurrent.v,
      c: { 'eu-west-1': local.v, 'us-east-1': encodeHlc(deleteVersion) },
      m: clock.currentMs,
      d: ['eu-west-1'],
      o: 'us-east-1',
      s: 2,
    };
    await store.transactReplicated((tx) => tx.applyChange(table, toChangeRecord(remoteDelete)));
    assert.equal(store.getItem(table, { pk: { S: 'k' } }), undefined);
    const late = await store.transactReplicated((tx) => tx.applyChange(table, toChangeRecord(concurrent)));
    assert.equal(late.outcome, 'superseded');
    assert.equal(store.getItem(table, { pk: { S: 'k' } }), undefined);
    assert.equal(store.conflicts({ limit: 10 }).length, 1);
    assert.equal(store.conflicts({ table: 'other', limit: 10 }).length, 0);
    // Replicated changes are not logged again, but appear in this region's stream.
    assert.equal(store.outboundHighSequence(), 1);
    const events = store.streamRecords('G', 'label-1', 0, 10).map((r) => `${r.eventName}:${r.originRegion}`);
    assert.deepEqual(events, ['INSERT:eu-west-1', 'MODIFY:us-east-1', 'REMOVE:us-east-1']);
  });

  it('restores clock, counters and inbound progress after reopen', async () => {
    const table = globalTable('G', await store.allocateNumber(), ['eu-west-1', 'us-east-1']);
    await store.putTableMeta(table);
    await store.transact((tx) => tx.putItem(table, { pk: { S: 'a' } }));
    await store.transactReplicated((tx) => tx.setInboundSequence('us-east-1', 7));
    await store.saveAckWatermark('us-east-1', { sequence: 1, destined: 1 });
    const before = store.hlc.peek();
    await store.close();
    clock.currentMs -= 60_000; // the wall clock went back: versions must not
    store = await open();
    assert.equal(store.outboundHighSequence(), 1);
    assert.equal(store.inboundSequence('us-east-1'), 7);
    assert.deepEqual(store.ackWatermark('us-east-1'), { sequence: 1, destined: 1 });
    await store.transact((tx) => tx.putItem(table, { pk: { S: 'b' } }));
    const entry = store.outboundEntries(1, 1)[0]!;
    assert.equal(entry.sequence, 2);
    assert.ok(entry.change.v > encodeHlc(before));
    assert.equal(store.streamSequenceRange('G', 'label-1')?.last, 2);
  });

  it('a group commit persists counters, stats and clock once for the transactions that committed', async () => {
    const table = globalTable('G', await store.allocateNumber(), ['eu-west-1', 'us-east-1']);
    await store.putTableMeta(table);
    const failure = new Error('aborted');
    // Issued in one event turn: one group commit, whose middle transaction aborts.
    const results = await Promise.allSettled([
      store.transact((tx) => tx.putItem(table, { pk: { S: 'a' } })),
      store.transact((tx) => {
        tx.putItem(table, { pk: { S: 'doomed' } });
        throw failure;
      }),
      store.transact((tx) => {
        tx.putItem(table, { pk: { S: 'b' } });
        tx.deleteItem(table, { pk: { S: 'a' } });
        tx.putItem(table, { pk: { S: 'a' }, v: { N: '1' } });
      }),
    ]);
    assert.deepEqual(
      results.map((result) => result.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    const before = store.hlc.peek();
    await store.close();
    clock.currentMs -= 60_000; // the wall clock went back: versions must not
    store = await open();
    // Gap-free sequences: the aborted transaction took none.
    assert.equal(store.outboundHighSequence(), 4);
    assert.equal(store.destinedTotal('us-east-1'), 4);
    assert.equal(store.streamSequenceRange('G', 'label-1')?.last, 4);
    assert.equal(store.tableStats(table).itemCount, 2);
    await store.transact((tx) => tx.putItem(table, { pk: { S: 'c' } }));
    const entry = store.outboundEntries(4, 1)[0]!;
    assert.equal(entry.sequence, 5);
    assert.ok(entry.change.v > encodeHlc(before));
  });

  it('TTL deletions carry the service identity; trimming drops old stream records and acked log entries', async () => {
    const table = globalTable('G', await store.allocateNumber(), ['eu-west-1', 'us-east-1']);
    await store.putTableMeta(table);
    await store.transact((tx) => tx.putItem(table, { pk: { S: 'a' } }));
    await store.transact((tx) => tx.deleteItem(table, { pk: { S: 'a' } }, { ttlExpiry: true }));
    const removal = store.streamRecords('G', 'label-1', 1, 1)[0]!;
    assert.deepEqual(removal.userIdentity, { type: 'Service', principalId: 'dynamodb.amazonaws.com' });
    assert.equal(store.outboundEntries(1, 1)[0]!.change.x, 1);
    await store.truncateOutbound(1);
    assert.deepEqual(
      store.outboundEntries(0, 10).map((entry) => entry.sequence),
      [2],
    );
    clock.currentMs += 25 * 60 * 60 * 1000;
    await store.transact((tx) => tx.putItem(table, { pk: { S: 'b' } }));
    await (store as unknown as { runMaintenance(): Promise<void> }).runMaintenance();
    assert.deepEqual(store.streamSequenceRange('G', 'label-1'), { first: 3, last: 3 });
  });

  it('collects tombstones at or below the stable frontier', async () => {
    const table = globalTable('G', await store.allocateNumber(), ['eu-west-1', 'us-east-1'], false);
    await store.putTableMeta(table);
    await store.transact((tx) => tx.putItem(table, { pk: { S: 'a' } }));
    await store.transact((tx) => tx.deleteItem(table, { pk: { S: 'a' } }));
    assert.equal(store.itemStates(table, undefined, 10).entries.length, 1);
    assert.equal(await store.collectTombstones({ wallMs: 1, logical: 0, region: 'eu-west-1' }, 100), 0);
    assert.equal(await store.collectTombstones(store.hlc.peek(), 100), 1);
    assert.equal(store.itemStates(table, undefined, 10).entries.length, 0);
  });

  it('pages item states for backfill with a cursor', async () => {
    const table = globalTable('G', await store.allocateNumber(), ['eu-west-1', 'us-east-1'], false);
    await store.putTableMeta(table);
    await store.transact((tx) => {
      for (let i = 0; i < 25; i++) tx.putItem(table, { pk: { S: `k${String(i).padStart(2, '0')}` } });
    });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = store.itemStates(table, cursor, 10);
      for (const entry of page.entries) seen.push((entry.key.pk as { S: string }).S);
      cursor = page.nextCursor;
    } while (cursor);
    assert.equal(seen.length, 25);
    assert.deepEqual(seen, [...seen].sort());
  });
});
