/**
 * DynamoDB's capacity arithmetic and the ConsumedCapacity response shape.
 * Units: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html
 * (reads: 4 KB per unit, eventually consistent half, transactional double; writes: 1 KB per
 * unit, transactional double; the larger of the old and new item sizes counts for a write).
 * Index writes: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.ThroughputConsiderations.Writes
 * Shape: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ConsumedCapacity.html
 */
import type { IndexMeta, Item, TableMeta } from '../../model.js';
import { itemSizeBytes } from '../../values/index.js';
import { allIndexes, inIndex, keyAttributeNames } from './keys.js';

export const returnConsumedCapacityValues = ['INDEXES', 'TOTAL', 'NONE'] as const;
export type ReturnConsumedCapacity = (typeof returnConsumedCapacityValues)[number];

/** Whether the response carries ConsumedCapacity: otherwise metering is work nobody sees. */
export const reportsCapacity = (mode: string | undefined): boolean => mode === 'TOTAL' || mode === 'INDEXES';

export type ReadConsistency = 'eventual' | 'strong' | 'transactional';

const readUnitBytes = 4096;
const writeUnitBytes = 1024;

/** Units for reading one item (or one Query/Scan page) of `sizeBytes`; never less than one unit. */
export function readUnits(sizeBytes: number, consistency: ReadConsistency): number {
  const units = Math.max(1, Math.ceil(sizeBytes / readUnitBytes));
  if (consistency === 'eventual') return units / 2;
  return consistency === 'transactional' ? units * 2 : units;
}

/** Units for writing one item of `sizeBytes` (the larger of old and new); never less than one. */
export function writeUnits(sizeBytes: number, transactional = false): number {
  const units = Math.max(1, Math.ceil(sizeBytes / writeUnitBytes));
  return transactional ? units * 2 : units;
}

/** The item as an index stores it: table key, index key, and the projected attributes. */
export function projectForIndex(table: TableMeta, index: IndexMeta, item: Item): Item {
  if (index.Projection.ProjectionType === 'ALL') return item;
  const names = new Set([
    ...keyAttributeNames(table),
    ...index.KeySchema.map((element) => element.AttributeName),
    ...(index.Projection.ProjectionType === 'INCLUDE' ? (index.Projection.NonKeyAttributes ?? []) : []),
  ]);
  const projected: Item = {};
  for (const name of names) {
    const value = item[name];
    if (value !== undefined) projected[name] = value;
  }
  return projected;
}

const sameIndexKey = (index: IndexMeta, a: Item, b: Item): boolean =>
  index.KeySchema.every(
    ({ AttributeName }) => JSON.stringify(a[AttributeName]) === JSON.stringify(b[AttributeName]),
  );

/**
 * Write units an index consumes when an item goes from `before` to `after` (undefined = absent):
 * a new entry or a removed entry costs one write, a changed index key costs a delete plus a put,
 * a change to projected attributes only costs one write, and an untouched entry costs nothing.
 */
export function indexWriteUnits(
  table: TableMeta,
  index: IndexMeta,
  before: Item | undefined,
  after: Item | undefined,
  transactional = false,
): number {
  const old = before && inIndex(index, before) ? projectForIndex(table, index, before) : undefined;
  const next = after && inIndex(index, after) ? projectForIndex(table, index, after) : undefined;
  const cost = (entry: Item): number => writeUnits(itemSizeBytes(entry), transactional);
  if (old && next) {
    if (!sameIndexKey(index, old, next)) return cost(old) + cost(next);
    if (JSON.stringify(old) === JSON.stringify(next)) return 0;
    return writeUnits(Math.max(itemSizeBytes(old), itemSizeBytes(next)), transactional);
  }
  if (old) return cost(old);
  if (next) return cost(next);
  return 0;
}

/** Capacity consumed on one table and its indexes, accumulated over one request. */
export class CapacityMeter {
  private tableUnits = 0;
  private readonly indexUnits = new Map<string, { kind: 'GSI' | 'LSI'; units: number }>();

  constructor(
    readonly tableName: string,
    /** Transactions report ReadCapacityUnits / WriteCapacityUnits alongside CapacityUnits. */
    private readonly split?: 'read' | 'write',
  ) {}

  addTable(units: number): void {
    this.tableUnits += units;
  }

  addIndex(index: IndexMeta, units: number): void {
    const entry = this.indexUnits.get(index.IndexName) ?? { kind: index.kind, units: 0 };
    entry.units += units;
    this.indexUnits.set(index.IndexName, entry);
  }

  /** Table write plus every index's write for one item change. */
  addWrite(table: TableMeta, before: Item | undefined, after: Item | undefined, transactional = false): void {
    const sizeBytes = Math.max(before ? itemSizeBytes(before) : 0, after ? itemSizeBytes(after) : 0);
    this.addTable(writeUnits(sizeBytes, transactional));
    for (const index of allIndexes(table)) {
      const units = indexWriteUnits(table, index, before, after, transactional);
      if (units > 0) this.addIndex(index, units);
    }
  }

  get totalUnits(): number {
    let total = this.tableUnits;
    for (const { units } of this.indexUnits.values()) total += units;
    return total;
  }

  private capacity(units: number): Record<string, number> {
    const capacity: Record<string, number> = { CapacityUnits: units };
    if (this.split === 'read') capacity.ReadCapacityUnits = units;
    if (this.split === 'write') capacity.WriteCapacityUnits = units;
    return capacity;
  }

  /** The ConsumedCapacity member for this table, or undefined when NONE / absent. */
  build(mode: ReturnConsumedCapacity | undefined): Record<string, unknown> | undefined {
    if (mode !== 'TOTAL' && mode !== 'INDEXES') return undefined;
    const consumed: Record<string, unknown> = {
      TableName: this.tableName,
      ...this.capacity(this.totalUnits),
    };
    if (mode === 'TOTAL') return consumed;
    // A Query or Scan of an index reads no table entries; AWS then leaves the Table detail out.
    if (this.tableUnits > 0 || this.indexUnits.size === 0) consumed.Table = this.capacity(this.tableUnits);
    for (const kind of ['LSI', 'GSI'] as const) {
      const entries = [...this.indexUnits].filter(([, entry]) => entry.kind === kind);
      if (entries.length === 0) continue;
      const member = kind === 'GSI' ? 'GlobalSecondaryIndexes' : 'LocalSecondaryIndexes';
      consumed[member] = Object.fromEntries(
        entries.map(([name, entry]) => [name, this.capacity(entry.units)]),
      );
    }
    return consumed;
  }
}

/** Meters for a multi-table request (batch and transactions), in first-use order. */
export class CapacityLedger {
  private readonly meters = new Map<string, CapacityMeter>();

  constructor(private readonly split?: 'read' | 'write') {}

  meter(tableName: string): CapacityMeter {
    let meter = this.meters.get(tableName);
    if (!meter) {
      meter = new CapacityMeter(tableName, this.split);
      this.meters.set(tableName, meter);
    }
    return meter;
  }

  /** The ConsumedCapacity list, or undefined when NONE / absent. */
  build(mode: ReturnConsumedCapacity | undefined): Record<string, unknown>[] | undefined {
    if (mode !== 'TOTAL' && mode !== 'INDEXES') return undefined;
    return [...this.meters.values()].map((meter) => meter.build(mode) as Record<string, unknown>);
  }
}
