/**
 * The run's data in DynamoDB, seen from outside the load: the game-day table is created (a global
 * table with a replica in every region, or — for the broken setup — an unreplicated table per
 * region), survivors are read when a fault starts, and every region is read at the end. All calls
 * go to each region's own endpoint with the AWS SDK, as an operator's script would.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  QueryCommand,
  type QueryCommandInput,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { ordersByUserIndex, tableNames } from '../../app/config.js';
import { errorMessage, PangeaError } from '../../shared/errors.js';
import {
  counterPartition,
  dynamoSetName,
  type FinalRead,
  gamedayTableFor,
  orderSetName,
  setPartition,
} from '../model.js';

export interface RegionEndpoint {
  region: string;
  /** The region's own DynamoDB endpoint (`status.regions[].endpoints.dynamodb`). */
  url: string;
}

const pageLimit = 1000;
const maxPages = 200;
const ordersTable = tableNames('').orders;

export class GamedayData {
  private readonly clients = new Map<string, DynamoDBClient>();

  constructor(
    private readonly endpoints: RegionEndpoint[],
    readonly replicated: boolean,
    private readonly requestTimeoutMs = 5_000,
  ) {}

  get table(): string {
    return gamedayTableFor(this.replicated);
  }

  client(region: string): DynamoDBClient {
    let client = this.clients.get(region);
    if (!client) {
      const endpoint = this.endpoints.find((candidate) => candidate.region === region);
      if (!endpoint) throw new PangeaError('UnknownRegion', `no DynamoDB endpoint for ${region}`);
      const config: DynamoDBClientConfig = {
        region,
        endpoint: endpoint.url,
        credentials: { accessKeyId: 'pangea', secretAccessKey: 'pangea' },
        maxAttempts: 2,
        requestHandler: { requestTimeout: this.requestTimeoutMs, connectionTimeout: this.requestTimeoutMs },
      };
      client = new DynamoDBClient(config);
      this.clients.set(region, client);
    }
    return client;
  }

  close(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }

  /** Creates what is missing and waits until every region can serve the table (bounded by timeoutMs). */
  async ensureTable(timeoutMs = 60_000): Promise<void> {
    const regions = this.endpoints.map((endpoint) => endpoint.region);
    const deadline = Date.now() + timeoutMs;
    if (this.replicated) {
      const [home, ...others] = regions;
      if (!home) throw new PangeaError('NoRegions', 'the world has no regions');
      await this.createIfMissing(home, true);
      await this.waitActive(home, deadline);
      for (const region of others) {
        if (await this.hasReplica(home, region)) continue;
        await this.client(home).send(
          new UpdateTableCommand({
            TableName: this.table,
            ReplicaUpdates: [{ Create: { RegionName: region } }],
          }),
        );
        await this.waitActive(home, deadline);
      }
      for (const region of regions) await this.waitActive(region, deadline);
    } else {
      for (const region of regions) {
        await this.createIfMissing(region, false);
        await this.waitActive(region, deadline);
      }
    }
  }

  private async createIfMissing(region: string, withStream: boolean): Promise<void> {
    try {
      await this.client(region).send(
        new CreateTableCommand({
          TableName: this.table,
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          BillingMode: 'PAY_PER_REQUEST',
          ...(withStream
            ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }
            : {}),
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'ResourceInUseException') throw error;
    }
  }

  private async hasReplica(home: string, region: string): Promise<boolean> {
    const { Table } = await this.client(home).send(new DescribeTableCommand({ TableName: this.table }));
    return (Table?.Replicas ?? []).some((replica) => replica.RegionName === region);
  }

  /** The table and every replica it lists are ACTIVE in `region`. */
  private async waitActive(region: string, deadlineMs: number): Promise<void> {
    for (;;) {
      try {
        const { Table } = await this.client(region).send(new DescribeTableCommand({ TableName: this.table }));
        const replicasActive = (Table?.Replicas ?? []).every((replica) => replica.ReplicaStatus === 'ACTIVE');
        if (Table?.TableStatus === 'ACTIVE' && replicasActive) return;
      } catch (error) {
        if ((error as Error).name !== 'ResourceNotFoundException') throw error;
      }
      if (Date.now() > deadlineMs)
        throw new PangeaError(
          'GamedaySetupTimeout',
          `${this.table} did not become ACTIVE in ${region} in time`,
        );
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Every item of one partition key, all pages (bounded). */
  private async queryAll(region: string, input: QueryCommandInput): Promise<Array<Record<string, unknown>>> {
    const items: Array<Record<string, unknown>> = [];
    let startKey: QueryCommandInput['ExclusiveStartKey'];
    for (let page = 0; page < maxPages; page++) {
      const answer = await this.client(region).send(
        new QueryCommand({ ...input, Limit: pageLimit, ExclusiveStartKey: startKey }),
      );
      items.push(...((answer.Items ?? []) as Array<Record<string, unknown>>));
      startKey = answer.LastEvaluatedKey;
      if (!startKey) return items;
    }
    throw new PangeaError('ReadTooLarge', `more than ${maxPages} pages in ${input.TableName} of ${region}`);
  }

  private async partition(region: string, pk: string): Promise<Array<Record<string, unknown>>> {
    return this.queryAll(region, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: pk } },
      ConsistentRead: true,
    });
  }

  private async orderIds(region: string, userId: string): Promise<string[]> {
    const items = await this.queryAll(region, {
      TableName: ordersTable,
      IndexName: ordersByUserIndex,
      KeyConditionExpression: 'userId = :userId',
      ExpressionAttributeValues: { ':userId': { S: userId } },
      ProjectionExpression: 'orderId',
    });
    return items.map((item) => (item.orderId as { S?: string } | undefined)?.S ?? '').filter(Boolean);
  }

  /** The run's sets as one region holds them: its DynamoDB set and the given users' orders. */
  async readSets(region: string, runId: string, orderUsers: string[]): Promise<Record<string, string[]>> {
    const sets: Record<string, string[]> = {};
    const elements = await this.partition(region, setPartition(runId));
    sets[dynamoSetName(runId)] = elements.map((item) => (item.sk as { S: string }).S).sort();
    for (const userId of orderUsers)
      sets[orderSetName(userId)] = (await this.orderIds(region, userId)).sort();
    return sets;
  }

  async readCounters(region: string, runId: string): Promise<Record<string, number | null>> {
    const counters: Record<string, number | null> = {};
    for (const item of await this.partition(region, counterPartition(runId))) {
      const name = (item.sk as { S: string }).S;
      const value = (item.n as { N?: string } | undefined)?.N;
      counters[name] = value === undefined ? null : Number(value);
    }
    return counters;
  }

  async finalRead(region: string, runId: string, orderUsers: string[]): Promise<FinalRead> {
    try {
      const sets = await this.readSets(region, runId, orderUsers);
      const counters = await this.readCounters(region, runId);
      return { region, ok: true, error: null, sets, counters };
    } catch (error) {
      return { region, ok: false, error: errorMessage(error), sets: {}, counters: {} };
    }
  }
}

/** Two final reads hold the same data (sets as sets, counters by value). */
export function sameData(a: FinalRead, b: FinalRead): boolean {
  return canonical(a) === canonical(b);
}

function canonical(read: FinalRead): string {
  const sets = Object.keys(read.sets)
    .sort()
    .map((name) => [name, [...(read.sets[name] ?? [])].sort()]);
  const counters = Object.keys(read.counters)
    .sort()
    .map((name) => [name, read.counters[name] ?? null]);
  return JSON.stringify({ sets, counters });
}
