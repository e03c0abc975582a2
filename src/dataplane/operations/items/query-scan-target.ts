/**
 * The table or index a Query or Scan reads, and the shape of its ExclusiveStartKey.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html#DDB-Query-request-IndexName
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html
 */
import { type IndexMeta, type Item, type TableMeta, validationError } from '../../model.js';
import { invalidParameters } from '../tables/validation.js';
import { keyAttributeType, typeOf } from './keys.js';
import type { ReadOperation } from './query-scan-request.js';

/** The named GSI or LSI, with AWS's errors for unknown and not-yet-readable indexes. */
export function requireIndex(table: TableMeta, indexName: string): IndexMeta {
  const index = [...table.GlobalSecondaryIndexes, ...table.LocalSecondaryIndexes].find(
    (candidate) => candidate.IndexName === indexName && candidate.IndexStatus !== 'DELETING',
  );
  if (!index) throw validationError(`The table does not have the specified index: ${indexName}`);
  if (index.IndexStatus === 'CREATING' && index.Backfilling) {
    throw validationError(`Cannot read from backfilling global secondary index: ${indexName}`);
  }
  return index;
}

/** GSIs are eventually consistent only: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.Reading */
export function checkConsistentRead(index: IndexMeta | undefined, consistentRead: boolean): void {
  if (consistentRead && index?.kind === 'GSI') {
    throw validationError('Consistent reads are not supported on global secondary indexes');
  }
}

/** Attributes of a LastEvaluatedKey: the table key, plus the index key for an index. */
export function startKeyNames(table: TableMeta, index: IndexMeta | undefined): string[] {
  const names = table.KeySchema.map((element) => element.AttributeName);
  for (const { AttributeName } of index?.KeySchema ?? [])
    if (!names.includes(AttributeName)) names.push(AttributeName);
  return names;
}

/**
 * The ExclusiveStartKey must hold exactly the LastEvaluatedKey attributes with their declared
 * types. AWS's wording differs: Query and index Scans say only "The provided starting key is
 * invalid"; a table Scan adds the key-schema mismatch reason.
 */
export function validateStartKeyShape(
  operation: ReadOperation,
  table: TableMeta,
  index: IndexMeta | undefined,
  startKey: Item,
): void {
  const names = startKeyNames(table, index);
  const matches =
    Object.keys(startKey).length === names.length &&
    names.every((name) => {
      const value = startKey[name];
      return value !== undefined && typeOf(value) === keyAttributeType(table, name);
    });
  if (matches) {
    checkNoEmptyKeyValue(startKey, names);
    return;
  }
  const detailed = operation === 'Scan' && index === undefined;
  throw validationError(
    detailed
      ? 'The provided starting key is invalid: The provided key element does not match the schema'
      : 'The provided starting key is invalid',
  );
}

/** Key attributes never hold an empty string or binary, so no start key can either. */
function checkNoEmptyKeyValue(startKey: Item, names: readonly string[]): void {
  for (const name of names) {
    const value = startKey[name];
    const kind =
      value && 'S' in value && value.S === ''
        ? 'string'
        : value && 'B' in value && value.B === ''
          ? 'binary'
          : undefined;
    if (kind) {
      throw validationError(
        `${invalidParameters}The AttributeValue for a key attribute cannot contain an empty ${kind} value. Key: ${name}`,
      );
    }
  }
}

/** Just the LastEvaluatedKey attributes of an item read from the table or index. */
export function lastEvaluatedKeyOf(item: Item, names: readonly string[]): Item {
  const key: Item = {};
  for (const name of names) {
    const value = item[name];
    if (value !== undefined) key[name] = value;
  }
  return key;
}
