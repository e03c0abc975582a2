/**
 * ListTables: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ListTables.html
 * Names in ascending order, at most `Limit` (1–100, default 100) after ExclusiveStartTableName;
 * LastEvaluatedTableName only when more names may follow.
 */
import type { OperationHandler } from '../types.js';
import { Constraints, member } from './validation.js';

const maxLimit = 100;

export const listTables: OperationHandler = async (ctx, input) => {
  const exclusiveStart = member(input, 'ExclusiveStartTableName', 'string');
  const limit = member(input, 'Limit', 'number');
  const constraints = new Constraints();
  constraints.name('exclusiveStartTableName', exclusiveStart);
  constraints.range('limit', limit, 1, maxLimit);
  constraints.throwIfAny();
  const pageSize = limit ?? maxLimit;
  // Code-unit order, as AWS sorts (uppercase before lowercase).
  const names = ctx.store
    .listTableNames()
    .slice()
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .filter((name) => exclusiveStart === undefined || name > exclusiveStart);
  const page = names.slice(0, pageSize);
  const output: Record<string, unknown> = { TableNames: page };
  const last = page[page.length - 1];
  if (names.length > pageSize && last !== undefined) output.LastEvaluatedTableName = last;
  return output;
};
