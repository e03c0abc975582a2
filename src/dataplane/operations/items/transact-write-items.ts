/**
 * TransactWriteItems: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
 * Up to 100 ConditionCheck / Put / Update / Delete actions, on distinct items, all or nothing:
 * inside one store transaction every condition is checked (and every update computed) first,
 * and only when all pass are the writes applied. A ClientRequestToken makes the call idempotent
 * for 10 minutes (see idempotency.ts).
 */
import {
  type ConditionNode,
  evaluateCondition,
  parseCondition,
  type UpdateNode,
} from '../../expressions/index.js';
import { DynamoError, type Item, type TableMeta, validationError } from '../../model.js';
import { itemSizeBytes, validateItem } from '../../values/index.js';
import { Constraints, member, structures } from '../tables/validation.js';
import type { OperationContext, OperationHandler } from '../types.js';
import {
  CapacityLedger,
  type ReturnConsumedCapacity,
  readUnits,
  returnConsumedCapacityValues,
  writeUnits,
} from './capacity.js';
import {
  appendMetric,
  assertScopeUsed,
  checkItemSize,
  checkItemTableName,
  compact,
  expressionScope,
  itemCollectionMetrics,
  presentMembers,
  readExpressionMaps,
  requireItemTable,
  returnItemCollectionMetricsValues,
  returnValuesOnConditionCheckFailureValues,
} from './common.js';
import { claimToken, type IdempotencyClaim } from './idempotency.js';
import { extractKey, keyFingerprint, validateItemKeys, validateKey } from './keys.js';
import {
  type CancellationReason,
  canonicalJson,
  checkDistinctItems,
  maxTransactionActions,
  noReason,
  transactionCanceled,
} from './transactions.js';
import { checkKeyNotUpdated, readUpdate, updatedItem } from './update-item.js';

const actionKinds = ['ConditionCheck', 'Put', 'Delete', 'Update'] as const;
type ActionKind = (typeof actionKinds)[number];
const maxTransactionBytes = 4 * 1024 * 1024;

interface WriteAction {
  kind: ActionKind;
  table: TableMeta;
  key: Item;
  item?: Item;
  update?: UpdateNode | undefined;
  condition?: ConditionNode | undefined;
  returnOnFailure: string | undefined;
}

/** Which action an element carries; AWS accepts exactly one per element. */
function actionKindOf(element: Record<string, unknown>): ActionKind {
  const present = actionKinds.filter((kind) => element[kind] !== undefined && element[kind] !== null);
  const kind = present[0];
  if (present.length !== 1 || kind === undefined) {
    // Unconfirmed wording (AWS's message for an empty or multi-action TransactWriteItem).
    throw validationError('TransactItems can only contain one of Check, Put, Update or Delete');
  }
  return kind;
}

function checkActionConstraints(
  constraints: Constraints,
  element: Record<string, unknown>,
  position: number,
): void {
  for (const kind of actionKinds) {
    const action = member(element, kind, 'structure');
    if (!action) continue;
    const path = `transactItems.${position + 1}.member.${kind === 'ConditionCheck' ? 'conditionCheck' : kind.toLowerCase()}`;
    checkItemTableName(constraints, `${path}.tableName`, member(action, 'TableName', 'string'));
    if (kind === 'Put') constraints.required(`${path}.item`, member(action, 'Item', 'structure'));
    else constraints.required(`${path}.key`, member(action, 'Key', 'structure'));
    if (kind === 'ConditionCheck') {
      constraints.required(`${path}.conditionExpression`, member(action, 'ConditionExpression', 'string'));
    }
    if (kind === 'Update') {
      constraints.required(`${path}.updateExpression`, member(action, 'UpdateExpression', 'string'));
    }
    constraints.oneOf(
      `${path}.returnValuesOnConditionCheckFailure`,
      member(action, 'ReturnValuesOnConditionCheckFailure', 'string'),
      returnValuesOnConditionCheckFailureValues,
    );
  }
}

function checkStage1(input: Record<string, unknown>): Record<string, unknown>[] {
  const elements = structures(input, 'TransactItems');
  const token = member(input, 'ClientRequestToken', 'string');
  const constraints = new Constraints();
  if (constraints.required('transactItems', elements)) {
    constraints.length('transactItems', elements, 1, maxTransactionActions);
  }
  constraints.oneOf(
    'returnConsumedCapacity',
    member(input, 'ReturnConsumedCapacity', 'string'),
    returnConsumedCapacityValues,
  );
  constraints.oneOf(
    'returnItemCollectionMetrics',
    member(input, 'ReturnItemCollectionMetrics', 'string'),
    returnItemCollectionMetricsValues,
  );
  constraints.length('clientRequestToken', token, 1, 36);
  for (const [position, element] of (elements ?? []).entries()) {
    checkActionConstraints(constraints, element, position);
  }
  constraints.throwIfAny();
  return elements ?? [];
}

function readAction(ctx: OperationContext, element: Record<string, unknown>, position: number): WriteAction {
  const kind = actionKindOf(element);
  const action = member(element, kind, 'structure') ?? {};
  const scope = expressionScope(
    { expressions: presentMembers(action, ['UpdateExpression', 'ConditionExpression']), legacy: [] },
    readExpressionMaps(action),
  );
  const update = kind === 'Update' ? readUpdate(action, scope) : undefined;
  const conditionText = member(action, 'ConditionExpression', 'string');
  const condition =
    conditionText === undefined ? undefined : parseCondition(conditionText, scope, 'ConditionExpression');
  assertScopeUsed(scope);
  const table = requireItemTable(ctx, member(action, 'TableName', 'string') ?? '');
  const returnOnFailure = member(action, 'ReturnValuesOnConditionCheckFailure', 'string');
  if (kind === 'Put') {
    const item = validateItem(action.Item);
    validateItemKeys(table, item);
    checkItemSize(item);
    return { kind, table, key: extractKey(table, item), item, condition, returnOnFailure };
  }
  const path = `transactItems.${position + 1}.member.${kind === 'ConditionCheck' ? 'conditionCheck' : kind.toLowerCase()}.key`;
  const key = validateKey(table, action.Key, path);
  if (kind === 'Update') checkKeyNotUpdated(table, update);
  return { kind, table, key, update, condition, returnOnFailure };
}

function readActions(ctx: OperationContext, elements: Record<string, unknown>[]): WriteAction[] {
  const actions = elements.map((element, position) => readAction(ctx, element, position));
  checkDistinctItems(
    actions.map(({ table, key }) => `${table.TableName}\u0000${keyFingerprint(table, key)}`),
  );
  const totalBytes = actions.reduce((sum, action) => sum + itemSizeBytes(action.item ?? action.key), 0);
  if (totalBytes > maxTransactionBytes) {
    // Unconfirmed wording: AWS documents the 4 MB aggregate limit but not its message.
    throw validationError('Transaction request cannot be larger than 4 MB');
  }
  return actions;
}

interface Outcome {
  before: Item | undefined;
  after: Item | undefined;
  reason: CancellationReason;
}

/** Checks one action against the stored item and computes what it would write. */
function evaluateAction(action: WriteAction, stored: Item | undefined): Outcome {
  if (action.condition && !evaluateCondition(action.condition, stored)) {
    const reason: CancellationReason = {
      Code: 'ConditionalCheckFailed',
      Message: 'The conditional request failed',
    };
    if (action.returnOnFailure === 'ALL_OLD' && stored) reason.Item = stored;
    return { before: stored, after: stored, reason };
  }
  try {
    return { before: stored, after: afterImage(action, stored), reason: noReason };
  } catch (error) {
    // Run-time update failures cancel the transaction with a ValidationError reason.
    if (!(error instanceof DynamoError) || error.code !== 'ValidationException') throw error;
    return { before: stored, after: stored, reason: { Code: 'ValidationError', Message: error.message } };
  }
}

function afterImage(action: WriteAction, stored: Item | undefined): Item | undefined {
  switch (action.kind) {
    case 'Put':
      return action.item;
    case 'Delete':
      return undefined;
    case 'Update':
      return updatedItem(action.table, action.key, stored, action.update);
    default:
      return stored;
  }
}

function chargeWrites(ledger: CapacityLedger, actions: WriteAction[], outcomes: Outcome[]): void {
  actions.forEach((action, position) => {
    const outcome = outcomes[position] as Outcome;
    const meter = ledger.meter(action.table.TableName);
    if (action.kind === 'ConditionCheck') {
      meter.addTable(writeUnits(outcome.before ? itemSizeBytes(outcome.before) : 0, true));
    } else {
      meter.addWrite(action.table, outcome.before, outcome.after, true);
    }
  });
}

/** A replay costs reads, not writes: AWS reads the items to answer it. */
function chargeReplay(ctx: OperationContext, ledger: CapacityLedger, actions: WriteAction[]): void {
  for (const { table, key } of actions) {
    const item = ctx.store.getItem(table, key);
    ledger.meter(table.TableName).addTable(readUnits(item ? itemSizeBytes(item) : 0, 'strong'));
  }
}

function collectionMetrics(ctx: OperationContext, actions: WriteAction[]): Record<string, unknown> {
  const metrics: Record<string, Record<string, unknown>[]> = {};
  for (const action of actions) {
    if (action.kind === 'ConditionCheck') continue;
    const metric = itemCollectionMetrics(ctx, action.table, action.key);
    if (metric) appendMetric(metrics, action.table.TableName, metric);
  }
  return metrics;
}

export const transactWriteItems: OperationHandler = async (ctx, input) => {
  const elements = checkStage1(input);
  const actions = readActions(ctx, elements);
  const token = member(input, 'ClientRequestToken', 'string');
  const fingerprint = canonicalJson(elements);

  let claim: IdempotencyClaim | undefined;
  const applying = ctx.store.transact((tx): { replay: true } | { replay: false; outcomes: Outcome[] } => {
    claim = token ? claimToken(ctx.store, token, fingerprint, ctx.nowMs()) : undefined;
    if (claim?.replay) return { replay: true };
    const outcomes = actions.map((action) => evaluateAction(action, tx.getItem(action.table, action.key)));
    if (outcomes.some((outcome) => outcome.reason.Code !== 'None')) {
      throw transactionCanceled(outcomes.map((outcome) => outcome.reason));
    }
    actions.forEach((action, position) => {
      if (action.kind === 'ConditionCheck') return;
      const after = outcomes[position]?.after;
      if (after) tx.putItem(action.table, after);
      else if (outcomes[position]?.before) tx.deleteItem(action.table, action.key);
    });
    claim?.commit();
    return { replay: false, outcomes };
  });
  const result = await applying.catch((error: unknown) => {
    claim?.release();
    throw error;
  });

  const ledger = new CapacityLedger(result.replay ? 'read' : 'write');
  if (result.replay) chargeReplay(ctx, ledger, actions);
  else chargeWrites(ledger, actions, result.outcomes);
  const mode = member(input, 'ReturnConsumedCapacity', 'string') as ReturnConsumedCapacity;
  return compact({
    ConsumedCapacity: ledger.build(mode),
    ItemCollectionMetrics:
      member(input, 'ReturnItemCollectionMetrics', 'string') === 'SIZE'
        ? collectionMetrics(ctx, actions)
        : undefined,
  });
};
