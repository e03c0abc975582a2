/**
 * Grammar of condition and filter expressions (also the first stage of key conditions):
 *
 *   condition ::= operand comparator operand | operand BETWEEN operand AND operand
 *               | operand IN ( operand (, operand)* ) | function
 *               | condition AND condition | condition OR condition | NOT condition | ( condition )
 *
 * Precedence NOT > AND > OR. Parentheses and NOT are handled with an explicit stack so that
 * "((((((...." of any length costs no call-stack depth.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html
 */
import type { Comparator } from './ast.js';
import type { RawOperand, TokenStream } from './syntax.js';
import type { Token } from './tokenizer.js';

/** AWS: "The list can contain up to 100 values" (Expressions.OperatorsAndFunctions.html#Comparators). */
export const MAX_IN_OPERANDS = 100;

export type RawCondition =
  | { kind: 'and' | 'or'; left: RawCondition; right: RawCondition; token: Token }
  | { kind: 'not'; operand: RawCondition; token: Token }
  | { kind: 'compare'; op: Comparator; left: RawOperand; right: RawOperand; token: Token }
  | { kind: 'between'; operand: RawOperand; low: RawOperand; high: RawOperand; token: Token }
  | { kind: 'in'; operand: RawOperand; candidates: RawOperand[]; token: Token }
  | { kind: 'function'; call: Extract<RawOperand, { kind: 'call' }> };

const COMPARATORS = new Set<string>(['=', '<>', '<', '<=', '>', '>=']);

/** One parenthesis level: the OR-terms finished so far, the AND-terms of the current OR-term, pending NOTs. */
interface Frame {
  openToken: Token | undefined;
  orTerms: RawCondition[];
  andTerms: RawCondition[];
  andTokens: Token[];
  orTokens: Token[];
  pendingNots: Token[];
  /** Set while the frame's only term is itself a parenthesised group: "((a = :v))" is redundant. */
  onlyTermWasGroup: boolean;
}

const newFrame = (openToken: Token | undefined): Frame => ({
  openToken,
  orTerms: [],
  andTerms: [],
  andTokens: [],
  orTokens: [],
  pendingNots: [],
  onlyTermWasGroup: false,
});

function foldLeft(terms: RawCondition[], kind: 'and' | 'or', tokens: Token[]): RawCondition {
  let result = terms[0]!;
  for (let index = 1; index < terms.length; index++) {
    result = { kind, left: result, right: terms[index]!, token: tokens[index - 1]! };
  }
  return result;
}

class ConditionGrammar {
  constructor(private readonly stream: TokenStream) {}

  parse(): RawCondition {
    const frames: Frame[] = [newFrame(undefined)];
    for (;;) {
      const frame = frames[frames.length - 1]!;
      this.collectNots(frame);
      if (this.stream.atPunct('(')) {
        frames.push(newFrame(this.stream.advance()));
        continue;
      }
      let term: RawCondition = this.parsePredicate();
      let isGroup = false;
      // Close as many groups as the input closes right after this term.
      for (;;) {
        const current = frames[frames.length - 1]!;
        this.addTerm(current, term, isGroup);
        if (this.stream.atKeyword('AND') || this.stream.atKeyword('OR')) {
          this.addJunction(current);
          break;
        }
        if (this.stream.atPunct(')') && frames.length > 1) {
          this.stream.advance();
          frames.pop();
          if (current.onlyTermWasGroup) throw this.stream.error('The expression has redundant parentheses;');
          term = this.finish(current);
          isGroup = true;
          continue;
        }
        if (this.stream.atEnd() && frames.length === 1) return this.finish(current);
        throw this.stream.syntaxError();
      }
    }
  }

  private collectNots(frame: Frame): void {
    while (this.stream.atKeyword('NOT')) {
      this.stream.countOperator();
      frame.pendingNots.push(this.stream.advance());
    }
  }

  private addTerm(frame: Frame, term: RawCondition, isGroup: boolean): void {
    let negated = term;
    for (let index = frame.pendingNots.length - 1; index >= 0; index--) {
      negated = { kind: 'not', operand: negated, token: frame.pendingNots[index]! };
    }
    const isFirstTerm = frame.orTerms.length === 0 && frame.andTerms.length === 0;
    frame.onlyTermWasGroup = isFirstTerm && isGroup && frame.pendingNots.length === 0;
    frame.pendingNots = [];
    frame.andTerms.push(negated);
  }

  private addJunction(frame: Frame): void {
    this.stream.countOperator();
    frame.onlyTermWasGroup = false;
    const token = this.stream.advance();
    if (token.text.toUpperCase() === 'AND') {
      frame.andTokens.push(token);
      return;
    }
    frame.orTerms.push(foldLeft(frame.andTerms, 'and', frame.andTokens));
    frame.orTokens.push(token);
    frame.andTerms = [];
    frame.andTokens = [];
  }

  private finish(frame: Frame): RawCondition {
    const orTerms = [...frame.orTerms, foldLeft(frame.andTerms, 'and', frame.andTokens)];
    return foldLeft(orTerms, 'or', frame.orTokens);
  }

  /** operand comparator operand | operand BETWEEN .. AND .. | operand IN (..) | function(..) */
  private parsePredicate(): RawCondition {
    const operand = this.stream.parseOperand();
    const token = this.stream.peek();
    if (token.kind === 'punct' && COMPARATORS.has(token.text)) {
      this.stream.advance();
      this.stream.countOperator();
      return {
        kind: 'compare',
        op: token.text as Comparator,
        left: operand,
        right: this.stream.parseOperand(),
        token,
      };
    }
    if (this.stream.atKeyword('BETWEEN')) return this.parseBetween(operand);
    if (this.stream.atKeyword('IN')) return this.parseIn(operand);
    if (operand.kind === 'call') return { kind: 'function', call: operand };
    throw this.stream.syntaxError();
  }

  private parseBetween(operand: RawOperand): RawCondition {
    const token = this.stream.advance();
    this.stream.countOperator();
    const low = this.stream.parseOperand();
    if (!this.stream.atKeyword('AND')) throw this.stream.syntaxError();
    this.stream.advance();
    return { kind: 'between', operand, low, high: this.stream.parseOperand(), token };
  }

  private parseIn(operand: RawOperand): RawCondition {
    const token = this.stream.advance();
    this.stream.countOperator();
    this.stream.expectPunct('(');
    const candidates = [this.stream.parseOperand()];
    while (this.stream.atPunct(',')) {
      this.stream.advance();
      candidates.push(this.stream.parseOperand());
    }
    this.stream.expectPunct(')');
    if (candidates.length > MAX_IN_OPERANDS) {
      throw this.stream.error(
        `The IN operator is provided with too many operands; number of operands: ${candidates.length}`,
      );
    }
    return { kind: 'in', operand, candidates, token };
  }
}

/** Parses the whole stream as one condition; the stream must be positioned at its first token. */
export const parseRawCondition = (stream: TokenStream): RawCondition => new ConditionGrammar(stream).parse();
