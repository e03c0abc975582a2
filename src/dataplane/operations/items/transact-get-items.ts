/**
 * TransactGetItems: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactGetItems.html
 * Up to 100 Gets read as one snapshot: the reads run back to back without yielding to the event
 * loop, so no write of this region can commit between them. Costs twice a strong read.
 */
import type { DocumentPath } from '../../expressions/index.js';
import type { Item, TableMeta } from '../../model.js';
import { itemSizeBytes } from '../../values/index.js';
import { Constraints, member, structures } from '../tables/validation.js';
import type { OperationContext, OperationHandler } from '../types.js';
import {
  CapacityLedger,
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
  requireItemTable,
} from './common.js';
import { keyFingerprint, validateKey } from './keys.js';
import { applyProjection, readProjection } from './projection.js';
import { checkDistinctItems, maxTransactionActions } from './transactions.js';

interface GetAction {
  table: TableMeta;
  key: Item;
  projection: DocumentPath[] | undefined;
}

function checkStage1(input: Record<string, unknown>): Record<string, unknown>[] {
  const actions = structures(input, 'TransactItems');
  const constraints = new Constraints();
  if (constraints.required('transactItems', actions)) {
    constraints.length('transactItems', actions, 1, maxTransactionActions);
  }
  constraints.oneOf(
    'returnConsumedCapacity',
    member(input, 'ReturnConsumedCapacity', 'string'),
    returnConsumedCapacityValues,
  );
  (actions ?? []).forEach((action, index) => {
    const path = `transactItems.${index + 1}.member.get`;
    const get = member(action, 'Get', 'structure');
    if (!constraints.required(path, get)) return;
    checkItemTableName(constraints, `${path}.tableName`, member(get, 'TableName', 'string'));
    constraints.required(`${path}.key`, member(get, 'Key', 'structure'));
  });
  constraints.throwIfAny();
  return (actions ?? []).map((action) => member(action, 'Get', 'structure') ?? {});
}

function readGetAction(ctx: OperationContext, get: Record<string, unknown>, position: number): GetAction {
  const scope = expressionScope(
    { expressions: presentMembers(get, ['ProjectionExpression']), legacy: [] },
    { names: member(get, 'ExpressionAttributeNames', 'structure'), values: undefined },
  );
  const projection = readProjection(get, scope);
  assertScopeUsed(scope);
  const table = requireItemTable(ctx, member(get, 'TableName', 'string') ?? '');
  const key = validateKey(table, get.Key, `transactItems.${position + 1}.member.get.key`);
  return { table, key, projection };
}

export const transactGetItems: OperationHandler = async (ctx, input) => {
  const gets = checkStage1(input);
  const actions = gets.map((get, position) => readGetAction(ctx, get, position));
  checkDistinctItems(
    actions.map(({ table, key }) => `${table.TableName}\u0000${keyFingerprint(table, key)}`),
  );

  const items = actions.map(({ table, key }) => ctx.store.getItem(table, key));
  const ledger = new CapacityLedger('read');
  const responses = actions.map(({ table, projection }, position) => {
    const item = items[position];
    ledger.meter(table.TableName).addTable(readUnits(item ? itemSizeBytes(item) : 0, 'transactional'));
    return item ? { Item: applyProjection(item, projection) } : {};
  });
  const mode = member(input, 'ReturnConsumedCapacity', 'string') as ReturnConsumedCapacity;
  return compact({ Responses: responses, ConsumedCapacity: ledger.build(mode) });
};
