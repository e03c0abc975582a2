/**
 * How tables, secondary indexes and the TTL index map onto LMDB keys and values.
 *
 * - Item key:        tableNumber (4 bytes) + partition value + [sort value]
 * - Index entry key: indexId (4 bytes) + index partition + [index sort] + table partition + [table sort]
 *   (duplicate index keys are allowed and ordered by table key); value = the projected item.
 * - TTL entry key:   tableNumber (4 bytes) + expiry number + table partition + [table sort];
 *   value = the item's table key.
 * Values use key-codec.ts; keys longer than LMDB allows are stored cut and hashed (storedKey).
 */
import type {
  AttributeValue,
  IndexMeta,
  Item,
  KeySchemaElement,
  ScalarKeyType,
  TableMeta,
} from '../model.js';
import { StorageError } from './errors.js';
import { encodeKeyValue, encodeNumber, scalarType, storagePrefix } from './key-codec.js';

export interface KeyPart {
  name: string;
  type: ScalarKeyType;
}

export interface KeyShape {
  partition: KeyPart;
  sort?: KeyPart;
}

function keyPart(table: TableMeta, element: KeySchemaElement | undefined): KeyPart | undefined {
  if (!element) return undefined;
  const definition = table.AttributeDefinitions.find(
    (candidate) => candidate.AttributeName === element.AttributeName,
  );
  // A key attribute always has a definition; 'S' only keeps a corrupt meta from crashing reads.
  return { name: element.AttributeName, type: definition?.AttributeType ?? 'S' };
}

function shapeOf(table: TableMeta, keySchema: KeySchemaElement[]): KeyShape {
  const partition = keyPart(
    table,
    keySchema.find((element) => element.KeyType === 'HASH'),
  );
  if (!partition) throw new StorageError('MISSING_KEY_ATTRIBUTE', `${table.TableName} has no HASH key`);
  const sort = keyPart(
    table,
    keySchema.find((element) => element.KeyType === 'RANGE'),
  );
  return sort ? { partition, sort } : { partition };
}

/** Shapes of the cached, frozen metas (a meta never changes once frozen; a new one replaces it). */
const frozenTableShapes = new WeakMap<TableMeta, KeyShape>();

export function tableShape(table: TableMeta): KeyShape {
  if (!Object.isFrozen(table)) return shapeOf(table, table.KeySchema);
  let shape = frozenTableShapes.get(table);
  if (!shape) {
    shape = shapeOf(table, table.KeySchema);
    frozenTableShapes.set(table, shape);
  }
  return shape;
}
export const indexShape = (table: TableMeta, index: IndexMeta): KeyShape => shapeOf(table, index.KeySchema);

export const allIndexes = (table: TableMeta): IndexMeta[] => [
  ...table.GlobalSecondaryIndexes,
  ...table.LocalSecondaryIndexes,
];

export function findIndex(table: TableMeta, indexName: string): IndexMeta {
  const index = allIndexes(table).find((candidate) => candidate.IndexName === indexName);
  if (!index) throw new StorageError('UNKNOWN_INDEX', `${table.TableName} has no index ${indexName}`);
  return index;
}

const hasType = (value: AttributeValue | undefined, type: ScalarKeyType): value is AttributeValue =>
  value !== undefined && scalarType(value) === type;

/** Encoded partition + sort values, or undefined if the item lacks one of them (or has another type). */
export function keyComponents(shape: KeyShape, item: Item): Buffer[] | undefined {
  const partition = item[shape.partition.name];
  if (!hasType(partition, shape.partition.type)) return undefined;
  if (!shape.sort) return [encodeKeyValue(partition)];
  const sort = item[shape.sort.name];
  if (!hasType(sort, shape.sort.type)) return undefined;
  return [encodeKeyValue(partition), encodeKeyValue(sort)];
}

function requiredTableComponents(table: TableMeta, item: Item): Buffer[] {
  const components = keyComponents(tableShape(table), item);
  if (!components) {
    const names = table.KeySchema.map((element) => element.AttributeName).join(', ');
    throw new StorageError(
      'MISSING_KEY_ATTRIBUTE',
      `${table.TableName}: item lacks key attributes (${names})`,
    );
  }
  return components;
}

export function tableLogicalKey(table: TableMeta, item: Item): Buffer {
  const [partition, sort] = requiredTableComponents(table, item);
  // One buffer, prefix written in place: this key is built for every read and write.
  const sizeBytes = 4 + partition!.length + (sort ? sort.length : 0);
  const key = Buffer.allocUnsafe(sizeBytes);
  key.writeUInt32BE(table.tableNumber, 0);
  partition!.copy(key, 4);
  if (sort) sort.copy(key, 4 + partition!.length);
  return key;
}

/** The index entry key of an item, or undefined when the index is sparse for it. */
export function indexLogicalKey(table: TableMeta, index: IndexMeta, item: Item): Buffer | undefined {
  const indexComponents = keyComponents(indexShape(table, index), item);
  if (!indexComponents) return undefined;
  return Buffer.concat([
    storagePrefix(index.indexId),
    ...indexComponents,
    ...requiredTableComponents(table, item),
  ]);
}

/** The TTL attribute's value if the table tracks expiry and the item has a number there. */
export function ttlValue(table: TableMeta, item: Item): string | undefined {
  const attributeName = table.timeToLive?.attributeName;
  if (!attributeName) return undefined;
  const value = item[attributeName];
  return value && 'N' in value ? value.N : undefined;
}

export function ttlLogicalKey(table: TableMeta, item: Item): Buffer | undefined {
  const expiry = ttlValue(table, item);
  if (expiry === undefined) return undefined;
  return Buffer.concat([
    storagePrefix(table.tableNumber),
    encodeNumber(expiry),
    ...requiredTableComponents(table, item),
  ]);
}

function pick(item: Item, names: Iterable<string>, into: Item): Item {
  for (const name of names) {
    const value = item[name];
    if (value !== undefined) into[name] = value;
  }
  return into;
}

export const tableKeyOf = (table: TableMeta, item: Item): Item =>
  pick(
    item,
    table.KeySchema.map((element) => element.AttributeName),
    {},
  );

/** The item as the index stores it: ALL, KEYS_ONLY (table + index keys) or INCLUDE (those + NonKeyAttributes). */
export function projectItem(table: TableMeta, index: IndexMeta, item: Item): Item {
  if (index.Projection.ProjectionType === 'ALL') return item;
  const projected = tableKeyOf(table, item);
  pick(
    item,
    index.KeySchema.map((element) => element.AttributeName),
    projected,
  );
  if (index.Projection.ProjectionType === 'INCLUDE')
    pick(item, index.Projection.NonKeyAttributes ?? [], projected);
  return projected;
}
