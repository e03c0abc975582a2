/**
 * PutItem: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html
 * Replaces the whole item; the condition is evaluated against the stored item and the write
 * happens in the same store transaction, so check-and-write is atomic.
 */
import { validateItem } from '../../values/index.js';
import { Constraints, member } from '../tables/validation.js';
import type { OperationHandler } from '../types.js';
import { CapacityMeter, reportsCapacity } from './capacity.js';
import {
  anyMemberPresent,
  assertScopeUsed,
  checkCondition,
  checkItemSize,
  expressionScope,
  itemCollectionMetrics,
  presentMembers,
  readCondition,
  readExpressionMaps,
  requireItemTable,
} from './common.js';
import { extractKey, validateItemKeys } from './keys.js';
import { readWriteOptions, requireOldOrNoneReturnValues } from './write-options.js';

export const putItem: OperationHandler = async (ctx, input) => {
  const rawItem = member(input, 'Item', 'structure');
  const constraints = new Constraints();
  const options = readWriteOptions(input, constraints);
  constraints.required('item', rawItem);
  constraints.throwIfAny();

  requireOldOrNoneReturnValues(options);
  const item = validateItem(rawItem);
  const condition = anyMemberPresent(input, conditionMembers) ? readConditionOf(input) : undefined;

  const table = requireItemTable(ctx, options.tableName);
  validateItemKeys(table, item);
  checkItemSize(item);

  const key = extractKey(table, item);
  const old = await ctx.store.transact((tx) => {
    const stored = tx.getItem(table, key);
    checkCondition(condition, stored, options.returnValuesOnConditionCheckFailure);
    tx.putItem(table, item);
    return stored;
  });
  // Built member by member (not through `compact`): only what AWS sends, in its order.
  const output: Record<string, unknown> = {};
  if (options.returnValues === 'ALL_OLD' && old !== undefined) output.Attributes = old;
  if (reportsCapacity(options.returnConsumedCapacity)) {
    const meter = new CapacityMeter(table.TableName);
    meter.addWrite(table, old, item);
    output.ConsumedCapacity = meter.build(options.returnConsumedCapacity);
  }
  if (options.returnItemCollectionMetrics === 'SIZE') {
    const metrics = itemCollectionMetrics(ctx, table, key);
    if (metrics !== undefined) output.ItemCollectionMetrics = metrics;
  }
  return output;
};

/** Members that take part in PutItem's condition rules; without any there is nothing to check. */
const conditionMembers = [
  'ConditionExpression',
  'Expected',
  'ConditionalOperator',
  'ExpressionAttributeNames',
  'ExpressionAttributeValues',
] as const;

function readConditionOf(input: Record<string, unknown>) {
  const scope = expressionScope(
    {
      expressions: presentMembers(input, ['ConditionExpression']),
      legacy: presentMembers(input, ['Expected', 'ConditionalOperator']),
    },
    readExpressionMaps(input),
  );
  const condition = readCondition(input, scope);
  assertScopeUsed(scope);
  return condition;
}
