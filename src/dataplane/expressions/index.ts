/**
 * The expression language's public surface (parse → AST → evaluate), used by the item operations.
 * Every parse function throws a DynamoError ValidationException with AWS's message
 * (e.g. `Invalid ConditionExpression: Syntax error; token: "=", near: "a = = b"`).
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.html
 *
 * CONTRACT (fixed; the expressions engineer fills in the bodies, the item operations call them).
 */
import type { AttributeValue, Item } from '../model.js';
import type { SortKeyCondition } from '../storage/types.js';
import type { ConditionNode, DocumentPath, UpdateNode } from './ast.js';

export type { ConditionNode, DocumentPath, Operand, PathElement, UpdateAction, UpdateNode } from './ast.js';

const notYet = (): never => {
  throw new Error('expressions: not implemented yet');
};

/**
 * The ExpressionAttributeNames / ExpressionAttributeValues of one request. Parsing records which
 * placeholders each expression used; `assertAllUsed` then raises AWS's errors for unused ones
 * ("Value provided in ExpressionAttributeValues unused in expressions: keys: {:a, :b}",
 * "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a}").
 * A placeholder that is used but not defined fails at parse time ("An expression attribute
 * value used in expression is not defined; attribute value: :x").
 */
export class ExpressionScope {
  constructor(
    readonly names: Record<string, string> | undefined,
    readonly values: Record<string, AttributeValue> | undefined,
  ) {}
  assertAllUsed(): void {
    notYet();
  }
}

/** ConditionExpression or FilterExpression (the name goes in error messages). */
export function parseCondition(
  _text: string,
  _scope: ExpressionScope,
  _parameter: 'ConditionExpression' | 'FilterExpression',
): ConditionNode {
  return notYet();
}

/** True when `item` (undefined = no item) satisfies the condition. Never throws on type mismatch (false). */
export function evaluateCondition(_condition: ConditionNode, _item: Item | undefined): boolean {
  return notYet();
}

/** A parsed KeyConditionExpression; the Query operation checks it against the key schema. */
export interface KeyCondition {
  partition: { name: string; value: AttributeValue };
  sort?: { name: string; condition: SortKeyCondition };
}

export function parseKeyCondition(_text: string, _scope: ExpressionScope): KeyCondition {
  return notYet();
}

export function parseUpdate(_text: string, _scope: ExpressionScope): UpdateNode {
  return notYet();
}

/**
 * Applies the update to a copy of `item` (an empty object when the item does not exist yet) and
 * returns the new item. Throws ValidationException as AWS does at run time, e.g. "The provided
 * expression refers to an attribute that does not exist in the item", "An operand in the update
 * expression has an incorrect data type", number overflow.
 */
export function applyUpdate(_update: UpdateNode, _item: Item): Item {
  return notYet();
}

export function parseProjection(_text: string, _scope: ExpressionScope): DocumentPath[] {
  return notYet();
}

/** The item reduced to the given paths (missing paths are skipped; list elements are compacted). */
export function projectItem(_item: Item, _paths: DocumentPath[]): Item {
  return notYet();
}

// Legacy (pre-expression) parameters, converted to the same AST so one evaluator serves both.

/** Expected + ConditionalOperator → condition; undefined when Expected is absent or empty. */
export function conditionFromExpected(_expected: unknown, _conditionalOperator: unknown): ConditionNode | undefined {
  return notYet();
}

/** QueryFilter / ScanFilter + ConditionalOperator → condition; undefined when absent or empty. */
export function conditionFromFilter(
  _filter: unknown,
  _conditionalOperator: unknown,
  _parameter: 'QueryFilter' | 'ScanFilter',
): ConditionNode | undefined {
  return notYet();
}

/** Query's legacy KeyConditions. */
export function keyConditionFromKeyConditions(_keyConditions: unknown): KeyCondition {
  return notYet();
}

/** UpdateItem's legacy AttributeUpdates (PUT / ADD / DELETE actions). */
export function updateFromAttributeUpdates(_attributeUpdates: unknown): UpdateNode {
  return notYet();
}

/** AttributesToGet → top-level paths. */
export function pathsFromAttributesToGet(_names: unknown): DocumentPath[] {
  return notYet();
}
