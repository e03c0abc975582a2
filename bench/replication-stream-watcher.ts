/**
 * Worker thread of bench:replication: watches each region's DynamoDB stream with a tight
 * GetRecords loop and notes when every replicated bench write became visible there. It runs off
 * the main thread so the write load does not delay the observations.
 *
 * A record seen in a response was committed after the previous GetRecords read the log (else
 * that response would have held it) and before this response arrived, so its arrival lies in
 * [previous request sent, this response received]. Both bounds are reported; the bench uses the
 * midpoint and prints the mean half-width as the measurement's uncertainty.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { epochNowMs, RawDynamoClient, type WatcherInput, type WatcherResult } from './replication-client.js';

interface StreamRecordJson {
  dynamodb?: { NewImage?: { id?: { N?: string }; src?: { S?: string } } };
}

const input = workerData as WatcherInput;
let stopping = false;
const arrivals: number[] = [];

async function latestIterator(client: RawDynamoClient): Promise<string> {
  const { Table } = await client.call<{ Table: { LatestStreamArn: string } }>(
    'DynamoDB_20120810',
    'DescribeTable',
    { TableName: input.tableName },
  );
  const { StreamDescription } = await client.call<{
    StreamDescription: {
      Shards: Array<{ ShardId: string; SequenceNumberRange?: { EndingSequenceNumber?: string } }>;
    };
  }>('DynamoDBStreams_20120810', 'DescribeStream', { StreamArn: Table.LatestStreamArn });
  const open = StreamDescription.Shards.find((shard) => !shard.SequenceNumberRange?.EndingSequenceNumber);
  const { ShardIterator } = await client.call<{ ShardIterator: string }>(
    'DynamoDBStreams_20120810',
    'GetShardIterator',
    { StreamArn: Table.LatestStreamArn, ShardId: open?.ShardId, ShardIteratorType: 'LATEST' },
  );
  return ShardIterator;
}

async function watch(regionIndex: number, client: RawDynamoClient, firstIterator: string) {
  const regionName = input.regions[regionIndex]?.name;
  let iterator = firstIterator;
  let previousSentMs = epochNowMs();
  let polls = 0;
  let windowTotalMs = 0;
  while (!stopping) {
    const sentMs = epochNowMs();
    const page = await client.call<{ Records: StreamRecordJson[]; NextShardIterator: string }>(
      'DynamoDBStreams_20120810',
      'GetRecords',
      { ShardIterator: iterator, Limit: 1000 },
    );
    const receivedMs = epochNowMs();
    iterator = page.NextShardIterator;
    polls++;
    windowTotalMs += receivedMs - previousSentMs;
    for (const record of page.Records) {
      const image = record.dynamodb?.NewImage;
      if (!image?.id?.N || image.src?.S === regionName) continue;
      arrivals.push(Number(image.id.N), regionIndex, previousSentMs, receivedMs);
    }
    previousSentMs = sentMs;
    const restMs = input.pollFloorMs - (epochNowMs() - sentMs);
    if (restMs > 0) await new Promise((resolve) => setTimeout(resolve, restMs));
  }
  return { polls, meanWindowMs: polls > 0 ? windowTotalMs / polls : Number.NaN };
}

const clients = input.regions.map((region) => new RawDynamoClient(region.endpoint, region.name, 2));
const iterators = await Promise.all(clients.map((client) => latestIterator(client)));
parentPort?.on('message', (message: string) => {
  if (message === 'stop') stopping = true;
});
parentPort?.postMessage({ type: 'ready' });
const loops = await Promise.all(
  clients.map((client, index) => watch(index, client, iterators[index] as string)),
);
for (const client of clients) client.close();
const result: WatcherResult = {
  arrivals: Float64Array.from(arrivals),
  pollsPerRegion: loops.map((loop) => loop.polls),
  meanPollWindowMs: loops.map((loop) => loop.meanWindowMs),
};
parentPort?.postMessage({ type: 'result', result });
