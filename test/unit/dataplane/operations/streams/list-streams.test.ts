import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { listStreams } from '../../../../../src/dataplane/operations/streams/list-streams.js';
import { createTable } from '../../../../../src/dataplane/operations/tables/create-table.js';
import { simpleTable } from '../tables/harness.js';
import { openStreamsHarness, rejectsWith, type StreamsHarness } from './streams-harness.js';

const day = 24 * 60 * 60 * 1000;

describe('ListStreams', () => {
  let harness: StreamsHarness;
  const arns: Record<string, string> = {};
  before(async () => {
    harness = await openStreamsHarness();
    for (const name of ['Cats', 'Ants', 'Bees']) {
      arns[name] = (await harness.createStreamTable(name)).arn;
      harness.clock.nowMs += 1000;
    }
    await harness.call(createTable, simpleTable('NoStream'));
    await harness.settle();
  });
  after(() => harness.close());

  test('lists every table stream, by ARN, with table name and label', async () => {
    const output = await harness.call(listStreams, {});
    const streams = output.Streams as Array<Record<string, string>>;
    assert.deepEqual(
      streams.map((stream) => stream.TableName),
      ['Ants', 'Bees', 'Cats'],
    );
    const ants = streams[0];
    assert.equal(ants?.StreamArn, arns.Ants);
    assert.equal(ants?.StreamLabel, arns.Ants?.split('/stream/')[1]);
    assert.match(
      ants?.StreamArn ?? '',
      /^arn:aws:dynamodb:eu-west-1:123456789012:table\/Ants\/stream\/\d{4}-/,
    );
    assert.equal(output.LastEvaluatedStreamArn, undefined);
  });

  test('TableName filters; a table without a stream has none', async () => {
    const output = await harness.call(listStreams, { TableName: 'Bees' });
    assert.deepEqual(output, {
      Streams: [{ StreamArn: arns.Bees, TableName: 'Bees', StreamLabel: arns.Bees?.split('/stream/')[1] }],
    });
    assert.deepEqual(await harness.call(listStreams, { TableName: 'NoStream' }), { Streams: [] });
    assert.deepEqual(await harness.call(listStreams, { TableName: 'Missing' }), { Streams: [] });
  });

  test('pages with Limit, LastEvaluatedStreamArn and ExclusiveStartStreamArn', async () => {
    const first = await harness.call(listStreams, { Limit: 2 });
    assert.equal((first.Streams as unknown[]).length, 2);
    assert.equal(first.LastEvaluatedStreamArn, arns.Bees);
    const second = await harness.call(listStreams, {
      Limit: 2,
      ExclusiveStartStreamArn: first.LastEvaluatedStreamArn,
    });
    assert.deepEqual(
      (second.Streams as Array<Record<string, string>>).map((stream) => stream.TableName),
      ['Cats'],
    );
    assert.equal(second.LastEvaluatedStreamArn, undefined);
  });

  test('stage-1 constraint errors', async () => {
    await rejectsWith(
      harness.call(listStreams, { Limit: 0, TableName: 'a!', ExclusiveStartStreamArn: 'short' }),
      'ValidationException',
      "4 validation errors detected: Value 'short' at 'exclusiveStartStreamArn' failed to satisfy constraint: Member must have length greater than or equal to 37; " +
        "Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
        "Value 'a!' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
        "Value 'a!' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3",
    );
    await rejectsWith(
      harness.call(listStreams, { Limit: 'ten' }),
      'SerializationException',
      'STRING_VALUE cannot be converted to Long',
    );
  });

  test('a disabled stream stays listed for 24 hours, then only while its records remain', async () => {
    await harness.setStream('Cats', false);
    const listed = async () =>
      ((await harness.call(listStreams, { TableName: 'Cats' })).Streams as unknown[]).length;
    assert.equal(await listed(), 1);
    harness.clock.nowMs += day;
    assert.equal(await listed(), 0);
    harness.log.append({ tableName: 'Cats', streamLabel: arns.Cats?.split('/stream/')[1] ?? '' });
    assert.equal(await listed(), 1);
  });
});
