/**
 * DescribeTimeToLive: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeTimeToLive.html
 * A table that never had TTL, or had it disabled, is described as DISABLED without an attribute.
 */
import type { OperationHandler } from '../types.js';
import { checkTableNameOrArn, requireTable } from './names.js';
import { Constraints, member } from './validation.js';

export const describeTimeToLive: OperationHandler = async (ctx, input) => {
  const tableNameOrArn = member(input, 'TableName', 'string');
  const constraints = new Constraints();
  checkTableNameOrArn(constraints, tableNameOrArn);
  constraints.throwIfAny();
  const table = requireTable(ctx, tableNameOrArn ?? '');
  const ttl = table.timeToLive;
  if (!ttl || ttl.status === 'DISABLED') return { TimeToLiveDescription: { TimeToLiveStatus: 'DISABLED' } };
  return { TimeToLiveDescription: { TimeToLiveStatus: ttl.status, AttributeName: ttl.attributeName } };
};
