import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ExpressionScope,
  parseProjection,
  projectItem,
} from '../../../../src/dataplane/expressions/index.js';
import type { Item } from '../../../../src/dataplane/model.js';
import { assertValidation } from './helpers.js';

const parse = (text: string) =>
  parseProjection(text, new ExpressionScope({ '#c': 'comment', '#dot': 'a.b' }, undefined));
const ITEM: Item = {
  id: { S: '1' },
  comment: { S: 'hi' },
  'a.b': { N: '1' },
  m: { M: { x: { N: '1' }, y: { M: { z: { S: 'deep' }, w: { S: 'other' } } } } },
  l: { L: [{ S: '0' }, { M: { k: { S: 'v' }, j: { S: 'u' } } }, { S: '2' }, { S: '3' }] },
};

describe('projection expressions', () => {
  test('parses paths with placeholders', () => {
    assert.deepEqual(parse('id, #c, #dot, m.y.z, l[1].k'), [
      [{ kind: 'name', name: 'id' }],
      [{ kind: 'name', name: 'comment' }],
      [{ kind: 'name', name: 'a.b' }],
      [
        { kind: 'name', name: 'm' },
        { kind: 'name', name: 'y' },
        { kind: 'name', name: 'z' },
      ],
      [
        { kind: 'name', name: 'l' },
        { kind: 'index', index: 1 },
        { kind: 'name', name: 'k' },
      ],
    ]);
  });

  const rejected: Array<[string, string]> = [
    ['', 'Invalid ProjectionExpression: The expression can not be empty;'],
    ['id,', 'Invalid ProjectionExpression: Syntax error; token: "<EOF>", near: ","'],
    ['id name2', 'Invalid ProjectionExpression: Syntax error; token: "name2", near: "id name2"'],
    ['l[]', 'Invalid ProjectionExpression: Syntax error; token: "]", near: "[]"'],
    [
      'Comment',
      'Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: Comment',
    ],
    [
      '#nope',
      'Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: #nope',
    ],
    [
      'm, m.x',
      'Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [m], path two: [m, x]',
    ],
    [
      'id, id',
      'Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [id], path two: [id]',
    ],
    [
      'l[0], l.x',
      'Invalid ProjectionExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [l, [0]], path two: [l, x]',
    ],
  ];
  for (const [text, message] of rejected)
    test(`rejects ${JSON.stringify(text)}`, () => assertValidation(() => parse(text), message));

  test('projects top-level, nested and list paths', () => {
    assert.deepEqual(projectItem(ITEM, parse('id, #dot, m.y.z, l[2], l[1].k, l[0], l[9], nothing, m.q')), {
      id: { S: '1' },
      'a.b': { N: '1' },
      m: { M: { y: { M: { z: { S: 'deep' } } } } },
      l: { L: [{ S: '0' }, { M: { k: { S: 'v' } } }, { S: '2' }] },
    });
  });

  test('missing or mistyped nested paths leave nothing behind', () => {
    assert.deepEqual(projectItem(ITEM, parse('m.q, id.x, l[7], #dot[0]')), {});
  });

  test('the result shares nothing with the item', () => {
    const projected = projectItem(ITEM, parse('m'));
    (projected.m as { M: Item }).M.x = { N: '99' };
    assert.deepEqual((ITEM.m as { M: Item }).M.x, { N: '1' });
  });
});
