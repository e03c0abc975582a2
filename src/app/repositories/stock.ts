/**
 * Stock (hash key productId, a numeric `units` counter). Besides product stock it holds the
 * counter demo's items, keyed `demo#...`, which show what last-writer-wins replication does to
 * concurrent increments:
 * - `demo#set`: read-modify-write (GetItem, then PutItem of value + 1). Loses increments even in
 *   one region when two writers interleave, and across regions whenever writes cross in flight.
 * - `demo#add`: one shared item incremented with UpdateItem ADD. Atomic inside a region, but
 *   global tables replicate whole items and keep the last writer, so concurrent ADDs in two
 *   regions still lose one side's increments.
 * - `demo#region#<region>`: one item per region, each incremented with ADD only by its own region.
 *   No item has two writer regions, so nothing is overwritten; the total is the sum.
 * - `demo#attempts#<mode>#<region>`: how many increments each region attempted (per-region items,
 *   so they are exact), the yardstick for the losses.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';

export const counterModes = ['set', 'add', 'region'] as const;
export type CounterMode = (typeof counterModes)[number];

export interface StockItem {
  productId: string;
  units: number;
}

export interface CounterDemo {
  set: number;
  add: number;
  perRegion: Record<string, number>;
  attempts: Record<CounterMode, Record<string, number>>;
}

const demoPrefix = 'demo#';

export class StockRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly region: string,
  ) {}

  async unitsByProduct(): Promise<Map<string, number>> {
    const units = new Map<string, number>();
    for (const item of await this.scanAll()) {
      if (!item.productId.startsWith(demoPrefix)) units.set(item.productId, Number(item.units ?? 0));
    }
    return units;
  }

  async increment(mode: CounterMode): Promise<void> {
    if (mode === 'set') await this.readModifyWrite(`${demoPrefix}set`);
    else if (mode === 'add') await this.add(`${demoPrefix}add`);
    else await this.add(`${demoPrefix}region#${this.region}`);
    await this.add(`${demoPrefix}attempts#${mode}#${this.region}`);
  }

  async readDemo(): Promise<CounterDemo> {
    const demo: CounterDemo = { set: 0, add: 0, perRegion: {}, attempts: { set: {}, add: {}, region: {} } };
    for (const item of await this.scanAll()) {
      const [, kind, modeOrRegion, region] = item.productId.split('#');
      const units = Number(item.units ?? 0);
      if (kind === 'set') demo.set = units;
      else if (kind === 'add') demo.add = units;
      else if (kind === 'region' && modeOrRegion) demo.perRegion[modeOrRegion] = units;
      else if (
        kind === 'attempts' &&
        region &&
        (counterModes as readonly string[]).includes(modeOrRegion ?? '')
      ) {
        demo.attempts[modeOrRegion as CounterMode][region] = units;
      }
    }
    return demo;
  }

  private async readModifyWrite(productId: string): Promise<void> {
    const current = await this.doc.send(new GetCommand({ TableName: this.table, Key: { productId } }));
    const units = Number((current.Item as StockItem | undefined)?.units ?? 0);
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { productId, units: units + 1 } }));
  }

  private async add(productId: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { productId },
        UpdateExpression: 'ADD units :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
  }

  private async scanAll(): Promise<StockItem[]> {
    const items: StockItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new ScanCommand({ TableName: this.table, ExclusiveStartKey: startKey }),
      );
      items.push(...((page.Items ?? []) as StockItem[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}
