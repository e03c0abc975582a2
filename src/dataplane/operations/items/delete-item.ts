/**
 * DeleteItem: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DeleteItem.html
 * Deleting an item that does not exist succeeds (and still costs a write unit); the condition
 * check and the delete share one store transaction.
 */
import { Constraints, member } from '../tables/validation.js';
import type { OperationHandler } from '../types.js';
import { CapacityMeter } from './capacity.js';
import {
  assertScopeUsed,
  checkCondition,
  compact,
  expressionScope,
  itemCollectionMetrics,
  presentMembers,
  readCondition,
  readExpressionMaps,
  requireItemTable,
} from './common.js';
import { validateKey } from './keys.js';
import { readWriteOptions, requireOldOrNoneReturnValues } from './write-options.js';

export const deleteItem: OperationHandler = async (ctx, input) => {
  const rawKey = member(input, 'Key', 'structure');
  const constraints = new Constraints();
  const options = readWriteOptions(input, constraints);
  constraints.required('key', rawKey);
  constraints.throwIfAny();

  requireOldOrNoneReturnValues(options);
  const scope = expressionScope(
    {
      expressions: presentMembers(input, ['ConditionExpression']),
      legacy: presentMembers(input, ['Expected', 'ConditionalOperator']),
    },
    readExpressionMaps(input),
  );
  const condition = readCondition(input, scope);
  assertScopeUsed(scope);

  const table = requireItemTable(ctx, options.tableName);
  const key = validateKey(table, rawKey, 'key');
  const old = await ctx.store.transact((tx) => {
    const stored = tx.getItem(table, key);
    checkCondition(condition, stored, options.returnValuesOnConditionCheckFailure);
    if (stored) tx.deleteItem(table, key);
    return stored;
  });
  const meter = new CapacityMeter(table.TableName);
  meter.addWrite(table, old, undefined);
  return compact({
    Attributes: options.returnValues === 'ALL_OLD' ? old : undefined,
    ConsumedCapacity: meter.build(options.returnConsumedCapacity),
    ItemCollectionMetrics:
      options.returnItemCollectionMetrics === 'SIZE' ? itemCollectionMetrics(ctx, table, key) : undefined,
  });
};
