/** DescribeTable: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeTable.html */
import type { OperationHandler } from '../types.js';
import { describeTable as tableDescription } from './describe.js';
import { checkTableNameOrArn, requireTable } from './names.js';
import { Constraints, member } from './validation.js';

export const describeTable: OperationHandler = async (ctx, input) => {
  const tableName = member(input, 'TableName', 'string');
  const constraints = new Constraints();
  checkTableNameOrArn(constraints, tableName);
  constraints.throwIfAny();
  const table = requireTable(ctx, tableName ?? '');
  return { Table: tableDescription(ctx, table) };
};
