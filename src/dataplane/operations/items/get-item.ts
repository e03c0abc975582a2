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
  returnConsumedCapacityValues,
} from './capacity.js';
import {
  assertScopeUsed,
  checkItemTableName,
  compact,
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

  const scope = expressionScope(
    {
      expressions: presentMembers(input, ['ProjectionExpression']),
      legacy: presentMembers(input, ['AttributesToGet']),
    },
    readExpressionMaps(input),
  );
  const projection = readProjection(input, scope);
  assertScopeUsed(scope);

  const table = requireItemTable(ctx, tableName ?? '');
  const key = validateKey(table, rawKey, 'key');
  const item = ctx.store.getItem(table, key);
  const meter = new CapacityMeter(table.TableName);
  meter.addTable(readUnits(item ? itemSizeBytes(item) : 0, consistentRead ? 'strong' : 'eventual'));
  return compact({
    Item: item ? applyProjection(item, projection) : undefined,
    ConsumedCapacity: meter.build(returnConsumedCapacity),
  });
};
