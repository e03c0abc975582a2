/**
 * ListGlobalTables (global tables version 2017.11.29, legacy):
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ListGlobalTables.html
 * The legacy global tables this region is a member of, by name, at most Limit (default 100)
 * after ExclusiveStartGlobalTableName; RegionName keeps those with a replica in that region.
 * Version 2019.11.21 tables are not listed (AWS lists none of them).
 */
import { Constraints, member } from '../tables/validation.js';
import type { OperationHandler } from '../types.js';
import { legacyMember, memberRegions } from './legacy.js';

const defaultLimit = 100;

export const listGlobalTables: OperationHandler = async (ctx, input) => {
  const exclusiveStart = member(input, 'ExclusiveStartGlobalTableName', 'string');
  const limit = member(input, 'Limit', 'number');
  const regionName = member(input, 'RegionName', 'string');
  const constraints = new Constraints();
  constraints.name('exclusiveStartGlobalTableName', exclusiveStart);
  constraints.range('limit', limit, 1);
  constraints.throwIfAny();
  const pageSize = limit ?? defaultLimit;
  const tables = ctx.store
    .listTableNames()
    .slice()
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .filter((name) => exclusiveStart === undefined || name > exclusiveStart)
    .flatMap((name) => {
      const table = legacyMember(ctx, name);
      return table ? [table] : [];
    })
    .filter((table) => regionName === undefined || memberRegions(table).includes(regionName));
  const page = tables.slice(0, pageSize);
  const output: Record<string, unknown> = {
    GlobalTables: page.map((table) => ({
      GlobalTableName: table.TableName,
      ReplicationGroup: memberRegions(table).map((region) => ({ RegionName: region })),
    })),
  };
  const last = page[page.length - 1];
  if (tables.length > pageSize && last) output.LastEvaluatedGlobalTableName = last.TableName;
  return output;
};
