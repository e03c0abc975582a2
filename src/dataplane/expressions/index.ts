/**
 * The expression language's public surface (parse → AST → evaluate), used by the item operations.
 * Every parse function throws a DynamoError ValidationException with AWS's message
 * (e.g. `Invalid ConditionExpression: Syntax error; token: "=", near: "a = = b"`), and never any
 * other kind of error, whatever the input.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.html
 *
 * Modules: tokenizer → syntax (shared cursor, paths, operands) → condition-parser / update-parser /
 * projection (grammars) → condition-checks (semantic checks) → evaluator / update-applier; legacy
 * converts pre-expression parameters to the same AST.
 */
export type { ConditionNode, DocumentPath, Operand, PathElement, UpdateAction, UpdateNode } from './ast.js';
export { type KeyCondition, parseCondition, parseKeyCondition } from './condition.js';
export { evaluateCondition } from './evaluator.js';
export {
  conditionFromExpected,
  conditionFromFilter,
  keyConditionFromKeyConditions,
  pathsFromAttributesToGet,
  updateFromAttributeUpdates,
} from './legacy.js';
export { parseProjection, projectItem } from './projection.js';
export { ExpressionScope } from './scope.js';
export { applyUpdate } from './update-applier.js';
export { parseUpdate } from './update-parser.js';
