/**
 * DescribeGlobalTable (global tables version 2017.11.29, legacy):
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeGlobalTable.html
 * Answers from this region's member table. Not a member (a regional table, a 2019.11.21 global
 * table, no table) is GlobalTableNotFoundException, as in AWS.
 * CreationDateTime is the member table's: Pangea does not keep the group's own creation time.
 */
import { Constraints, member } from '../tables/validation.js';
import type { OperationHandler } from '../types.js';
import {
  checkGlobalTableName,
  globalTableDescription,
  globalTableNotFound,
  legacyMember,
  memberRegions,
} from './legacy.js';

export const describeGlobalTable: OperationHandler = async (ctx, input) => {
  const name = member(input, 'GlobalTableName', 'string');
  const constraints = new Constraints();
  checkGlobalTableName(constraints, 'globalTableName', name);
  constraints.throwIfAny();
  const table = legacyMember(ctx, name ?? '');
  if (!table) throw globalTableNotFound(name ?? '');
  return {
    GlobalTableDescription: globalTableDescription(
      ctx,
      table.TableName,
      memberRegions(table),
      table.CreationDateTime,
      'ACTIVE',
    ),
  };
};
