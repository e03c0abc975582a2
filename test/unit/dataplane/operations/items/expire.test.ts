import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TableMeta } from '../../../../../src/dataplane/model.js';
import { batchWriteItem } from '../../../../../src/dataplane/operations/items/batch-write-item.js';
import { expireItems, isExpired } from '../../../../../src/dataplane/operations/items/expire.js';
import { getItem } from '../../../../../src/dataplane/operations/items/get-item.js';
import { updateTimeToLive } from '../../../../../src/dataplane/operations/tables/update-time-to-live.js';
import { type Harness, openItemHarness } from './item-harness.js';

describe('TTL expiry', () => {
  let harness: Harness;
  let table: TableMeta;
  const nowSeconds = () => Math.floor(harness.clock.nowMs / 1000);
  before(async () => {
    harness = await openItemHarness();
    await harness.call(updateTimeToLive, {
      TableName: 'Users',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    table = harness.ctx.store.getTableMeta('Users') as TableMeta;
    const now = nowSeconds();
    const item = (id: string, ttl?: Record<string, unknown>) => ({
      PutRequest: { Item: { userId: { S: id }, ...(ttl ? { expiresAt: ttl } : {}) } },
    });
    await harness.call(batchWriteItem, {
      RequestItems: {
        Users: [
          item('past', { N: `${now - 60}` }),
          item('now', { N: `${now}` }),
          item('future', { N: `${now + 60}` }),
          item('ancient', { N: `${now - 6 * 365 * 86400}` }),
          item('string', { S: `${now - 60}` }),
          item('none'),
        ],
      },
    });
  });
  after(() => harness.close());

  test('isExpired follows AWS rules', () => {
    const now = harness.clock.nowMs;
    assert.equal(isExpired({ t: { N: '1' } }, 't', now), false);
    assert.equal(isExpired({ t: { N: `${now / 1000 - 1}` } }, 't', now), true);
    assert.equal(isExpired({ t: { S: '1' } }, 't', now), false);
    assert.equal(isExpired({}, 't', now), false);
  });

  test('deletes only expired items, bounded by the limit, resuming where it stopped', async () => {
    const first = await expireItems(harness.ctx, table, harness.clock.nowMs, 1);
    const second = await expireItems(harness.ctx, table, harness.clock.nowMs, 10);
    const third = await expireItems(harness.ctx, table, harness.clock.nowMs, 10);
    assert.equal(first, 1);
    assert.equal(Number(second) + Number(third), 1);
    for (const id of ['past', 'now']) {
      assert.deepEqual(await harness.call(getItem, { TableName: 'Users', Key: { userId: { S: id } } }), {});
    }
    for (const id of ['future', 'ancient', 'string', 'none']) {
      assert.ok((await harness.call(getItem, { TableName: 'Users', Key: { userId: { S: id } } })).Item, id);
    }
  });
});
