/**
 * The Streams API over the real store: item writes through the item handlers append stream
 * records (in the store's write transaction), which GetRecords reads back in AWS's shape.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { deleteItem } from '../../../../../src/dataplane/operations/items/delete-item.js';
import { putItem } from '../../../../../src/dataplane/operations/items/put-item.js';
import { updateItem } from '../../../../../src/dataplane/operations/items/update-item.js';
import { describeStream } from '../../../../../src/dataplane/operations/streams/describe-stream.js';
import { getRecords } from '../../../../../src/dataplane/operations/streams/get-records.js';
import { getShardIterator } from '../../../../../src/dataplane/operations/streams/get-shard-iterator.js';
import { listStreams } from '../../../../../src/dataplane/operations/streams/list-streams.js';
import { createTable } from '../../../../../src/dataplane/operations/tables/create-table.js';
import type { StreamLogReader } from '../../../../../src/dataplane/storage/types.js';
import { type Harness, openHarness, simpleTable } from '../tables/harness.js';

const storeHasStreamLog = async (): Promise<boolean> => {
  const harness = await openHarness();
  const reader = harness.ctx.store as unknown as Partial<StreamLogReader>;
  const has = typeof reader.streamRecords === 'function' && typeof reader.streamSequenceRange === 'function';
  await harness.close();
  return has;
};

describe('Streams end to end with the real store', async () => {
  const skip = !(await storeHasStreamLog()) && 'the store does not implement StreamLogReader yet';
  let harness: Harness;
  let streamArn: string;

  before(async () => {
    if (skip) return;
    harness = await openHarness();
    const created = await harness.call(
      createTable,
      simpleTable('Orders', {
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    await harness.settle();
    streamArn = String((created.TableDescription as Record<string, unknown>).LatestStreamArn);
  });
  after(() => (skip ? undefined : harness.close()));

  const readAll = async (type = 'TRIM_HORIZON') => {
    const description = (await harness.call(describeStream, { StreamArn: streamArn })).StreamDescription as {
      Shards: Array<{ ShardId: string }>;
    };
    const { ShardIterator } = await harness.call(getShardIterator, {
      StreamArn: streamArn,
      ShardId: description.Shards[0]?.ShardId,
      ShardIteratorType: type,
    });
    const output = await harness.call(getRecords, { ShardIterator });
    return output.Records as Array<{ eventName: string; dynamodb: Record<string, unknown> }>;
  };

  test('PutItem, UpdateItem and DeleteItem come back as INSERT, MODIFY and REMOVE', { skip }, async () => {
    assert.deepEqual(
      ((await harness.call(listStreams, {})).Streams as Array<Record<string, string>>).map(
        (s) => s.StreamArn,
      ),
      [streamArn],
    );
    const pk = { S: 'o1' };
    await harness.call(putItem, { TableName: 'Orders', Item: { pk, status: { S: 'new' } } });
    await harness.call(updateItem, {
      TableName: 'Orders',
      Key: { pk },
      UpdateExpression: 'SET #s = :s',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':s': { S: 'paid' } },
    });
    await harness.call(deleteItem, { TableName: 'Orders', Key: { pk } });

    const records = await readAll();
    assert.deepEqual(
      records.map((record) => record.eventName),
      ['INSERT', 'MODIFY', 'REMOVE'],
    );
    const [insert, modify, remove] = records.map((record) => record.dynamodb);
    assert.deepEqual(insert?.Keys, { pk });
    assert.deepEqual(insert?.NewImage, { pk, status: { S: 'new' } });
    assert.equal(insert?.OldImage, undefined);
    assert.deepEqual(modify?.OldImage, { pk, status: { S: 'new' } });
    assert.deepEqual(modify?.NewImage, { pk, status: { S: 'paid' } });
    assert.deepEqual(remove?.OldImage, { pk, status: { S: 'paid' } });
    assert.equal(remove?.NewImage, undefined);
    const sequences = records.map((record) => String(record.dynamodb.SequenceNumber));
    assert.ok(sequences.every((sequence) => /^\d{21}$/.test(sequence)));
    assert.deepEqual([...sequences].sort(), sequences);
    assert.ok(records.every((record) => record.dynamodb.StreamViewType === 'NEW_AND_OLD_IMAGES'));
    assert.ok(records.every((record) => Number(record.dynamodb.SizeBytes) > 0));
  });

  test('LATEST sees only later writes', { skip }, async () => {
    assert.deepEqual(await readAll('LATEST'), []);
  });
});
