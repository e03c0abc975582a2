/**
 * Creates the app's global tables: each table in the first region of APP_REGIONS (the "setup
 * region"), then a replica in every other region with UpdateTable ReplicaUpdates (one Create per
 * call, as DynamoDB requires), TTL on UserSessions, and the product catalogue. Idempotent and
 * safe to run concurrently from several instances and regions: every step first looks at what
 * exists, and the "already exists / being updated" answers of a race are treated as progress.
 */
import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type TableDescription,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Logger } from 'pino';
import { catalogue, initialStockUnits } from './catalogue.js';
import { type AppConfig, ordersByUserIndex, type TableNames, tableNames } from './config.js';
import type { DynamoClients } from './dynamo.js';
import { errorName, isConditionFailed } from './errors.js';

export interface TableSpec {
  name: string;
  input: CreateTableCommandInput;
  ttlAttribute?: string;
}

const string = (name: string): AttributeDefinition => ({ AttributeName: name, AttributeType: 'S' });

function table(name: string, hash: string, range?: string): CreateTableCommandInput {
  return {
    TableName: name,
    AttributeDefinitions: range ? [string(hash), string(range)] : [string(hash)],
    KeySchema: range
      ? [
          { AttributeName: hash, KeyType: 'HASH' },
          { AttributeName: range, KeyType: 'RANGE' },
        ]
      : [{ AttributeName: hash, KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    // Global tables replicate from the stream; DynamoDB requires NEW_AND_OLD_IMAGES.
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  };
}

export function tableSpecs(names: TableNames): TableSpec[] {
  const orders = table(names.orders, 'orderId');
  orders.AttributeDefinitions = [string('orderId'), string('userId'), string('createdAt')];
  orders.GlobalSecondaryIndexes = [
    {
      IndexName: ordersByUserIndex,
      KeySchema: [
        { AttributeName: 'userId', KeyType: 'HASH' },
        { AttributeName: 'createdAt', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
  ];
  return [
    { name: names.sessions, input: table(names.sessions, 'userId'), ttlAttribute: 'expiresAt' },
    { name: names.products, input: table(names.products, 'productId') },
    { name: names.carts, input: table(names.carts, 'userId', 'productId') },
    { name: names.orders, input: orders },
    { name: names.stock, input: table(names.stock, 'productId') },
    { name: names.heartbeats, input: table(names.heartbeats, 'region') },
  ];
}

export interface SetupOptions {
  config: AppConfig;
  clients: DynamoClients;
  logger: Logger;
  timeoutMs?: number;
}

const pollMs = 300;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Answers of a concurrent setup doing the same step: not failures, just look again. */
const raceErrors = new Set(['ResourceInUseException', 'ValidationException', 'LimitExceededException']);

class Setup {
  private readonly deadlineMs: number;
  private readonly setupRegion: string;

  constructor(private readonly options: SetupOptions) {
    this.deadlineMs = Date.now() + (options.timeoutMs ?? 120_000);
    this.setupRegion = options.config.regions[0] ?? options.config.region;
  }

  private raw(region = this.setupRegion) {
    return this.options.clients.forRegion(region).raw;
  }

  async run(): Promise<void> {
    const specs = tableSpecs(tableNames(this.options.config.tablePrefix));
    await Promise.all(specs.map((spec) => this.setUpTable(spec)));
    await this.seed();
  }

  private async setUpTable(spec: TableSpec): Promise<void> {
    await this.createIfMissing(spec);
    await this.waitUntil(spec.name, (description) => isActive(description));
    if (spec.ttlAttribute) await this.enableTtl(spec.name, spec.ttlAttribute, this.setupRegion);
    for (const region of this.options.config.regions) {
      if (region !== this.setupRegion) await this.addReplica(spec.name, region);
    }
    if (spec.ttlAttribute) {
      for (const region of this.options.config.regions)
        await this.enableTtl(spec.name, spec.ttlAttribute, region);
    }
    this.options.logger.info({ table: spec.name, regions: this.options.config.regions }, 'table ready');
  }

  private async createIfMissing(spec: TableSpec): Promise<void> {
    if (await this.describe(spec.name)) return;
    try {
      await this.raw().send(new CreateTableCommand(spec.input));
      this.options.logger.info({ table: spec.name, region: this.setupRegion }, 'table created');
    } catch (error) {
      if (errorName(error) !== 'ResourceInUseException') throw error;
    }
  }

  private async addReplica(tableName: string, region: string): Promise<void> {
    while (true) {
      const description = await this.waitUntil(tableName, (candidate) => isActive(candidate));
      const replica = description.Replicas?.find((candidate) => candidate.RegionName === region);
      if (replica) break;
      try {
        await this.raw().send(
          new UpdateTableCommand({
            TableName: tableName,
            ReplicaUpdates: [{ Create: { RegionName: region } }],
          }),
        );
        this.options.logger.info({ table: tableName, region }, 'replica requested');
      } catch (error) {
        if (!raceErrors.has(errorName(error))) throw error;
        this.options.logger.info(
          { table: tableName, region, error: errorName(error) },
          'replica race; looking again',
        );
        await this.pause(`replica of ${tableName} in ${region}`);
      }
    }
    await this.waitUntil(
      tableName,
      (description) => isActive(description) && replicaActive(description, region),
    );
  }

  private async enableTtl(tableName: string, attribute: string, region: string): Promise<void> {
    try {
      const current = await this.raw(region).send(new DescribeTimeToLiveCommand({ TableName: tableName }));
      const status = current.TimeToLiveDescription?.TimeToLiveStatus;
      if (status === 'ENABLED' || status === 'ENABLING') return;
      await this.raw(region).send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { Enabled: true, AttributeName: attribute },
        }),
      );
      this.options.logger.info({ table: tableName, region, attribute }, 'TTL enabled');
    } catch (error) {
      // "TimeToLive is already enabled" from a concurrent setup; TTL on replicas may also follow
      // the setup region by itself. Either way the item expiry is checked on read too.
      if (!raceErrors.has(errorName(error))) throw error;
    }
  }

  private async seed(): Promise<void> {
    const names = tableNames(this.options.config.tablePrefix);
    const doc = this.options.clients.forRegion(this.setupRegion).doc;
    const putIfAbsent = async (tableName: string, key: string, item: Record<string, unknown>) => {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: item,
            ConditionExpression: `attribute_not_exists(${key})`,
          }),
        );
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
      }
    };
    for (const product of catalogue) {
      await putIfAbsent(names.products, 'productId', { ...product });
      await putIfAbsent(names.stock, 'productId', { productId: product.productId, units: initialStockUnits });
    }
    this.options.logger.info({ products: catalogue.length }, 'catalogue seeded');
  }

  private async describe(tableName: string): Promise<TableDescription | null> {
    try {
      const result = await this.raw().send(new DescribeTableCommand({ TableName: tableName }));
      return result.Table ?? null;
    } catch (error) {
      if (errorName(error) === 'ResourceNotFoundException') return null;
      throw error;
    }
  }

  private async waitUntil(tableName: string, ready: (description: TableDescription) => boolean) {
    while (true) {
      const description = await this.describe(tableName);
      if (description && ready(description)) return description;
      await this.pause(`${tableName} to become ACTIVE`);
    }
  }

  private async pause(what: string): Promise<void> {
    if (Date.now() > this.deadlineMs) throw new Error(`setup timed out waiting for ${what}`);
    await sleep(pollMs);
  }
}

function isActive(description: TableDescription): boolean {
  const indexesActive = (description.GlobalSecondaryIndexes ?? []).every(
    (index) => index.IndexStatus === 'ACTIVE',
  );
  return description.TableStatus === 'ACTIVE' && indexesActive;
}

function replicaActive(description: TableDescription, region: string): boolean {
  return (
    description.Replicas?.some(
      (replica) => replica.RegionName === region && replica.ReplicaStatus === 'ACTIVE',
    ) ?? false
  );
}

export async function setUpTables(options: SetupOptions): Promise<void> {
  await new Setup(options).run();
}
