import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { describeStream } from '../../../../../src/dataplane/operations/streams/describe-stream.js';
import { openStreamsHarness, rejectsWith, type StreamsHarness } from './streams-harness.js';

const day = 24 * 60 * 60 * 1000;

describe('DescribeStream', () => {
  let harness: StreamsHarness;
  let stream: { arn: string; label: string };
  const describeIt = async (input: Record<string, unknown> = {}) =>
    (await harness.call(describeStream, { StreamArn: stream.arn, ...input })).StreamDescription as Record<
      string,
      unknown
    >;

  before(async () => {
    harness = await openStreamsHarness();
    stream = await harness.createStreamTable('Orders', 'NEW_IMAGE');
  });
  after(() => harness.close());

  test('an enabled stream: status, view type, table, key schema, one open shard', async () => {
    const description = await describeIt();
    const shards = description.Shards as Array<Record<string, unknown>>;
    assert.equal(shards.length, 1);
    const shardId = String(shards[0]?.ShardId);
    assert.match(shardId, /^shardId-\d{20}-[0-9a-f]{8}$/);
    assert.deepEqual(description, {
      StreamArn: stream.arn,
      StreamLabel: stream.label,
      StreamStatus: 'ENABLED',
      StreamViewType: 'NEW_IMAGE',
      CreationRequestDateTime: Date.parse(`${stream.label}Z`) / 1000,
      TableName: 'Orders',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      Shards: [
        { ShardId: shardId, SequenceNumberRange: { StartingSequenceNumber: '000000000000000000000' } },
      ],
    });
    assert.equal(stream.label, '2025-01-02T03:04:05.678');
  });

  test('the shard range follows the records held', async () => {
    harness.log.append({ tableName: 'Orders', streamLabel: stream.label });
    harness.log.append({ tableName: 'Orders', streamLabel: stream.label });
    const shard = ((await describeIt()).Shards as Array<Record<string, unknown>>)[0];
    assert.deepEqual(shard?.SequenceNumberRange, { StartingSequenceNumber: '000000000000000000100' });
  });

  test('ExclusiveStartShardId past the only shard, and ShardFilter CHILD_SHARDS, find no shards', async () => {
    const shardId = String(((await describeIt()).Shards as Array<Record<string, unknown>>)[0]?.ShardId);
    assert.deepEqual((await describeIt({ ExclusiveStartShardId: shardId })).Shards, []);
    assert.deepEqual(
      (await describeIt({ ShardFilter: { Type: 'CHILD_SHARDS', ShardId: shardId } })).Shards,
      [],
    );
    assert.equal((await describeIt({ Limit: 1 })).LastEvaluatedShardId, undefined);
  });

  test('unknown streams are ResourceNotFoundException with AWS message', async () => {
    const other = stream.arn.replace(stream.label, '2020-01-01T00:00:00.000');
    await rejectsWith(
      harness.call(describeStream, { StreamArn: other }),
      'ResourceNotFoundException',
      `Requested resource not found: Stream: ${other} not found`,
    );
    const elsewhere = stream.arn.replace('eu-west-1', 'us-east-1');
    await rejectsWith(
      harness.call(describeStream, { StreamArn: elsewhere }),
      'ResourceNotFoundException',
      `Requested resource not found: Stream: ${elsewhere} not found`,
    );
    const noTable = stream.arn.replace('table/Orders', 'table/Nothing');
    await rejectsWith(
      harness.call(describeStream, { StreamArn: noTable }),
      'ResourceNotFoundException',
      /Stream: .* not found/,
    );
  });

  test('malformed input', async () => {
    await rejectsWith(
      harness.call(describeStream, {}),
      'ValidationException',
      "1 validation error detected: Value null at 'streamArn' failed to satisfy constraint: Member must not be null",
    );
    await rejectsWith(
      harness.call(describeStream, { StreamArn: 'arn:aws:dynamodb', Limit: 0, ExclusiveStartShardId: 'x' }),
      'ValidationException',
      "3 validation errors detected: Value 'arn:aws:dynamodb' at 'streamArn' failed to satisfy constraint: Member must have length greater than or equal to 37; " +
        "Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
        "Value 'x' at 'exclusiveStartShardId' failed to satisfy constraint: Member must have length greater than or equal to 28",
    );
    await rejectsWith(
      harness.call(describeStream, { StreamArn: `${stream.arn.replace('/stream/', '/strem/')}` }),
      'ValidationException',
      'Invalid StreamArn',
    );
  });

  test('disabled: DISABLED, closed shard, same view type; gone after 24 hours without records', async () => {
    await harness.setStream('Orders', false);
    const description = await describeIt();
    assert.equal(description.StreamStatus, 'DISABLED');
    assert.equal(description.StreamViewType, 'NEW_IMAGE');
    assert.deepEqual((description.Shards as Array<Record<string, unknown>>)[0]?.SequenceNumberRange, {
      StartingSequenceNumber: '000000000000000000100',
      EndingSequenceNumber: '000000000000000000107',
    });
    harness.clock.nowMs += day;
    assert.equal((await describeIt()).StreamStatus, 'DISABLED', 'records are still held');
    harness.log.trimBelow(1000);
    await rejectsWith(
      harness.call(describeStream, { StreamArn: stream.arn }),
      'ResourceNotFoundException',
      /not found/,
    );
  });

  test('re-enabling makes a new stream; the old one stays readable while its records remain', async () => {
    harness.clock.nowMs += 60_000;
    const old = harness.log.append({
      tableName: 'Orders',
      streamLabel: stream.label,
      newImage: { pk: { S: 'x' } },
    });
    await harness.setStream('Orders', true, 'KEYS_ONLY');
    const table = harness.ctx.store.getTableMeta('Orders');
    assert.notEqual(table?.LatestStreamArn, stream.arn);
    const current = await harness.call(describeStream, { StreamArn: table?.LatestStreamArn });
    assert.equal((current.StreamDescription as Record<string, unknown>).StreamStatus, 'ENABLED');
    const previous = await describeIt();
    assert.equal(previous.StreamStatus, 'DISABLED');
    assert.equal(previous.StreamViewType, 'NEW_IMAGE');
    harness.log.trimBelow(old.sequence + 1);
    await rejectsWith(
      harness.call(describeStream, { StreamArn: stream.arn }),
      'ResourceNotFoundException',
      /not found/,
    );
  });
});
