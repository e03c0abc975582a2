import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyUpdate, ExpressionScope, parseUpdate } from '../../../../src/dataplane/expressions/index.js';
import type { AttributeValue, Item } from '../../../../src/dataplane/model.js';
import { assertValidation } from './helpers.js';

const VALUES: Record<string, AttributeValue> = {
  ':one': { N: '1' },
  ':two': { N: '2.50' },
  ':s': { S: 'x' },
  ':list': { L: [{ S: 'new' }] },
  ':ss': { SS: ['b', 'c'] },
  ':ssA': { SS: ['a'] },
  ':ns': { NS: ['1', '3'] },
  ':map': { M: { k: { S: 'v' } } },
  ':bool': { BOOL: false },
  ':huge': { N: '9.9999999999999999999999999999999999999E+125' },
};
const NAMES = { '#l': 'list', '#k': 'key' };

const scope = () => new ExpressionScope(NAMES, VALUES);
const parse = (text: string) => parseUpdate(text, scope());
const apply = (text: string, item: Item) => applyUpdate(parse(text), item);
const prefix = 'Invalid UpdateExpression: ';

describe('update parser', () => {
  const accepted = [
    'SET a = :one',
    'set a = :one, b = a + :one, c = a - b',
    'SET a = if_not_exists(a, :one) + :one',
    'SET a = list_append(:list, if_not_exists(#l, :list))',
    'SET a.b[2].c = :s',
    'REMOVE a, b.c, d[3]',
    'ADD n :one, s :ss',
    'DELETE s :ss',
    'DELETE s :ss ADD n :one REMOVE x SET y = :s',
    'SET a = if_not_exists(b, :one + :one)',
  ];
  for (const text of accepted) test(`accepts ${text}`, () => assert.ok(parse(text)));

  const rejected: Array<[string, string]> = [
    ['', 'The expression can not be empty;'],
    ['a = :one', 'Syntax error; token: "a", near: "a ="'],
    ['SET', 'Syntax error; token: "<EOF>", near: "SET"'],
    ['SET a = :one,', 'Syntax error; token: "<EOF>", near: ","'],
    ['SET a :one', 'Syntax error; token: ":one", near: "a :one"'],
    ['SET a = :one + :one + :one', 'Syntax error; token: "+", near: ":one + :one"'],
    ['ADD a b', 'Syntax error; token: "b", near: "a b"'],
    ['REMOVE a = :one', 'Syntax error; token: "=", near: "a = :one"'],
    ['SET a = :one SET b = :one', 'The "SET" section can only be used once in an update expression;'],
    ['REMOVE a remove b', 'The "REMOVE" section can only be used once in an update expression;'],
    ['ADD a :one ADD b :one', 'The "ADD" section can only be used once in an update expression;'],
    ['DELETE a :ss DELETE b :ss', 'The "DELETE" section can only be used once in an update expression;'],
    [
      'SET a = :one REMOVE a.b',
      'Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]',
    ],
    [
      'SET a = :one, a = :s',
      'Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]',
    ],
    [
      'SET a[1] = :one REMOVE a.b',
      'Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, [1]], path two: [a, b]',
    ],
    ['SET status = :one', 'Attribute name is a reserved keyword; reserved keyword: status'],
    [
      'SET a = :nope',
      'An expression attribute value used in expression is not defined; attribute value: :nope',
    ],
    [
      'SET #nope = :one',
      'An expression attribute name used in the document path is not defined; attribute name: #nope',
    ],
    ['SET a = size(b)', 'The function is not allowed in an update expression; function: size'],
    [
      'SET a = attribute_exists(b)',
      'The function is not allowed in an update expression; function: attribute_exists',
    ],
    ['SET a = nope(b)', 'Invalid function name; function: nope'],
    [
      'SET a = list_append(:list)',
      'Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 1',
    ],
    [
      'SET a = if_not_exists(:one, a)',
      'Operator or function requires a document path; operator or function: if_not_exists',
    ],
    [
      'ADD a :s',
      'Incorrect operand type for operator or function; operator: ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND',
    ],
    [
      'ADD a :list',
      'Incorrect operand type for operator or function; operator: ADD, operand type: LIST, typeSet: ALLOWED_FOR_ADD_OPERAND',
    ],
    [
      'DELETE a :one',
      'Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND',
    ],
  ];
  for (const [text, message] of rejected) {
    test(`rejects ${JSON.stringify(text)}`, () => assertValidation(() => parse(text), prefix + message));
  }
});

describe('applyUpdate', () => {
  test('SET replaces and creates top-level attributes; input untouched', () => {
    const item: Item = { a: { S: 'old' }, m: { M: { k: { N: '1' } } } };
    const before = structuredClone(item);
    const result = apply('SET a = :s, b = :map, m.k = :one', item);
    assert.deepEqual(result, { a: { S: 'x' }, b: { M: { k: { S: 'v' } } }, m: { M: { k: { N: '1' } } } });
    assert.deepEqual(item, before);
    (result.b as { M: Item }).M.k = { S: 'changed' };
    assert.deepEqual(VALUES[':map'], { M: { k: { S: 'v' } } });
  });

  test('SET operands read the item before the update', () => {
    assert.deepEqual(apply('SET a = b, b = a', { a: { N: '1' }, b: { N: '2' } }), {
      a: { N: '2' },
      b: { N: '1' },
    });
  });

  test('arithmetic uses exact decimal numbers', () => {
    assert.deepEqual(apply('SET n = n + :two, m = n - :two', { n: { N: '0.1' } }), {
      n: { N: '2.6' },
      m: { N: '-2.4' },
    });
  });

  test('arithmetic errors', () => {
    assertValidation(
      () => apply('SET n = n + :one', {}),
      'The provided expression refers to an attribute that does not exist in the item',
    );
    assertValidation(
      () => apply('SET n = n + :one', { n: { S: '1' } }),
      'An operand in the update expression has an incorrect data type',
    );
    assertValidation(
      () => apply('SET n = :s - :one', {}),
      'An operand in the update expression has an incorrect data type',
    );
    assertValidation(() => apply('SET n = n + :huge', { n: { N: '9E+125' } }), /./);
  });

  test('if_not_exists and list_append', () => {
    assert.deepEqual(apply('SET a = if_not_exists(a, :one), b = if_not_exists(a, :s)', { a: { N: '7' } }), {
      a: { N: '7' },
      b: { N: '7' },
    });
    assert.deepEqual(apply('SET a = if_not_exists(a, :one)', {}), { a: { N: '1' } });
    assert.deepEqual(apply('SET #l = list_append(#l, :list)', { list: { L: [{ S: 'old' }] } }), {
      list: { L: [{ S: 'old' }, { S: 'new' }] },
    });
    assert.deepEqual(apply('SET #l = list_append(:list, if_not_exists(#l, :list))', {}), {
      list: { L: [{ S: 'new' }, { S: 'new' }] },
    });
    assertValidation(
      () => apply('SET a = list_append(a, :s)', { a: { L: [] } }),
      'An operand in the update expression has an incorrect data type',
    );
  });

  test('nested SET needs an existing parent of the right type', () => {
    assertValidation(
      () => apply('SET a.b = :one', {}),
      'The document path provided in the update expression is invalid for update',
    );
    assertValidation(
      () => apply('SET a.b = :one', { a: { L: [] } }),
      'The document path provided in the update expression is invalid for update',
    );
    assertValidation(
      () => apply('SET a[0] = :one', { a: { M: {} } }),
      'The document path provided in the update expression is invalid for update',
    );
  });

  test('SET past the end of a list appends, in index order', () => {
    const item: Item = { l: { L: [{ S: 'a' }, { S: 'b' }] } };
    assert.deepEqual(apply('SET l[9] = :one, l[5] = :s, l[0] = :ss', item), {
      l: { L: [{ SS: ['b', 'c'] }, { S: 'b' }, { S: 'x' }, { N: '1' }] },
    });
  });

  test('REMOVE attributes, map keys and list elements (original indexes)', () => {
    const item: Item = {
      a: { N: '1' },
      m: { M: { k: { N: '1' }, j: { N: '2' } } },
      l: { L: [{ S: '0' }, { S: '1' }, { S: '2' }, { S: '3' }] },
    };
    assert.deepEqual(apply('REMOVE a, m.k, l[1], l[3], l[7], absent, gone.x', item), {
      m: { M: { j: { N: '2' } } },
      l: { L: [{ S: '0' }, { S: '2' }] },
    });
    assertValidation(
      () => apply('REMOVE a.b', { a: { S: 'x' } }),
      'The document path provided in the update expression is invalid for update',
    );
  });

  test('ADD numbers and sets', () => {
    assert.deepEqual(
      apply('ADD n :one, s :ss, ns :ns', { n: { N: '41' }, s: { SS: ['a', 'b'] }, ns: { NS: ['1.0'] } }),
      {
        n: { N: '42' },
        s: { SS: ['a', 'b', 'c'] },
        ns: { NS: ['1.0', '3'] },
      },
    );
    assert.deepEqual(apply('ADD n :one, s :ss, m.x :one', { m: { M: {} } }), {
      n: { N: '1' },
      s: { SS: ['b', 'c'] },
      m: { M: { x: { N: '1' } } },
    });
    assertValidation(
      () => apply('ADD n :one', { n: { S: 'x' } }),
      'An operand in the update expression has an incorrect data type',
    );
    assertValidation(
      () => apply('ADD s :ss', { s: { NS: ['1'] } }),
      'An operand in the update expression has an incorrect data type',
    );
    assertValidation(
      () => apply('ADD m.x :one', {}),
      'The document path provided in the update expression is invalid for update',
    );
  });

  test('DELETE removes set members and empty sets', () => {
    assert.deepEqual(apply('DELETE s :ss', { s: { SS: ['a', 'b'] } }), { s: { SS: ['a'] } });
    assert.deepEqual(apply('DELETE s :ssA', { s: { SS: ['a'] } }), {});
    assert.deepEqual(apply('DELETE s :ss', {}), {});
    assert.deepEqual(apply('DELETE ns :ns', { ns: { NS: ['1.00', '2'] } }), { ns: { NS: ['2'] } });
    assertValidation(
      () => apply('DELETE s :ss', { s: { S: 'b' } }),
      'An operand in the update expression has an incorrect data type',
    );
  });

  test('"__proto__" is an ordinary attribute name', () => {
    const update = parseUpdate(
      'SET #p = :one, m.#p = :s',
      new ExpressionScope({ '#p': '__proto__' }, VALUES),
    );
    const result = applyUpdate(update, { m: { M: {} } });
    assert.equal(Object.getPrototypeOf(result), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(result, '__proto__')?.value, { N: '1' });
    assert.deepEqual(Object.getOwnPropertyDescriptor((result.m as { M: Item }).M, '__proto__')?.value, {
      S: 'x',
    });
  });
});
