import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ExpressionScope,
  evaluateCondition,
  parseCondition,
} from '../../../../src/dataplane/expressions/index.js';
import type { AttributeValue, Item } from '../../../../src/dataplane/model.js';

const VALUES: Record<string, AttributeValue> = {
  ':n5': { N: '5' },
  ':n10': { N: '10.0' },
  ':n1': { N: '1' },
  ':s5': { S: '5' },
  ':sa': { S: 'a' },
  ':sab': { S: 'ab' },
  ':sz': { S: 'z' },
  ':ell': { S: 'ell' },
  ':b01': { B: 'AAE=' },
  ':b00': { B: 'AA==' },
  ':ssa': { SS: ['a'] },
  ':ns': { NS: ['1', '2'] },
  ':map': { M: { x: { N: '1' } } },
  ':list': { L: [{ S: 'a' }, { N: '1' }] },
  ':true': { BOOL: true },
  ':null': { NULL: true },
  ':tS': { S: 'S' },
  ':tN': { S: 'N' },
  ':tSS': { S: 'SS' },
  ':tM': { S: 'M' },
  ':tL': { S: 'L' },
  ':tNULL': { S: 'NULL' },
  ':tBOOL': { S: 'BOOL' },
  ':tB': { S: 'B' },
  ':tNS': { S: 'NS' },
  ':tBS': { S: 'BS' },
};

const ITEM: Item = {
  n: { N: '5' },
  s: { S: 'hello' },
  u: { S: 'héllo' },
  b: { B: 'AAEC' },
  ss: { SS: ['a', 'b'] },
  ns: { NS: ['1', '2.0'] },
  bs: { BS: ['AAE='] },
  m: { M: { x: { N: '1' }, deep: { M: { y: { S: 'a' } } } } },
  l: { L: [{ S: 'a' }, { N: '1' }, { M: { x: { N: '1' } } }] },
  t: { BOOL: true },
  z: { NULL: true },
  twin: { N: '5' },
};

const holdsFor = (text: string, item: Item | undefined): boolean =>
  evaluateCondition(parseCondition(text, new ExpressionScope({}, VALUES), 'ConditionExpression'), item);
const holds = (text: string): boolean => holdsFor(text, ITEM);

const table: Array<[string, boolean]> = [
  // comparisons, numbers compared numerically
  ['n = :n5', true],
  ['n <> :n5', false],
  ['n < :n10', true],
  ['n <= :n5', true],
  ['n > :n1', true],
  ['n >= :n10', false],
  ['n = twin', true],
  // type mismatch: = false, <> true, ordering false
  ['n = :s5', false],
  ['n <> :s5', true],
  ['n < :s5', false],
  ['n >= :s5', false],
  ['t = :true', true],
  ['z = :null', true],
  ['ss = :ssa', false],
  ['ns = :ns', true],
  ['m = :map', false],
  ['l = :list', false],
  // absent attribute: comparisons false except <>
  ['absent = :n5', false],
  ['absent <> :n5', true],
  ['absent < :n5', false],
  ['absent BETWEEN :n1 AND :n5', false],
  ['absent IN (:n5)', false],
  ['NOT absent = :n5', true],
  // strings and binary order by bytes
  ['s > :sab', true],
  ['s < :sz', true],
  ['b > :b01', true],
  ['b < :b00', false],
  // BETWEEN and IN
  ['n BETWEEN :n1 AND :n10', true],
  ['n BETWEEN :n1 AND :n5', true],
  ['s BETWEEN :n1 AND :n10', false],
  ['n IN (:s5, :n1, :n5)', true],
  ['n IN (:s5, :n1)', false],
  // functions
  ['attribute_exists(m.deep.y)', true],
  ['attribute_exists(m.deep.q)', false],
  ['attribute_exists(l[2].x)', true],
  ['attribute_exists(l[3])', false],
  ['attribute_exists(s.x)', false],
  ['attribute_exists(l.x)', false],
  ['attribute_not_exists(absent)', true],
  ['attribute_not_exists(n)', false],
  ['attribute_type(s, :tS)', true],
  ['attribute_type(n, :tN)', true],
  ['attribute_type(n, :tS)', false],
  ['attribute_type(ss, :tSS)', true],
  ['attribute_type(ns, :tNS)', true],
  ['attribute_type(bs, :tBS)', true],
  ['attribute_type(b, :tB)', true],
  ['attribute_type(m, :tM)', true],
  ['attribute_type(l, :tL)', true],
  ['attribute_type(z, :tNULL)', true],
  ['attribute_type(t, :tBOOL)', true],
  ['attribute_type(absent, :tS)', false],
  ['begins_with(s, :sa)', false],
  ['begins_with(s, :ell)', false],
  ['begins_with(b, :b00)', true],
  ['begins_with(b, :b01)', true],
  ['begins_with(b, :sa)', false],
  ['begins_with(s, :b00)', false],
  ['begins_with(n, :s5)', false],
  ['begins_with(absent, :sa)', false],
  ['contains(s, :ell)', true],
  ['contains(s, :sz)', false],
  ['contains(ss, :sa)', true],
  ['contains(ss, :sz)', false],
  ['contains(ns, :n1)', true],
  ['contains(bs, :b01)', true],
  ['contains(b, :b01)', true],
  ['contains(l, :sa)', true],
  ['contains(l, :map)', true],
  ['contains(l, :n5)', false],
  ['contains(n, :n5)', false],
  ['contains(m, :sa)', false],
  ['contains(absent, :sa)', false],
  ['NOT contains(absent, :sa)', true],
  // size: UTF-8 bytes of strings, bytes of binary, element counts
  ['size(s) = :n5', true],
  ['size(u) = :n5', false],
  ['size(b) = :n5', false],
  ['size(ss) = :n5', false],
  ['size(l) < :n5', true],
  ['size(m) BETWEEN :n1 AND :n5', true],
  ['size(n) = :n1', false],
  ['size(n) <> :n1', true],
  ['size(absent) = :n1', false],
  // logic
  ['n = :n5 AND s = :sa', false],
  ['n = :n5 OR s = :sa', true],
  ['NOT (n = :n5 OR s = :sa)', false],
  ['NOT n = :n1 AND NOT s = :sa', true],
];

describe('evaluateCondition truth table', () => {
  for (const [text, expected] of table)
    test(`${text} → ${expected}`, () => assert.equal(holds(text), expected));
});

describe('evaluateCondition on special inputs', () => {
  test('no item: only negative conditions hold', () => {
    assert.equal(holdsFor('attribute_not_exists(n)', undefined), true);
    assert.equal(holdsFor('attribute_exists(n)', undefined), false);
    assert.equal(holdsFor('n = :n5', undefined), false);
    assert.equal(holdsFor('n <> :n5', undefined), true);
    assert.equal(holdsFor('n <> :n5', {}), true);
  });
  test('size counts in exact units', () => {
    const item: Item = { u: { S: 'héllo' }, b: { B: 'AAEC' } };
    const scope = new ExpressionScope({}, { ':six': { N: '6' }, ':three': { N: '3' } });
    assert.equal(evaluateCondition(parseCondition('size(u) = :six', scope, 'FilterExpression'), item), true);
    assert.equal(
      evaluateCondition(parseCondition('size(b) = :three', scope, 'FilterExpression'), item),
      true,
    );
  });
  test('a long OR chain evaluates without deep recursion trouble', () => {
    const text = `n = :n1${' OR n = :n1'.repeat(140)} OR n = :n5`;
    assert.equal(holds(text), true);
  });
});
