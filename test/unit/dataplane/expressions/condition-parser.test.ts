import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type ConditionNode,
  ExpressionScope,
  parseCondition,
  parseKeyCondition,
} from '../../../../src/dataplane/expressions/index.js';
import { RESERVED_WORDS } from '../../../../src/dataplane/expressions/reserved-words.js';
import type { AttributeValue } from '../../../../src/dataplane/model.js';
import { assertValidation } from './helpers.js';

const VALUES: Record<string, AttributeValue> = {
  ':n': { N: '5' },
  ':one': { N: '1' },
  ':s': { S: 'ab' },
  ':b': { B: 'AAE=' },
  ':t': { S: 'SS' },
  ':bad': { S: 'STRING' },
  ':m': { M: {} },
  ':bool': { BOOL: true },
};
const NAMES = { '#s': 'status', '#a': 'a' };

const scope = () => new ExpressionScope(NAMES, VALUES);
const condition = (text: string): ConditionNode => parseCondition(text, scope(), 'ConditionExpression');
const prefix = 'Invalid ConditionExpression: ';

describe('condition parser accepts', () => {
  const accepted = [
    'a = :n',
    'a <> :n AND b < :n OR c <= :n',
    'a > :n AND b >= :n',
    '#s = :s',
    'a.b[2].#s = :n',
    'a BETWEEN :one AND :n',
    'a IN (:n, :one, :s)',
    'NOT a = :n',
    'NOT NOT (a = :n)',
    '(a = :n OR b = :n) AND c = :n',
    'attribute_exists(a) AND attribute_not_exists(#s)',
    'attribute_type(a, :t)',
    'begins_with(a, :s) OR begins_with(a, :b)',
    'contains(a, :n)',
    'size(a) > :n',
    'size(a.b) BETWEEN :one AND :n',
    'a = b',
    ':n = a',
    'a=:n and b=:n or not c=:n',
    '\n\ta\r\n=\t:n ',
  ];
  for (const text of accepted) test(text, () => assert.ok(condition(text)));

  test('precedence NOT > AND > OR', () => {
    const tree = condition('NOT a = :n AND b = :n OR c = :n');
    assert.equal(tree.kind, 'or');
    assert.equal(tree.kind === 'or' && tree.left.kind, 'and');
    assert.equal(tree.kind === 'or' && tree.left.kind === 'and' && tree.left.left.kind, 'not');
  });

  test('names and values are resolved', () => {
    assert.deepEqual(condition('#s.x[3] = :s'), {
      kind: 'compare',
      op: '=',
      left: {
        kind: 'path',
        path: [
          { kind: 'name', name: 'status' },
          { kind: 'name', name: 'x' },
          { kind: 'index', index: 3 },
        ],
      },
      right: { kind: 'value', value: { S: 'ab' } },
    });
  });

  test('IN takes up to 100 operands', () => {
    const values: Record<string, AttributeValue> = {};
    for (let index = 0; index < 101; index++) values[`:v${index}`] = { N: String(index) };
    const list = (count: number) => Array.from({ length: count }, (_, index) => `:v${index}`).join(', ');
    assert.ok(parseCondition(`a IN (${list(100)})`, new ExpressionScope({}, values), 'FilterExpression'));
    assertValidation(
      () => parseCondition(`a IN (${list(101)})`, new ExpressionScope({}, values), 'FilterExpression'),
      'Invalid FilterExpression: The IN operator is provided with too many operands; number of operands: 101',
    );
  });

  test('the reserved word list is complete', () => {
    assert.equal(RESERVED_WORDS.size, 573);
    for (const word of ['STATUS', 'NAME', 'DATA', 'ZONE', 'ABORT']) assert.ok(RESERVED_WORDS.has(word));
  });
});

describe('condition parser rejects', () => {
  const rejected: Array<[string, string]> = [
    ['', 'The expression can not be empty;'],
    ['   ', 'The expression can not be empty;'],
    ['foo', 'Syntax error; token: "<EOF>", near: "foo"'],
    ['a = = :n', 'Syntax error; token: "=", near: "= = :n"'],
    ['book-price = :n', 'Syntax error; token: "-", near: "book-price"'],
    ['attribute_not_exists(', 'Syntax error; token: "<EOF>", near: "("'],
    ['(a = :n', 'Syntax error; token: "<EOF>", near: ":n"'],
    ['a = :n)', 'Syntax error; token: ")", near: ":n)"'],
    ['a = :n AND', 'Syntax error; token: "<EOF>", near: "AND"'],
    ['a BETWEEN :one OR :n', 'Syntax error; token: "OR", near: ":one OR :n"'],
    ['a IN ()', 'Syntax error; token: ")", near: "()"'],
    ['a $ :n', 'Syntax error; token: "$", near: "a $ :n"'],
    ['a[x] = :n', 'Syntax error; token: "x", near: "[x]"'],
    ['a. = :n', 'Syntax error; token: "=", near: ". = :n"'],
    ['a = AND', 'Syntax error; token: "AND", near: "= AND"'],
    ['((a = :n))', 'The expression has redundant parentheses;'],
    ['status = :n', 'Attribute name is a reserved keyword; reserved keyword: status'],
    ['a.Name = :n', 'Attribute name is a reserved keyword; reserved keyword: Name'],
    ['a = :nope', 'An expression attribute value used in expression is not defined; attribute value: :nope'],
    [
      '#nope = :n',
      'An expression attribute name used in the document path is not defined; attribute name: #nope',
    ],
    ['size(a)', 'The function is not allowed to be used this way in an expression; function: size'],
    [
      'begins_with(a, :s) = :n',
      'The function is not allowed to be used this way in an expression; function: begins_with',
    ],
    [
      'if_not_exists(a, :n)',
      'The function is not allowed in a condition expression; function: if_not_exists',
    ],
    ['frobnicate(a)', 'Invalid function name; function: frobnicate'],
    ['SIZE(a) = :n', 'Invalid function name; function: SIZE'],
    [
      'begins_with(a)',
      'Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1',
    ],
    [
      'attribute_exists(a, b)',
      'Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2',
    ],
    [
      'attribute_exists(:n)',
      'Operator or function requires a document path; operator or function: attribute_exists',
    ],
    ['size(:s) = :n', 'Operator or function requires a document path; operator or function: size'],
    [
      'begins_with(a, :n)',
      'Incorrect operand type for operator or function; operator or function: begins_with, operand type: N',
    ],
    [
      'attribute_type(a, :n)',
      'Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N',
    ],
    [
      'attribute_type(a, :bad)',
      'Invalid attribute type name found; type: STRING, valid types: { B, NULL, SS, BOOL, L, BS, N, NS, S, M }',
    ],
    ['a < :m', 'Incorrect operand type for operator or function; operator: <, operand type: M'],
    [
      'a BETWEEN :bool AND :n',
      'Incorrect operand type for operator or function; operator: BETWEEN, operand type: BOOL',
    ],
    [
      'a = a',
      'The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]',
    ],
    [
      'contains(a.b, #a.b)',
      'The first operand must be distinct from the remaining operands for this operator or function; operator: contains, first operand: [a, b]',
    ],
    [
      'a IN (:n, a)',
      'The first operand must be distinct from the remaining operands for this operator or function; operator: IN, first operand: [a]',
    ],
    [
      'a BETWEEN :n AND :one',
      'The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower operand: AttributeValue: {N:5}, upper operand: AttributeValue: {N:1}',
    ],
    [
      'a BETWEEN :n AND :s',
      'The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {S:ab}',
    ],
    ['a[2147483648] = :n', 'List index is not within the allowable range; index: 2147483648'],
  ];
  for (const [text, message] of rejected) {
    test(JSON.stringify(text), () => assertValidation(() => condition(text), prefix + message));
  }

  test('syntax errors win over undefined placeholders', () => {
    assertValidation(
      () => condition('#nope = :nope AND'),
      `${prefix}Syntax error; token: "<EOF>", near: "AND"`,
    );
  });

  test('expressions over 4 KB', () => {
    const text = `a = :n${' OR a = :n'.repeat(410)}`;
    assertValidation(
      () => condition(text),
      `${prefix}Expression size has exceeded the maximum allowed size; expression size: ${text.length}`,
    );
  });

  test('more than 300 operators', () => {
    const text = `a = :n${' OR a=:n'.repeat(150)}`;
    assertValidation(
      () => condition(text),
      `${prefix}The expression contains too many operators; operator count: 301`,
    );
  });

  test('document paths deeper than 32 levels', () => {
    assert.ok(condition(`attribute_exists(a${'.b'.repeat(31)})`));
    assertValidation(
      () => condition(`attribute_exists(a${'.b'.repeat(32)})`),
      `${prefix}The document path has too many nesting levels; nesting levels: 33`,
    );
  });

  test('deep parentheses are rejected without exhausting the stack', () => {
    assertValidation(() => condition('('.repeat(4000)), `${prefix}Syntax error; token: "<EOF>", near: "("`);
    assertValidation(
      () => condition(`${'('.repeat(2040)}a = :n${')'.repeat(2040)}`),
      `${prefix}The expression has redundant parentheses;`,
    );
    assertValidation(() => condition('('.repeat(100_000)), /Expression size has exceeded/);
  });

  test('the parameter name prefixes messages', () => {
    assertValidation(
      () => parseCondition('foo', scope(), 'FilterExpression'),
      'Invalid FilterExpression: Syntax error; token: "<EOF>", near: "foo"',
    );
  });
});

describe('expression scope', () => {
  test('reports unused values, then unused names', () => {
    const shared = new ExpressionScope(
      { '#a': 'a', '#b': 'b' },
      { ':a': { N: '1' }, ':b': { N: '2' }, ':c': { N: '3' } },
    );
    parseCondition('#a = :a', shared, 'ConditionExpression');
    assertValidation(
      () => shared.assertAllUsed(),
      'Value provided in ExpressionAttributeValues unused in expressions: keys: {:b, :c}',
    );
    parseCondition('#a = :b AND :c = b', shared, 'ConditionExpression');
    assertValidation(
      () => shared.assertAllUsed(),
      'Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}',
    );
  });

  test('usage accumulates across expressions and absent maps are fine', () => {
    const shared = new ExpressionScope({ '#a': 'a' }, { ':a': { N: '1' } });
    parseCondition('#a = b', shared, 'ConditionExpression');
    parseCondition('b = :a', shared, 'FilterExpression');
    shared.assertAllUsed();
    new ExpressionScope(undefined, undefined).assertAllUsed();
  });

  test('prototype keys are not placeholders', () => {
    assertValidation(
      () => parseCondition('a = :constructor', new ExpressionScope({}, {}), 'ConditionExpression'),
      `${prefix}An expression attribute value used in expression is not defined; attribute value: :constructor`,
    );
  });
});

describe('key condition expressions', () => {
  const key = (text: string) => parseKeyCondition(text, scope());
  test('partition only', () => {
    assert.deepEqual(key('pk = :s'), { partition: { name: 'pk', value: { S: 'ab' } } });
  });
  test('partition and each sort operator', () => {
    const cases: Array<[string, unknown]> = [
      ['sk = :n', { op: 'EQ', value: { N: '5' } }],
      ['sk < :n', { op: 'LT', value: { N: '5' } }],
      ['sk <= :n', { op: 'LE', value: { N: '5' } }],
      ['sk > :n', { op: 'GT', value: { N: '5' } }],
      ['sk >= :n', { op: 'GE', value: { N: '5' } }],
      [':n > sk', { op: 'LT', value: { N: '5' } }],
      ['sk BETWEEN :one AND :n', { op: 'BETWEEN', low: { N: '1' }, high: { N: '5' } }],
      ['begins_with(sk, :s)', { op: 'BEGINS_WITH', value: { S: 'ab' } }],
    ];
    for (const [sort, expected] of cases) {
      assert.deepEqual(key(`pk = :s AND ${sort}`), {
        partition: { name: 'pk', value: { S: 'ab' } },
        sort: { name: 'sk', condition: expected },
      });
    }
    assert.deepEqual(key('begins_with(sk, :s) AND #a = :n').partition, { name: 'a', value: { N: '5' } });
  });
  const rejected: Array<[string, string]> = [
    ['pk = :s OR sk = :n', 'Invalid operator used in KeyConditionExpression: OR'],
    ['NOT pk = :s', 'Invalid operator used in KeyConditionExpression: NOT'],
    ['pk IN (:s)', 'Invalid operator used in KeyConditionExpression: IN'],
    ['pk <> :s', 'Invalid operator used in KeyConditionExpression: <>'],
    ['pk = :s AND contains(sk, :s)', 'Invalid operator used in KeyConditionExpression: contains'],
    ['pk = :s AND attribute_exists(sk)', 'Invalid operator used in KeyConditionExpression: attribute_exists'],
    ['pk = :s AND pk = :n', 'KeyConditionExpressions must only contain one condition per key'],
    ['pk = :s AND sk = :n AND x = :n', 'Conditions can be of length 1 or 2 only'],
    ['pk > :s', 'Query key condition not supported'],
    ['pk = sk', 'Query key condition not supported'],
    ['pk.x = :s', 'Query key condition not supported'],
    ['pk = :s AND size(sk) > :n', 'Query key condition not supported'],
    ['pk = :s AND', 'Invalid KeyConditionExpression: Syntax error; token: "<EOF>", near: "AND"'],
    ['', 'Invalid KeyConditionExpression: The expression can not be empty;'],
  ];
  for (const [text, message] of rejected)
    test(`rejects ${JSON.stringify(text)}`, () => assertValidation(() => key(text), message));
});
