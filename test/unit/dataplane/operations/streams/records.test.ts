import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { describeStream } from '../../../../../src/dataplane/operations/streams/describe-stream.js';
import { getRecords } from '../../../../../src/dataplane/operations/streams/get-records.js';
import { getShardIterator } from '../../../../../src/dataplane/operations/streams/get-shard-iterator.js';
import { formatSequence, parseSequence } from '../../../../../src/dataplane/operations/streams/records.js';
import { key, openStreamsHarness, type StreamsHarness } from './streams-harness.js';

const oldImage = { pk: { S: 'a' }, colour: { S: 'red' } };
const newImage = { pk: { S: 'a' }, colour: { S: 'blue' } };

describe('stream records', () => {
  let harness: StreamsHarness;
  before(async () => {
    harness = await openStreamsHarness();
  });
  after(() => harness.close());

  /** Creates a table with `viewType`, logs one MODIFY with both images, reads it back. */
  async function readModify(tableName: string, viewType: string): Promise<Record<string, unknown>> {
    const stream = await harness.createStreamTable(tableName, viewType);
    harness.log.append({
      tableName,
      streamLabel: stream.label,
      eventName: 'MODIFY',
      keys: key('a'),
      oldImage,
      newImage,
      approximateCreationMs: Date.UTC(2025, 0, 2, 3, 4, 5, 999),
      sizeBytes: 42,
    });
    const shards = (
      (await harness.call(describeStream, { StreamArn: stream.arn })).StreamDescription as {
        Shards: Array<{ ShardId: string }>;
      }
    ).Shards;
    const iterator = await harness.call(getShardIterator, {
      StreamArn: stream.arn,
      ShardId: shards[0]?.ShardId,
      ShardIteratorType: 'TRIM_HORIZON',
    });
    const output = await harness.call(getRecords, { ShardIterator: iterator.ShardIterator });
    const records = output.Records as Array<Record<string, unknown>>;
    assert.equal(records.length, 1);
    return records[0] ?? {};
  }

  test("a record in AWS's shape", async () => {
    const record = await readModify('Shapes', 'NEW_AND_OLD_IMAGES');
    assert.match(String(record.eventID), /^[0-9a-f]{32}$/);
    const { eventID, ...rest } = record;
    assert.deepEqual(rest, {
      eventName: 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-west-1',
      dynamodb: {
        ApproximateCreationDateTime: Date.UTC(2025, 0, 2, 3, 4, 5) / 1000,
        Keys: key('a'),
        NewImage: newImage,
        OldImage: oldImage,
        SequenceNumber: formatSequence(100),
        SizeBytes: 42,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
  });

  test('the view type decides which images a record carries', async () => {
    const images = async (tableName: string, viewType: string) => {
      const dynamodb = (await readModify(tableName, viewType)).dynamodb as Record<string, unknown>;
      assert.equal(dynamodb.StreamViewType, viewType);
      return { old: dynamodb.OldImage, new: dynamodb.NewImage, keys: dynamodb.Keys };
    };
    assert.deepEqual(await images('KeysOnly', 'KEYS_ONLY'), {
      old: undefined,
      new: undefined,
      keys: key('a'),
    });
    assert.deepEqual(await images('NewOnly', 'NEW_IMAGE'), { old: undefined, new: newImage, keys: key('a') });
    assert.deepEqual(await images('OldOnly', 'OLD_IMAGE'), { old: oldImage, new: undefined, keys: key('a') });
  });

  test('TTL deletions carry the service identity', async () => {
    const stream = await harness.createStreamTable('Expiring', 'KEYS_ONLY');
    harness.log.append({
      tableName: 'Expiring',
      streamLabel: stream.label,
      eventName: 'REMOVE',
      userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
    });
    const shardId = (
      (await harness.call(describeStream, { StreamArn: stream.arn })).StreamDescription as {
        Shards: Array<{ ShardId: string }>;
      }
    ).Shards[0]?.ShardId;
    const iterator = await harness.call(getShardIterator, {
      StreamArn: stream.arn,
      ShardId: shardId,
      ShardIteratorType: 'TRIM_HORIZON',
    });
    const [record] = (await harness.call(getRecords, { ShardIterator: iterator.ShardIterator }))
      .Records as Array<Record<string, unknown>>;
    assert.deepEqual(record?.userIdentity, { type: 'Service', principalId: 'dynamodb.amazonaws.com' });
    assert.equal(record?.eventName, 'REMOVE');
  });

  test('sequence numbers: 21 digits at least, sorting as numbers; parsing clamps huge ones', () => {
    assert.equal(formatSequence(7), '000000000000000000007');
    assert.ok(formatSequence(99) < formatSequence(100));
    assert.equal(parseSequence('000000000000000000107'), 107);
    assert.equal(parseSequence('9'.repeat(40)), Number.MAX_SAFE_INTEGER);
    assert.equal(parseSequence('12a'), undefined);
  });
});
