/**
 * The machinery every expression grammar shares: input limits, a token cursor with AWS-style syntax
 * errors, document paths, operands and function calls.
 *
 * The parsers are hand-written recursive descent (with an explicit stack where nesting is
 * unbounded): no maintained library parses DynamoDB's expression grammar, and a hand-written parser
 * lets us reproduce AWS's exact error messages and bound every resource on hostile input.
 */
import { Buffer } from 'node:buffer';
import type { AttributeValue, DynamoError } from '../model.js';
import type { DocumentPath, PathElement } from './ast.js';
import { type ExpressionParameter, expressionError } from './errors.js';
import { isReservedWord } from './reserved-words.js';
import type { ExpressionScope } from './scope.js';
import { type Token, tokenize } from './tokenizer.js';

/** AWS: "The maximum length of any expression string is 4 KB." (Constraints.html#limits-expression-parameters) */
export const MAX_EXPRESSION_BYTES = 4096;
/** AWS: at most 300 operators or functions per expression (Constraints.html). */
export const MAX_OPERATORS = 300;
/** Items nest at most 32 levels (Constraints.html#limits-attributes); paths cannot go deeper. */
export const MAX_PATH_ELEMENTS = 32;
/** List indexes are 32-bit in AWS; larger ones are rejected rather than silently wrapped. */
const MAX_LIST_INDEX = 2 ** 31 - 1;

/** Words the grammars use as operators or clause names; they never parse as attribute names. */
const GRAMMAR_KEYWORDS = new Set(['AND', 'OR', 'NOT', 'BETWEEN', 'IN', 'SET', 'REMOVE', 'ADD', 'DELETE']);

export type RawOperand =
  | { kind: 'path'; path: DocumentPath; token: Token }
  | { kind: 'value'; value: AttributeValue; token: Token }
  | { kind: 'call'; name: string; args: RawOperand[]; token: Token }
  /** Only update expressions produce arithmetic (SET a = b + :c). */
  | { kind: 'arithmetic'; operator: '+' | '-'; left: RawOperand; right: RawOperand; token: Token };

/** Rejects non-strings, empty and oversized expressions before any tokenizing. */
export function checkExpressionText(text: unknown, parameter: ExpressionParameter): string {
  if (typeof text !== 'string') throw expressionError(parameter, 'The expression can not be empty;');
  if (text.trim() === '') throw expressionError(parameter, 'The expression can not be empty;');
  const size = Buffer.byteLength(text, 'utf8');
  if (size > MAX_EXPRESSION_BYTES) {
    throw expressionError(
      parameter,
      `Expression size has exceeded the maximum allowed size; expression size: ${size}`,
    );
  }
  return text;
}

/** A cursor over the tokens of one expression, plus the errors the grammar rules raise. */
export class TokenStream {
  private readonly tokens: Token[];
  private position = 0;
  private operatorCount = 0;
  /** Undefined placeholders surface only after the whole text parsed: syntax errors win. */
  private deferredError: DynamoError | undefined;

  constructor(
    readonly text: string,
    readonly parameter: ExpressionParameter,
    readonly scope: ExpressionScope,
  ) {
    this.tokens = tokenize(text);
  }

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.position + offset, this.tokens.length - 1)]!;
  }

  advance(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.position++;
    return token;
  }

  atEnd(): boolean {
    return this.peek().kind === 'eof';
  }

  atPunct(text: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind === 'punct' && token.text === text;
  }

  atKeyword(word: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind === 'name' && token.text.toUpperCase() === word;
  }

  expectPunct(text: string): Token {
    if (!this.atPunct(text)) throw this.syntaxError();
    return this.advance();
  }

  expectEnd(): void {
    if (!this.atEnd()) throw this.syntaxError();
  }

  error(message: string): DynamoError {
    return expressionError(this.parameter, message);
  }

  /**
   * AWS quotes the offending token and the text from the previous token to the next one, e.g.
   * `token: "-", near: "book-price"`, or `token: "<EOF>", near: "foo"` at the end of the input.
   */
  syntaxError(token: Token = this.peek()): DynamoError {
    const index = this.tokens.indexOf(token);
    const previous = index > 0 ? this.tokens[index - 1] : undefined;
    const following = this.tokens[index + 1];
    const nearStart = previous?.start ?? token.start;
    const nearEnd =
      token.kind === 'eof'
        ? (previous?.end ?? token.end)
        : following && following.kind !== 'eof'
          ? following.end
          : token.end;
    const shown = token.kind === 'eof' ? '<EOF>' : token.text;
    return this.error(`Syntax error; token: "${shown}", near: "${this.text.slice(nearStart, nearEnd)}"`);
  }

  /** Counts an operator or function toward AWS's per-expression limit. */
  countOperator(): void {
    this.operatorCount++;
    if (this.operatorCount > MAX_OPERATORS) {
      throw this.error(`The expression contains too many operators; operator count: ${this.operatorCount}`);
    }
  }

  defer(error: DynamoError): void {
    this.deferredError ??= error;
  }

  throwDeferred(): void {
    if (this.deferredError) throw this.deferredError;
  }

  parsePath(): DocumentPath {
    const path: PathElement[] = [this.parseNameElement()];
    for (;;) {
      if (this.atPunct('.')) {
        this.advance();
        path.push(this.parseNameElement());
      } else if (this.atPunct('[')) {
        this.advance();
        path.push(this.parseIndexElement());
        this.expectPunct(']');
      } else {
        break;
      }
      if (path.length > MAX_PATH_ELEMENTS) {
        throw this.error(`The document path has too many nesting levels; nesting levels: ${path.length}`);
      }
    }
    return path;
  }

  private parseNameElement(): PathElement {
    const token = this.peek();
    if (token.kind === 'nameRef') {
      this.advance();
      return { kind: 'name', name: this.resolveName(token) };
    }
    if (token.kind !== 'name' || GRAMMAR_KEYWORDS.has(token.text.toUpperCase())) throw this.syntaxError();
    if (isReservedWord(token.text)) {
      throw this.error(`Attribute name is a reserved keyword; reserved keyword: ${token.text}`);
    }
    this.advance();
    return { kind: 'name', name: token.text };
  }

  private parseIndexElement(): PathElement {
    const token = this.peek();
    if (token.kind !== 'number') throw this.syntaxError();
    this.advance();
    const index = Number(token.text);
    if (index > MAX_LIST_INDEX) {
      throw this.error(`List index is not within the allowable range; index: ${token.text}`);
    }
    return { kind: 'index', index };
  }

  private resolveName(token: Token): string {
    const name = this.scope.lookupName(token.text);
    if (name !== undefined) return name;
    this.defer(
      this.error(
        `An expression attribute name used in the document path is not defined; attribute name: ${token.text}`,
      ),
    );
    return token.text;
  }

  private resolveValue(token: Token): AttributeValue {
    const value = this.scope.lookupValue(token.text);
    if (value !== undefined) return value;
    this.defer(
      this.error(
        `An expression attribute value used in expression is not defined; attribute value: ${token.text}`,
      ),
    );
    return { NULL: true };
  }

  /**
   * path | :value | function(argument, ...). `parseArgument` parses each function argument (update
   * expressions allow arithmetic there). Nesting is bounded by the operator limit, which every
   * function call counts toward.
   */
  parseOperand(parseArgument: () => RawOperand = () => this.parseOperand()): RawOperand {
    const token = this.peek();
    if (token.kind === 'valueRef') {
      this.advance();
      return { kind: 'value', value: this.resolveValue(token), token };
    }
    if (token.kind === 'name' && this.atPunct('(', 1)) return this.parseCall(parseArgument);
    return { kind: 'path', path: this.parsePath(), token };
  }

  private parseCall(parseArgument: () => RawOperand): RawOperand {
    const token = this.advance();
    this.countOperator();
    this.expectPunct('(');
    const args = [parseArgument()];
    while (this.atPunct(',')) {
      this.advance();
      args.push(parseArgument());
    }
    this.expectPunct(')');
    return { kind: 'call', name: token.text, args, token };
  }
}
