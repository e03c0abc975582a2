/**
 * Primary-key and index-key checks shared by every item operation (and Query/Scan).
 * Key rules: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.CoreComponents.html#HowItWorks.CoreComponents.PrimaryKey
 * Empty strings/binaries are allowed in non-key attributes but never in table or index keys:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html#HowItWorks.DataTypes
 */
import {
  type AttributeValue,
  type IndexMeta,
  type Item,
  type ScalarKeyType,
  type TableMeta,
  validationError,
} from '../../model.js';
import { validateItem } from '../../values/index.js';
import { invalidParameters } from '../tables/validation.js';

export const keyMismatchMessage = 'The provided key element does not match the schema';

/** The single type tag of a wire value ("S", "N", "M", ...). */
export const typeOf = (value: AttributeValue): string => Object.keys(value)[0] ?? '';

/** The declared type of a key attribute (every key attribute has an AttributeDefinition). */
export function keyAttributeType(table: TableMeta, attributeName: string): ScalarKeyType | undefined {
  return table.AttributeDefinitions.find((definition) => definition.AttributeName === attributeName)
    ?.AttributeType;
}

/** The table's primary key attributes, taken from a full item. */
export function extractKey(table: TableMeta, item: Item): Item {
  const key: Item = {};
  for (const { AttributeName } of table.KeySchema) {
    const value = item[AttributeName];
    if (value !== undefined) key[AttributeName] = value;
  }
  return key;
}

/** The names of the table's key attributes, hash first. */
export const keyAttributeNames = (table: TableMeta): string[] =>
  table.KeySchema.map((element) => element.AttributeName);

/** Empty S or B, which no key attribute may hold; undefined when fine. */
function emptyKind(value: AttributeValue): 'string' | 'binary' | undefined {
  if ('S' in value && value.S === '') return 'string';
  if ('B' in value && value.B === '') return 'binary';
  return undefined;
}

const emptyKeyMessage = (kind: 'string' | 'binary', attributeName: string): string =>
  `${invalidParameters}The AttributeValue for a key attribute cannot contain an empty ${kind} value. Key: ${attributeName}`;

/**
 * A request's `Key` (GetItem, DeleteItem, UpdateItem, batch and transaction keys): exactly the
 * table's key attributes, each of its declared type, none empty. Values are validated (and
 * numbers normalised) first, as AWS rejects a malformed value before comparing with the schema.
 * `parameterPath` names the member in AWS's stage-1 form (e.g. "key") for the null check.
 */
export function validateKey(table: TableMeta, key: unknown, parameterPath: string): Item {
  if (key === undefined || key === null) {
    throw validationError(
      `1 validation error detected: Value null at '${parameterPath}' failed to satisfy constraint: Member must not be null`,
    );
  }
  const validated = validateItem(key);
  const names = Object.keys(validated);
  if (names.length !== table.KeySchema.length) throw validationError(keyMismatchMessage);
  for (const { AttributeName } of table.KeySchema) {
    const value = validated[AttributeName];
    if (value === undefined || typeOf(value) !== keyAttributeType(table, AttributeName)) {
      throw validationError(keyMismatchMessage);
    }
  }
  for (const { AttributeName } of table.KeySchema) {
    const kind = emptyKind(validated[AttributeName] as AttributeValue);
    if (kind) throw validationError(emptyKeyMessage(kind, AttributeName));
  }
  return validated;
}

/**
 * The key checks of a whole item about to be written (PutItem, and the result of UpdateItem):
 * every table key attribute present, of its declared type, non-empty; and every index key
 * attribute the item carries of the declared type and non-empty (an item lacking an index key
 * attribute is simply not in that index: sparse indexes).
 */
export function validateItemKeys(table: TableMeta, item: Item): void {
  for (const { AttributeName } of table.KeySchema) {
    const value = item[AttributeName];
    if (value === undefined)
      throw validationError(`${invalidParameters}Missing the key ${AttributeName} in the item`);
    const expected = keyAttributeType(table, AttributeName);
    const actual = typeOf(value);
    if (actual !== expected) {
      throw validationError(
        `${invalidParameters}Type mismatch for key ${AttributeName} expected: ${expected} actual: ${actual}`,
      );
    }
    const kind = emptyKind(value);
    if (kind) throw validationError(emptyKeyMessage(kind, AttributeName));
  }
  for (const index of allIndexes(table)) validateIndexKeys(table, index, item);
}

export const allIndexes = (table: TableMeta): IndexMeta[] => [
  ...table.LocalSecondaryIndexes,
  ...table.GlobalSecondaryIndexes,
];

function validateIndexKeys(table: TableMeta, index: IndexMeta, item: Item): void {
  for (const { AttributeName } of index.KeySchema) {
    const value = item[AttributeName];
    if (value === undefined) continue;
    const expected = keyAttributeType(table, AttributeName);
    const actual = typeOf(value);
    if (actual !== expected) {
      throw validationError(
        `${invalidParameters}Type mismatch for Index Key ${AttributeName} Expected: ${expected} Actual: ${actual} IndexName: ${index.IndexName}`,
      );
    }
    const kind = emptyKind(value);
    if (kind) {
      // AWS words this one differently from the table-key message ("are not valid").
      throw validationError(
        `One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty ${kind} value. IndexName: ${index.IndexName}, IndexKey: ${AttributeName}`,
      );
    }
  }
}

/** True when the item has every key attribute of the index (so the index holds an entry for it). */
export const inIndex = (index: IndexMeta, item: Item | undefined): boolean =>
  item !== undefined && index.KeySchema.every(({ AttributeName }) => item[AttributeName] !== undefined);

/**
 * A canonical text for a validated key, for duplicate detection and maps keyed by item. Numbers
 * are already normalised by validateValue, so "1.0" and "1" collide as they do in AWS.
 */
export function keyFingerprint(table: TableMeta, key: Item): string {
  return JSON.stringify(table.KeySchema.map(({ AttributeName }) => key[AttributeName] ?? null));
}
