/**
 * The steps Query and Scan share once the request is read: the request-level checks, the filter,
 * the selection, the page itself and the response with its consumed capacity.
 * Capacity of a page: the total size of the items read (before the filter), rounded up to 4 KB
 * once; eventually consistent reads cost half.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html#read-operation-consumption
 */
import {
  type ConditionNode,
  conditionFromFilter,
  type ExpressionScope,
  type Operand,
  parseCondition,
} from '../../expressions/index.js';
import {
  type IndexMeta,
  type Item,
  type KeySchemaElement,
  type TableMeta,
  validationError,
} from '../../model.js';
import type { OperationContext, OperationInput, OperationOutput } from '../types.js';
import { CapacityMeter, readUnits } from './capacity.js';
import { compact, expressionScope, presentMembers, readExpressionMaps } from './common.js';
import { extractKey } from './keys.js';
import { type Page, pageOutput, readPage } from './query-scan-paging.js';
import {
  checkAttributesToGetDuplicates,
  checkExpressionParameters,
  legacyFilterName,
  type ReadRequest,
  validateStartKeyValues,
} from './query-scan-request.js';
import { checkSelect, needsTableFetch, type Selection } from './query-scan-select.js';
import { startKeyNames } from './query-scan-target.js';

/**
 * Checks that need neither the table nor the expressions parsed: Select, parameter families, the
 * placeholder maps without expressions, AttributesToGet duplicates and the start key's values.
 * Returns the start key with its values normalised.
 */
export function checkRequestShape(
  input: OperationInput,
  request: ReadRequest,
  expressionNames: readonly string[],
  legacyNames: readonly string[],
): Item | undefined {
  const projectionParameter =
    request.projectionExpression !== undefined
      ? 'ProjectionExpression'
      : request.attributesToGet !== undefined
        ? 'AttributesToGet'
        : undefined;
  checkSelect(request.operation, request.select, projectionParameter, request.indexName);
  checkExpressionParameters(input, expressionNames, legacyNames);
  checkAttributesToGetDuplicates(request.attributesToGet);
  return validateStartKeyValues(request.exclusiveStartKey);
}

/** The placeholder maps, validated, as the scope the request's expressions are parsed in. */
export function openScope(input: OperationInput, expressionNames: readonly string[]): ExpressionScope {
  const expressions = presentMembers(input, [...expressionNames]);
  return expressionScope({ expressions, legacy: [] }, readExpressionMaps(input));
}

/** AWS's errors for placeholders no expression used (nothing to check without the maps). */
export function checkPlaceholdersUsed(input: OperationInput, scope: ExpressionScope): void {
  const maps = readExpressionMaps(input);
  if (maps.names !== undefined || maps.values !== undefined) scope.assertAllUsed();
}

/** FilterExpression, or the legacy QueryFilter / ScanFilter with ConditionalOperator. */
export function readFilter(request: ReadRequest, scope: ExpressionScope): ConditionNode | undefined {
  if (request.filterExpression !== undefined) {
    return parseCondition(request.filterExpression, scope, 'FilterExpression');
  }
  if (request.legacyFilter === undefined) return undefined;
  return conditionFromFilter(
    request.legacyFilter,
    request.conditionalOperator,
    legacyFilterName(request.operation),
  );
}

function operandNames(operand: Operand): string[] {
  if (operand.kind === 'value') return [];
  const head = operand.path[0];
  return head?.kind === 'name' ? [head.name] : [];
}

/** Every top-level attribute name a condition reads. */
export function conditionAttributeNames(node: ConditionNode): string[] {
  switch (node.kind) {
    case 'compare':
      return [...operandNames(node.left), ...operandNames(node.right)];
    case 'between':
      return [node.operand, node.low, node.high].flatMap(operandNames);
    case 'in':
      return [node.operand, ...node.candidates].flatMap(operandNames);
    case 'and':
    case 'or':
      return [...conditionAttributeNames(node.left), ...conditionAttributeNames(node.right)];
    case 'not':
      return conditionAttributeNames(node.operand);
    case 'begins_with':
      return [...operandNames(node.operand), ...operandNames(node.prefix)];
    case 'contains':
      return [...operandNames(node.operand), ...operandNames(node.needle)];
    case 'attribute_type':
      return [...operandNames({ kind: 'path', path: node.path }), ...operandNames(node.type)];
    default:
      return operandNames({ kind: 'path', path: node.path });
  }
}

/** A Query's filter may not test the key attributes of the table or index it reads. */
export function checkFilterAvoidsKeys(
  filter: ConditionNode | undefined,
  keySchema: KeySchemaElement[],
  request: ReadRequest,
): void {
  if (!filter) return;
  const names = new Set(conditionAttributeNames(filter));
  const keyName = keySchema.map((element) => element.AttributeName).find((name) => names.has(name));
  if (keyName === undefined) return;
  const parameter = request.filterExpression !== undefined ? 'Filter Expression' : 'QueryFilter';
  throw validationError(
    `${parameter} can only contain non-primary key attributes: Primary key attribute: ${keyName}`,
  );
}

/** Everything a page needs once the target and the expressions are known. */
export interface ReadPlan {
  table: TableMeta;
  index: IndexMeta | undefined;
  filter: ConditionNode | undefined;
  selection: Selection;
}

/** Reads one page from `source` and builds the response. */
export function respond(
  ctx: OperationContext,
  request: ReadRequest,
  plan: ReadPlan,
  source: Iterable<Item>,
): OperationOutput {
  const { table, index, selection } = plan;
  const fetchFromTable = needsTableFetch(table, index, selection)
    ? (entry: Item) => ctx.store.getItem(table, extractKey(table, entry))
    : undefined;
  const page = readPage({
    source,
    limit: request.limit,
    filter: plan.filter,
    selection,
    startKeyNames: startKeyNames(table, index),
    fetchFromTable,
  });
  return compact({
    ...pageOutput(page, selection),
    ConsumedCapacity: consumedCapacity(request, plan, page),
  });
}

function consumedCapacity(
  request: ReadRequest,
  plan: ReadPlan,
  page: Page,
): Record<string, unknown> | undefined {
  const meter = new CapacityMeter(plan.table.TableName);
  const consistency = request.consistentRead ? 'strong' : 'eventual';
  if (plan.index) {
    meter.addIndex(plan.index, readUnits(page.bytesRead, consistency));
    if (page.tableFetchBytes > 0) meter.addTable(readUnits(page.tableFetchBytes, consistency));
  } else {
    meter.addTable(readUnits(page.bytesRead, consistency));
  }
  return meter.build(request.returnConsumedCapacity);
}
