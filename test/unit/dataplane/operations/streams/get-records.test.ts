import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { describeStream } from '../../../../../src/dataplane/operations/streams/describe-stream.js';
import { getRecords } from '../../../../../src/dataplane/operations/streams/get-records.js';
import { getShardIterator } from '../../../../../src/dataplane/operations/streams/get-shard-iterator.js';
import { openStreamsHarness, rejectsWith, type StreamsHarness } from './streams-harness.js';

const minute = 60 * 1000;

describe('GetShardIterator and GetRecords', () => {
  let harness: StreamsHarness;
  let stream: { arn: string; label: string };
  let shardId: string;

  const iterator = async (type: string, sequenceNumber?: string): Promise<string> => {
    const input: Record<string, unknown> = {
      StreamArn: stream.arn,
      ShardId: shardId,
      ShardIteratorType: type,
    };
    if (sequenceNumber !== undefined) input.SequenceNumber = sequenceNumber;
    return String((await harness.call(getShardIterator, input)).ShardIterator);
  };
  const read = async (shardIterator: string, limit?: number) => {
    const output = await harness.call(getRecords, {
      ShardIterator: shardIterator,
      ...(limit ? { Limit: limit } : {}),
    });
    const records = output.Records as Array<{ dynamodb: Record<string, unknown> }>;
    return {
      sequences: records.map((record) => String(record.dynamodb.SequenceNumber)),
      records,
      next: output.NextShardIterator as string | undefined,
    };
  };
  const append = (count: number) => {
    for (let i = 0; i < count; i += 1) harness.log.append({ tableName: 'Orders', streamLabel: stream.label });
  };
  const seq = (n: number) => String(n).padStart(21, '0');

  before(async () => {
    harness = await openStreamsHarness();
    stream = await harness.createStreamTable('Orders');
    const description = (await harness.call(describeStream, { StreamArn: stream.arn })).StreamDescription as {
      Shards: Array<{ ShardId: string }>;
    };
    shardId = description.Shards[0]?.ShardId ?? '';
  });
  after(() => harness.close());

  test('on an empty shard, TRIM_HORIZON and LATEST both see records written later', async () => {
    const horizon = await iterator('TRIM_HORIZON');
    const latest = await iterator('LATEST');
    assert.match(horizon, /^arn:aws:dynamodb:eu-west-1:123456789012:table\/Orders\/stream\/[^|]+\|1\|/);
    const empty = await read(horizon);
    assert.deepEqual(empty.sequences, []);
    assert.ok(empty.next, 'an open shard always has a next iterator');
    append(3); // 100, 107, 114
    assert.deepEqual((await read(horizon)).sequences, [seq(100), seq(107), seq(114)]);
    assert.deepEqual((await read(latest)).sequences, [seq(100), seq(107), seq(114)]);
    assert.deepEqual((await read(empty.next ?? '')).sequences, [seq(100), seq(107), seq(114)]);
  });

  test('LATEST starts after the newest record; AT and AFTER start at / after a record', async () => {
    const latest = await iterator('LATEST');
    assert.deepEqual((await read(latest)).sequences, []);
    assert.deepEqual((await read(await iterator('AT_SEQUENCE_NUMBER', seq(107)))).sequences, [
      seq(107),
      seq(114),
    ]);
    assert.deepEqual((await read(await iterator('AFTER_SEQUENCE_NUMBER', seq(107)))).sequences, [seq(114)]);
    append(1); // 121
    assert.deepEqual((await read(latest)).sequences, [seq(121)]);
  });

  test('paging with Limit and NextShardIterator reads every record once, in order', async () => {
    let next: string | undefined = await iterator('TRIM_HORIZON');
    const pages: string[][] = [];
    for (let i = 0; i < 4 && next; i += 1) {
      const page = await read(next, 3);
      pages.push(page.sequences);
      next = page.next;
    }
    assert.deepEqual(pages, [[seq(100), seq(107), seq(114)], [seq(121)], [], []]);
  });

  test('TRIM_HORIZON after trimming starts at the oldest record held', async () => {
    harness.log.trimBelow(110);
    assert.deepEqual((await read(await iterator('TRIM_HORIZON'))).sequences, [seq(114), seq(121)]);
    assert.deepEqual(
      (
        (await harness.call(describeStream, { StreamArn: stream.arn })).StreamDescription as {
          Shards: Array<{ SequenceNumberRange: unknown }>;
        }
      ).Shards[0]?.SequenceNumberRange,
      { StartingSequenceNumber: seq(114) },
    );
  });

  test('a sequence number older than the trim point is TrimmedDataAccessException', async () => {
    for (const type of ['AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER']) {
      await rejectsWith(
        iterator(type, seq(107)),
        'TrimmedDataAccessException',
        'The data you are trying to access has been trimmed',
      );
    }
  });

  test('an iterator whose next record is trimmed before it is used is TrimmedDataAccessException', async () => {
    const horizon = await iterator('TRIM_HORIZON');
    const paged = await read(horizon, 1);
    assert.deepEqual(paged.sequences, [seq(114)]);
    harness.log.trimBelow(115);
    await rejectsWith(read(horizon), 'TrimmedDataAccessException', /trimmed/);
    // The page's next iterator pointed at 121, which is still held.
    assert.deepEqual((await read(paged.next ?? '')).sequences, [seq(121)]);
  });

  test('iterators expire 15 minutes after they are made', async () => {
    const made = await iterator('LATEST');
    harness.clock.nowMs += 15 * minute;
    const fresh = await read(made);
    harness.clock.nowMs += 1;
    await rejectsWith(
      read(made),
      'ExpiredIteratorException',
      'Iterator expired. The iterator was created at time Thu Jan 02 03:04:05 UTC 2025 while right now it is ' +
        'Thu Jan 02 03:19:05 UTC 2025 which is further in the future than the tolerated delay of 900000 milliseconds.',
    );
    // The next iterator of a read is new: it has 15 minutes of its own.
    assert.deepEqual((await read(fresh.next ?? '')).sequences, []);
  });

  test('garbled, tampered and foreign iterators', async () => {
    await rejectsWith(read('garbage'), 'ValidationException', 'Invalid ShardIterator');
    const good = await iterator('LATEST');
    const [arn, version, signed = ''] = good.split('|');
    const [body = '', mac = ''] = signed.split('.');
    const tamperedMac = `${arn}|${version}|${body}.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`;
    await rejectsWith(read(tamperedMac), 'ValidationException', 'Invalid ShardIterator');
    const fields = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown[];
    const moved = Buffer.from(JSON.stringify([fields[0], fields[1], 0, null, fields[4]])).toString(
      'base64url',
    );
    await rejectsWith(
      read(`${arn}|${version}|${moved}.${mac}`),
      'ValidationException',
      'Invalid ShardIterator',
    );
    const otherArn = `${arn}|${version}|${body}.${mac}`.replace('table/Orders', 'table/Others');
    await rejectsWith(read(otherArn), 'ValidationException', 'Invalid ShardIterator');
    // Signed by an earlier process: cannot be checked, so it is answered as expired.
    const foreign = Buffer.from(
      JSON.stringify(['earlier', fields[1], 0, null, harness.clock.nowMs]),
    ).toString('base64url');
    await rejectsWith(
      read(`${arn}|${version}|${foreign}.${mac}`),
      'ExpiredIteratorException',
      /^Iterator expired/,
    );
    await rejectsWith(
      harness.call(getRecords, { ShardIterator: '', Limit: 0 }),
      'ValidationException',
      "2 validation errors detected: Value '' at 'shardIterator' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
  });

  test('GetShardIterator errors', async () => {
    await rejectsWith(
      harness.call(getShardIterator, { ShardIteratorType: 'SOMEWHERE', SequenceNumber: '12' }),
      'ValidationException',
      "4 validation errors detected: Value null at 'streamArn' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'shardId' failed to satisfy constraint: Member must not be null; " +
        "Value 'SOMEWHERE' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER]; " +
        "Value '12' at 'sequenceNumber' failed to satisfy constraint: Member must have length greater than or equal to 21",
    );
    await rejectsWith(
      iterator('AT_SEQUENCE_NUMBER'),
      'ValidationException',
      'SequenceNumber is required for ShardIteratorType AT_SEQUENCE_NUMBER',
    );
    await rejectsWith(
      iterator('AT_SEQUENCE_NUMBER', 'x'.repeat(21)),
      'ValidationException',
      `Invalid SequenceNumber: ${'x'.repeat(21)}`,
    );
    const otherShard = shardId.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    await rejectsWith(
      harness.call(getShardIterator, {
        StreamArn: stream.arn,
        ShardId: otherShard,
        ShardIteratorType: 'LATEST',
      }),
      'ResourceNotFoundException',
      `Requested resource not found: Shard: ${otherShard} in Stream: ${stream.arn} not found`,
    );
    const missing = stream.arn.replace(stream.label, '2021-01-01T00:00:00.000');
    await rejectsWith(
      harness.call(getShardIterator, { StreamArn: missing, ShardId: shardId, ShardIteratorType: 'LATEST' }),
      'ResourceNotFoundException',
      `Requested resource not found: Stream: ${missing} not found`,
    );
  });

  test('a page stops at about 1 MB, and Limit is capped at 1000', async () => {
    const big = harness.log.append({ tableName: 'Orders', streamLabel: stream.label, sizeBytes: 400 * 1024 });
    for (let i = 0; i < 2; i += 1)
      harness.log.append({ tableName: 'Orders', streamLabel: stream.label, sizeBytes: 400 * 1024 });
    for (let i = 0; i < 1100; i += 1)
      harness.log.append({ tableName: 'Orders', streamLabel: stream.label, sizeBytes: 1 });
    const first = await read(await iterator('AT_SEQUENCE_NUMBER', seq(big.sequence)), 1000);
    assert.equal(first.sequences.length, 2);
    const second = await read(first.next ?? '', 5000);
    assert.equal(second.sequences.length, 1000);
    const third = await read(second.next ?? '');
    assert.equal(third.sequences.length, 101);
  });

  test('a disabled stream reads to its end, then has no next iterator', async () => {
    const latestBefore = await iterator('LATEST');
    append(2);
    await harness.setStream('Orders', false);
    const page = await read(latestBefore, 1);
    assert.equal(page.sequences.length, 1);
    assert.ok(page.next, 'records remain');
    const last = await read(page.next ?? '');
    assert.equal(last.sequences.length, 1);
    assert.equal(last.next, undefined);
    assert.equal((await read(await iterator('LATEST'))).next, undefined);
  });
});
