/**
 * UpdateItem: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html
 * Edits (or creates) one item with an UpdateExpression or legacy AttributeUpdates. Key attributes
 * cannot be updated. The condition, the update and the write share one store transaction.
 * With no update at all, a missing item is created with just its key, as AWS does.
 */
import {
  applyUpdate,
  type DocumentPath,
  type ExpressionScope,
  parseUpdate,
  projectItem,
  type UpdateNode,
  updateFromAttributeUpdates,
} from '../../expressions/index.js';
import { type Item, type TableMeta, validationError } from '../../model.js';
import { Constraints, invalidParameters, member } from '../tables/validation.js';
import type { OperationHandler } from '../types.js';
import { CapacityMeter } from './capacity.js';
import {
  assertScopeUsed,
  checkCondition,
  checkItemSize,
  compact,
  expressionScope,
  itemCollectionMetrics,
  presentMembers,
  readCondition,
  readExpressionMaps,
  requireItemTable,
} from './common.js';
import { validateItemKeys, validateKey } from './keys.js';
import { readWriteOptions } from './write-options.js';

export const updateItemSizeMessage = 'Item size to update has exceeded the maximum allowed size';

/** The update from UpdateExpression or AttributeUpdates; undefined when the request has neither. */
export function readUpdate(input: Record<string, unknown>, scope: ExpressionScope): UpdateNode | undefined {
  const text = member(input, 'UpdateExpression', 'string');
  if (text !== undefined) return parseUpdate(text, scope);
  const attributeUpdates = input.AttributeUpdates;
  if (attributeUpdates === undefined || attributeUpdates === null) return undefined;
  return updateFromAttributeUpdates(attributeUpdates);
}

/** The document paths an update writes or removes (for UPDATED_OLD / UPDATED_NEW). */
export const updatedPaths = (update: UpdateNode | undefined): DocumentPath[] =>
  update ? update.actions.map((action) => action.path) : [];

/** AWS refuses any update action whose path starts at a key attribute. */
export function checkKeyNotUpdated(table: TableMeta, update: UpdateNode | undefined): void {
  const keyNames = new Set(table.KeySchema.map((element) => element.AttributeName));
  for (const path of updatedPaths(update)) {
    const head = path[0];
    if (head?.kind === 'name' && keyNames.has(head.name)) {
      throw validationError(
        `${invalidParameters}Cannot update attribute ${head.name}. This attribute is part of the key`,
      );
    }
  }
}

/** The item after the update, checked like any item about to be stored. */
export function updatedItem(
  table: TableMeta,
  key: Item,
  stored: Item | undefined,
  update: UpdateNode | undefined,
): Item {
  const base = stored ?? { ...key };
  const next = update ? applyUpdate(update, base) : base;
  validateItemKeys(table, next);
  checkItemSize(next, updateItemSizeMessage);
  return next;
}

const nonEmpty = (item: Item | undefined): Item | undefined =>
  item && Object.keys(item).length > 0 ? item : undefined;

function returnedAttributes(
  returnValues: string | undefined,
  old: Item | undefined,
  next: Item,
  update: UpdateNode | undefined,
): Item | undefined {
  switch (returnValues) {
    case 'ALL_OLD':
      return old;
    case 'ALL_NEW':
      return next;
    case 'UPDATED_OLD':
      return old ? nonEmpty(projectItem(old, updatedPaths(update))) : undefined;
    case 'UPDATED_NEW':
      return nonEmpty(projectItem(next, updatedPaths(update)));
    default:
      return undefined;
  }
}

export const updateItem: OperationHandler = async (ctx, input) => {
  const rawKey = member(input, 'Key', 'structure');
  const constraints = new Constraints();
  const options = readWriteOptions(input, constraints);
  constraints.required('key', rawKey);
  constraints.throwIfAny();

  const scope = expressionScope(
    {
      expressions: presentMembers(input, ['UpdateExpression', 'ConditionExpression']),
      legacy: presentMembers(input, ['AttributeUpdates', 'Expected', 'ConditionalOperator']),
    },
    readExpressionMaps(input),
  );
  const update = readUpdate(input, scope);
  const condition = readCondition(input, scope);
  assertScopeUsed(scope);

  const table = requireItemTable(ctx, options.tableName);
  const key = validateKey(table, rawKey, 'key');
  checkKeyNotUpdated(table, update);
  const { old, next } = await ctx.store.transact((tx) => {
    const stored = tx.getItem(table, key);
    checkCondition(condition, stored, options.returnValuesOnConditionCheckFailure);
    const result = updatedItem(table, key, stored, update);
    tx.putItem(table, result);
    return { old: stored, next: result };
  });
  const meter = new CapacityMeter(table.TableName);
  meter.addWrite(table, old, next);
  return compact({
    Attributes: returnedAttributes(options.returnValues, old, next, update),
    ConsumedCapacity: meter.build(options.returnConsumedCapacity),
    ItemCollectionMetrics:
      options.returnItemCollectionMetrics === 'SIZE' ? itemCollectionMetrics(ctx, table, key) : undefined,
  });
};
