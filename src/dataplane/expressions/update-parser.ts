/**
 * Grammar of update expressions:
 *
 *   update ::= [SET action, ...] [REMOVE path, ...] [ADD path :value, ...] [DELETE path :value, ...]
 *   set-action ::= path = value        value ::= operand | operand + operand | operand - operand
 *   operand ::= path | :value | if_not_exists(path, value) | list_append(value, value)
 *
 * Clauses come in any order, each at most once; no two target paths may overlap or conflict.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html
 */
import type { DocumentPath, SetValue, UpdateAction, UpdateNode } from './ast.js';
import { findPathClash } from './paths.js';
import type { ExpressionScope } from './scope.js';
import { checkExpressionText, type RawOperand, TokenStream } from './syntax.js';
import type { Token } from './tokenizer.js';
import { isSetType, LONG_TYPE_NAMES, typeOf } from './types.js';

type Clause = 'SET' | 'REMOVE' | 'ADD' | 'DELETE';
const CLAUSES: readonly Clause[] = ['SET', 'REMOVE', 'ADD', 'DELETE'];
const CONDITION_FUNCTIONS = new Set([
  'attribute_exists',
  'attribute_not_exists',
  'attribute_type',
  'begins_with',
  'contains',
  'size',
]);

type RawAction =
  | { clause: 'SET'; path: DocumentPath; value: RawOperand }
  | { clause: 'REMOVE'; path: DocumentPath }
  | { clause: 'ADD' | 'DELETE'; path: DocumentPath; value: Extract<RawOperand, { kind: 'value' }> };

class UpdateGrammar {
  readonly actions: RawAction[] = [];
  readonly repeatedClauses: Clause[] = [];

  constructor(private readonly stream: TokenStream) {}

  parse(): void {
    const seen = new Set<Clause>();
    do {
      const clause = this.clauseAt(this.stream.peek());
      if (clause === undefined) throw this.stream.syntaxError();
      if (seen.has(clause)) this.repeatedClauses.push(clause);
      seen.add(clause);
      this.stream.advance();
      this.parseActions(clause);
    } while (!this.stream.atEnd());
  }

  private clauseAt(token: Token): Clause | undefined {
    if (token.kind !== 'name') return undefined;
    return CLAUSES.find((clause) => clause === token.text.toUpperCase());
  }

  private parseActions(clause: Clause): void {
    for (;;) {
      this.actions.push(this.parseAction(clause));
      if (!this.stream.atPunct(',')) return;
      this.stream.advance();
    }
  }

  private parseAction(clause: Clause): RawAction {
    const path = this.stream.parsePath();
    if (clause === 'REMOVE') return { clause, path };
    if (clause === 'SET') {
      this.stream.expectPunct('=');
      return { clause, path, value: this.parseValue() };
    }
    const value = this.stream.parseOperand();
    if (value.kind !== 'value') throw this.stream.syntaxError(value.token);
    return { clause, path, value };
  }

  /** operand [+|- operand]; function arguments may themselves be such values. */
  private parseValue(): RawOperand {
    const left = this.stream.parseOperand(() => this.parseValue());
    const token = this.stream.peek();
    if (!this.stream.atPunct('+') && !this.stream.atPunct('-')) return left;
    this.stream.advance();
    this.stream.countOperator();
    const right = this.stream.parseOperand(() => this.parseValue());
    return { kind: 'arithmetic', operator: token.text as '+' | '-', left, right, token };
  }
}

class UpdateChecker {
  constructor(private readonly stream: TokenStream) {}

  action(raw: RawAction): UpdateAction {
    if (raw.clause === 'SET') return { kind: 'SET', path: raw.path, value: this.setValue(raw.value) };
    if (raw.clause === 'REMOVE') return { kind: 'REMOVE', path: raw.path };
    const type = typeOf(raw.value.value);
    const allowed = raw.clause === 'ADD' ? type === 'N' || isSetType(type) : isSetType(type);
    if (!allowed) {
      throw this.stream.error(
        `Incorrect operand type for operator or function; operator: ${raw.clause}, operand type: ${
          type ? LONG_TYPE_NAMES[type] : 'NULL'
        }, typeSet: ALLOWED_FOR_${raw.clause}_OPERAND`,
      );
    }
    return { kind: raw.clause, path: raw.path, value: raw.value.value };
  }

  private setValue(raw: RawOperand): SetValue {
    switch (raw.kind) {
      case 'path':
        return { kind: 'operand', operand: { kind: 'path', path: raw.path } };
      case 'value':
        return { kind: 'operand', operand: { kind: 'value', value: raw.value } };
      case 'arithmetic':
        return {
          kind: raw.operator === '+' ? 'plus' : 'minus',
          left: this.setValue(raw.left),
          right: this.setValue(raw.right),
        };
      case 'call':
        return this.functionValue(raw);
    }
  }

  private functionValue(call: Extract<RawOperand, { kind: 'call' }>): SetValue {
    if (call.name !== 'if_not_exists' && call.name !== 'list_append') {
      if (CONDITION_FUNCTIONS.has(call.name)) {
        throw this.stream.error(
          `The function is not allowed in an update expression; function: ${call.name}`,
        );
      }
      throw this.stream.error(`Invalid function name; function: ${call.name}`);
    }
    if (call.args.length !== 2) {
      throw this.stream.error(
        `Incorrect number of operands for operator or function; operator or function: ${call.name}, number of operands: ${call.args.length}`,
      );
    }
    const [first, second] = call.args as [RawOperand, RawOperand];
    if (call.name === 'list_append') {
      return { kind: 'list_append', first: this.setValue(first), second: this.setValue(second) };
    }
    if (first.kind !== 'path') {
      throw this.stream.error(
        'Operator or function requires a document path; operator or function: if_not_exists',
      );
    }
    return { kind: 'if_not_exists', path: first.path, fallback: this.setValue(second) };
  }
}

export function parseUpdate(text: string, scope: ExpressionScope): UpdateNode {
  const stream = new TokenStream(checkExpressionText(text, 'UpdateExpression'), 'UpdateExpression', scope);
  const grammar = new UpdateGrammar(stream);
  grammar.parse();
  const repeated = grammar.repeatedClauses[0];
  if (repeated)
    throw stream.error(`The "${repeated}" section can only be used once in an update expression;`);
  stream.throwDeferred();
  const checker = new UpdateChecker(stream);
  const actions = grammar.actions.map((raw) => checker.action(raw));
  const clash = findPathClash(actions.map((action) => action.path));
  if (clash) throw stream.error(clash);
  return { actions };
}
