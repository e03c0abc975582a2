/**
 * Table names, ARNs and lookups shared by the table-level operations.
 * ARN format: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html#amazondynamodb-resources-for-iam-policies
 */
import { DynamoError, resourceNotFound, type TableMeta, validationError } from '../../model.js';
import type { OperationContext } from '../types.js';
import { type Constraints, namePattern } from './validation.js';

export const tableArn = (ctx: OperationContext, tableName: string): string =>
  `arn:aws:dynamodb:${ctx.region}:${ctx.accountId}:table/${tableName}`;

export const indexArn = (table: TableMeta, indexName: string): string =>
  `${table.TableArn}/index/${indexName}`;

interface ParsedTableArn {
  region: string;
  accountId: string;
  tableName: string;
}

const tableArnPattern = /^arn:aws[a-z-]*:dynamodb:([a-z0-9-]+):(\d{12}):table\/([^/]+)$/;

export function parseTableArn(arn: string): ParsedTableArn | undefined {
  const match = tableArnPattern.exec(arn);
  if (!match) return undefined;
  const [, region, accountId, tableName] = match;
  if (region === undefined || accountId === undefined || tableName === undefined) return undefined;
  if (!namePattern.test(tableName) || tableName.length < 3 || tableName.length > 255) return undefined;
  return { region, accountId, tableName };
}

/**
 * Stage-1 checks of a `TableName` that may also be a table ARN (Describe/Update/Delete and the
 * TTL operations accept either since 2024; length 1–1024).
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeTable.html
 */
export function checkTableNameOrArn(constraints: Constraints, value: string | undefined): void {
  if (!constraints.required('tableName', value) || value === undefined) return;
  if (value.startsWith('arn:')) {
    constraints.length('tableName', value, 1, 1024);
    return;
  }
  constraints.name('tableName', value);
}

/** The plain table name for a `TableName` that may be an ARN of this region and account. */
export function resolveTableName(ctx: OperationContext, value: string): string {
  if (!value.startsWith('arn:')) return value;
  const parsed = parseTableArn(value);
  if (!parsed) throw validationError(`Invalid TableArn: Invalid ResourceArn provided as input ${value}`);
  if (parsed.accountId !== ctx.accountId || parsed.region !== ctx.region) {
    throw resourceNotFound(`Requested resource not found: Table: ${value} not found`);
  }
  return parsed.tableName;
}

export const tableNotFound = (tableName: string): DynamoError =>
  resourceNotFound(`Requested resource not found: Table: ${tableName} not found`);

/** The table's metadata, or AWS's ResourceNotFoundException for DescribeTable and friends. */
export function requireTable(ctx: OperationContext, tableNameOrArn: string): TableMeta {
  const tableName = resolveTableName(ctx, tableNameOrArn);
  const table = ctx.store.getTableMeta(tableName);
  if (!table) throw tableNotFound(tableName);
  return table;
}

/**
 * The table named by a tagging ARN (TagResource, UntagResource, ListTagsOfResource).
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TagResource.html
 */
export function requireTaggedTable(ctx: OperationContext, resourceArn: string): TableMeta {
  const invalid = validationError(`Invalid TableArn: Invalid ResourceArn provided as input ${resourceArn}`);
  if (!resourceArn.startsWith('arn:')) throw invalid;
  const parsed = parseTableArn(resourceArn);
  if (!parsed) throw invalid;
  if (parsed.accountId !== ctx.accountId) {
    throw new DynamoError(
      'AccessDeniedException',
      `User is not authorized to access resource ${resourceArn} of another account`,
    );
  }
  if (parsed.region !== ctx.region) throw invalid;
  const table = ctx.store.getTableMeta(parsed.tableName);
  // AWS's own wording, including its "ResourcArn" spelling.
  if (!table) throw resourceNotFound(`Requested resource not found: ResourcArn: ${resourceArn} not found`);
  return table;
}

/** Constraint checks of a tagging ResourceArn (length 1–1283). */
export function checkResourceArn(constraints: Constraints, value: string | undefined): void {
  if (constraints.required('resourceArn', value)) constraints.length('resourceArn', value, 1, 1283);
}
