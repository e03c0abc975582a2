/**
 * The expression language's syntax tree, shared by the parser (text → AST), the legacy-parameter
 * converters (Expected, QueryFilter, AttributeUpdates, ... → the same AST) and the evaluator.
 * Names and values are already resolved: `#n` placeholders became attribute names and `:v`
 * placeholders became AttributeValues, so the evaluator needs no ExpressionAttribute maps.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.html
 */
import type { AttributeValue } from '../model.js';

/** One step of a document path: a map key / top-level attribute name, or a list index. */
export type PathElement = { kind: 'name'; name: string } | { kind: 'index'; index: number };
/** `a.b[2].c` → [name a, name b, index 2, name c]. Never empty. */
export type DocumentPath = PathElement[];

/** An operand of a comparison or function. */
export type Operand =
  | { kind: 'path'; path: DocumentPath }
  | { kind: 'value'; value: AttributeValue }
  | { kind: 'size'; path: DocumentPath };

export type Comparator = '=' | '<>' | '<' | '<=' | '>' | '>=';

export type ConditionNode =
  | { kind: 'compare'; op: Comparator; left: Operand; right: Operand }
  | { kind: 'between'; operand: Operand; low: Operand; high: Operand }
  | { kind: 'in'; operand: Operand; candidates: Operand[] }
  | { kind: 'and'; left: ConditionNode; right: ConditionNode }
  | { kind: 'or'; left: ConditionNode; right: ConditionNode }
  | { kind: 'not'; operand: ConditionNode }
  | { kind: 'attribute_exists'; path: DocumentPath }
  | { kind: 'attribute_not_exists'; path: DocumentPath }
  | { kind: 'attribute_type'; path: DocumentPath; type: Operand }
  | { kind: 'begins_with'; operand: Operand; prefix: Operand }
  | { kind: 'contains'; operand: Operand; needle: Operand };

/** The right-hand side of SET. */
export type SetValue =
  | { kind: 'operand'; operand: Operand }
  | { kind: 'if_not_exists'; path: DocumentPath; fallback: SetValue }
  | { kind: 'list_append'; first: SetValue; second: SetValue }
  | { kind: 'plus' | 'minus'; left: SetValue; right: SetValue };

export type UpdateAction =
  | { kind: 'SET'; path: DocumentPath; value: SetValue }
  | { kind: 'REMOVE'; path: DocumentPath }
  | { kind: 'ADD'; path: DocumentPath; value: AttributeValue }
  | { kind: 'DELETE'; path: DocumentPath; value: AttributeValue };

export interface UpdateNode {
  actions: UpdateAction[];
}
