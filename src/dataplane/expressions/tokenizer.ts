/**
 * Lexer for DynamoDB expressions. One lexer serves every grammar (condition, key condition,
 * update, projection); keywords stay plain `name` tokens and each parser decides, case-insensitively,
 * which words are keywords in its position.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.html
 */

export type TokenKind =
  /** A bare attribute name, keyword or function name: a letter, then letters, digits, underscores. */
  | 'name'
  /** `#placeholder` (ExpressionAttributeNames key). */
  | 'nameRef'
  /** `:placeholder` (ExpressionAttributeValues key). */
  | 'valueRef'
  /** Unsigned decimal digits (list indexes). */
  | 'number'
  | 'punct'
  /** A character no rule accepts; the parser reports it as a syntax error. */
  | 'invalid'
  | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Offsets into the expression text, used to quote the "near" context of syntax errors. */
  start: number;
  end: number;
}

const TWO_CHAR_PUNCTUATION = new Set(['<>', '<=', '>=']);
const ONE_CHAR_PUNCTUATION = new Set(['=', '<', '>', '(', ')', '[', ']', ',', '.', '+', '-']);
const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

const isLetter = (char: string): boolean => (char >= 'a' && char <= 'z') || (char >= 'A' && char <= 'Z');
const isDigit = (char: string): boolean => char >= '0' && char <= '9';
const isWordChar = (char: string): boolean => isLetter(char) || isDigit(char) || char === '_';

function scanWhile(text: string, from: number, accept: (char: string) => boolean): number {
  let position = from;
  while (position < text.length && accept(text[position]!)) position++;
  return position;
}

function scanToken(text: string, start: number): Token {
  const char = text[start]!;
  const make = (kind: TokenKind, end: number): Token => ({ kind, text: text.slice(start, end), start, end });
  if (isLetter(char)) return make('name', scanWhile(text, start + 1, isWordChar));
  if (isDigit(char)) return make('number', scanWhile(text, start + 1, isDigit));
  if (char === '#' || char === ':') {
    const end = scanWhile(text, start + 1, isWordChar);
    if (end > start + 1) return make(char === '#' ? 'nameRef' : 'valueRef', end);
    return make('invalid', start + 1);
  }
  const pair = text.slice(start, start + 2);
  if (TWO_CHAR_PUNCTUATION.has(pair)) return make('punct', start + 2);
  if (ONE_CHAR_PUNCTUATION.has(char)) return make('punct', start + 1);
  // One UTF-16 unit is enough to quote in the error; never split a surrogate pair though.
  const width = char.codePointAt(0)! > 0xffff ? 2 : 1;
  return make('invalid', start + width);
}

/** All tokens of `text`, ending with one `eof` token. Linear time; never throws. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  while (position < text.length) {
    if (WHITESPACE.has(text[position]!)) {
      position++;
      continue;
    }
    const token = scanToken(text, position);
    tokens.push(token);
    position = token.end;
  }
  tokens.push({ kind: 'eof', text: '', start: text.length, end: text.length });
  return tokens;
}
