/**
 * GetItem: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html
 * A missing item answers `{}` (plus ConsumedCapacity: a read of nothing still costs the minimum).
 * Capacity is charged on the whole item, not the projection.
 */
import { itemSizeBytes } from '../../values/index.js';
import { Constraints, member, strings } from '../tables/validation.js';
import type { OperationHandler } from '../types.js';
import {
  CapacityMeter,
  type ReturnConsumedCapacity,
  readUnits,
  reportsCapacity,
  returnConsumedCapacityValues,
} from './capacity.js';
import {
  anyMemberPresent,
  assertScopeUsed,
  checkItemTableName,
  expressionScope,
  presentMembers,
  readExpressionMaps,
  requireItemTable,
} from './common.js';
import { validateKey } from './keys.js';
import { applyProjection, readProjection } from './projection.js';

export const getItem: OperationHandler = async (ctx, input) => {
  const tableName = member(input, 'TableName', 'string');
  const rawKey = member(input, 'Key', 'structure');
  const attributesToGet = strings(input, 'AttributesToGet');
  const consistentRead = member(input, 'ConsistentRead', 'boolean') ?? false;
  const returnConsumedCapacity = member(input, 'ReturnConsumedCapacity', 'string') as ReturnConsumedCapacity;
  const constraints = new Constraints();
  checkItemTableName(constraints, 'tableName', tableName);
  constraints.required('key', rawKey);
  constraints.length('attributesToGet', attributesToGet, 1);
  constraints.oneOf('returnConsumedCapacity', returnConsumedCapacity, returnConsumedCapacityValues);
  constraints.throwIfAny();

  const projection = anyMemberPresent(input, expressionMembers) ? readProjectionOf(input) : undefined;

  const table = requireItemTable(ctx, tableName ?? '');
  const key = validateKey(table, rawKey, 'key');
  const item = ctx.store.getItem(table, key);
  // Built member by member (not through `compact`): only what AWS sends, in its order.
  const output: Record<string, unknown> = {};
  if (item) output.Item = applyProjection(item, projection);
  if (reportsCapacity(returnConsumedCapacity)) {
    // Capacity is charged on the whole item, not the projection.
    const meter = new CapacityMeter(table.TableName);
    meter.addTable(readUnits(item ? itemSizeBytes(item) : 0, consistentRead ? 'strong' : 'eventual'));
    output.ConsumedCapacity = meter.build(returnConsumedCapacity);
  }
  return output;
};

/**
 * Members that take part in GetItem's expression rules. Without any there is nothing to reject
 * and no projection, so the common plain GetItem skips those checks.
 */
const expressionMembers = [
  'ProjectionExpression',
  'AttributesToGet',
  'ExpressionAttributeNames',
  'ExpressionAttributeValues',
] as const;

function readProjectionOf(input: Record<string, unknown>) {
  const scope = expressionScope(
    {
      expressions: presentMembers(input, ['ProjectionExpression']),
      legacy: presentMembers(input, ['AttributesToGet']),
    },
    readExpressionMaps(input),
  );
  const projection = readProjection(input, scope);
  assertScopeUsed(scope);
  return projection;
}
