/**
 * A minimal DynamoDB / DynamoDB Streams JSON client for the hot loops of bench:replication. The
 * SDK costs a few hundred microseconds of CPU per call; at thousands of calls per second on a small
 * machine that would slow the bench process itself and show up as replication lag. Pangea's
 * endpoints do not verify signatures by default, so a well-formed but unsigned header is enough.
 */
import http from 'node:http';

export type Api = 'DynamoDB_20120810' | 'DynamoDBStreams_20120810';

export class RawDynamoClient {
  private readonly agent: http.Agent;
  private readonly url: URL;

  /** `region` goes into the credential scope: Pangea serves the region the request is signed for. */
  constructor(
    endpoint: string,
    private readonly region: string,
    maxSockets: number,
  ) {
    this.url = new URL(endpoint);
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  call<T>(api: Api, operation: string, input: unknown): Promise<T> {
    const payload = Buffer.from(JSON.stringify(input));
    const date = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: this.url.hostname,
          port: this.url.port,
          method: 'POST',
          path: '/',
          agent: this.agent,
          headers: {
            'content-type': 'application/x-amz-json-1.0',
            'content-length': payload.length,
            'x-amz-target': `${api}.${operation}`,
            'x-amz-date': date,
            authorization: `AWS4-HMAC-SHA256 Credential=bench/${date.slice(0, 8)}/${this.region}/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (response.statusCode !== 200) {
              reject(new Error(`${operation} failed with ${response.statusCode}: ${text.slice(0, 300)}`));
              return;
            }
            resolve(JSON.parse(text) as T);
          });
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Wall-clock epoch ms with sub-millisecond resolution, comparable across worker threads. */
export function epochNowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** What the stream watcher (a worker thread) is given and gives back. */
export interface WatcherInput {
  tableName: string;
  regions: Array<{ name: string; endpoint: string }>;
  /** Shortest time between two GetRecords of one region (the loop is otherwise back to back). */
  pollFloorMs: number;
}

/** Per observation: write id, destination index, earliest and latest possible arrival (epoch ms). */
export const fieldsPerArrival = 4;

export interface WatcherResult {
  arrivals: Float64Array;
  pollsPerRegion: number[];
  meanPollWindowMs: number[];
}
