import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ExpressionScope,
  parseCondition,
  parseKeyCondition,
  parseProjection,
  parseUpdate,
} from '../../../../src/dataplane/expressions/index.js';
import { DynamoError } from '../../../../src/dataplane/model.js';

/** Small deterministic PRNG (mulberry32) so failures reproduce from the seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEEDS = [
  'a = :v AND (b < :w OR NOT contains(c, :v))',
  'attribute_exists(#n.x[2]) AND size(l) BETWEEN :v AND :w',
  'a IN (:v, :w) OR begins_with(#n, :v)',
  'SET a = if_not_exists(a, :v) + :w, l = list_append(l, :l) REMOVE b[1] ADD n :w DELETE s :s',
  'pk = :v AND sk BETWEEN :v AND :w',
  'a, b.c, #n[3].d',
];
const FRAGMENTS = [
  '(',
  ')',
  '[',
  ']',
  '.',
  ',',
  '=',
  '<>',
  '<',
  '>=',
  '+',
  '-',
  ' AND ',
  ' OR ',
  ' NOT ',
  ' BETWEEN ',
  ' IN ',
  'SET ',
  ' REMOVE ',
  ' ADD ',
  ' DELETE ',
  ':v',
  ':w',
  ':l',
  ':s',
  ':zz',
  '#n',
  '#zz',
  'a',
  'status',
  'size(',
  'contains(',
  'if_not_exists(',
  'list_append(',
  '0',
  '99999999999',
  '$',
  '"',
  '\u{1F600}',
  '\u0000',
  ' ',
  '((((',
];

const scope = () =>
  new ExpressionScope(
    { '#n': 'name' },
    { ':v': { N: '1' }, ':w': { N: '2' }, ':l': { L: [] }, ':s': { SS: ['x'] } },
  );

function mutate(text: string, next: () => number): string {
  let result = text;
  const edits = 1 + Math.floor(next() * 4);
  for (let edit = 0; edit < edits; edit++) {
    const position = Math.floor(next() * (result.length + 1));
    const choice = next();
    if (choice < 0.4) {
      const fragment = FRAGMENTS[Math.floor(next() * FRAGMENTS.length)]!;
      result = result.slice(0, position) + fragment + result.slice(position);
    } else if (choice < 0.7) {
      result = result.slice(0, position) + result.slice(position + 1 + Math.floor(next() * 5));
    } else if (choice < 0.9) {
      result =
        result.slice(0, position) + String.fromCharCode(Math.floor(next() * 128)) + result.slice(position);
    } else {
      result = result.repeat(1 + Math.floor(next() * 3));
    }
  }
  return result;
}

const PARSERS: Array<(text: string) => unknown> = [
  (text) => parseCondition(text, scope(), 'ConditionExpression'),
  (text) => parseKeyCondition(text, scope()),
  (text) => parseUpdate(text, scope()),
  (text) => parseProjection(text, scope()),
];

function assertOnlyDynamoErrors(text: string): void {
  for (const parse of PARSERS) {
    try {
      parse(text);
    } catch (error) {
      assert.ok(
        error instanceof DynamoError,
        `non-DynamoError for ${JSON.stringify(text)}: ${String(error)}`,
      );
      assert.equal(error.code, 'ValidationException');
    }
  }
}

describe('parser fuzz', () => {
  test('mutated expressions only ever raise ValidationException', () => {
    const next = random(20240601);
    const started = Date.now();
    for (let round = 0; round < 4000; round++) {
      assertOnlyDynamoErrors(mutate(SEEDS[round % SEEDS.length]!, next));
    }
    assert.ok(Date.now() - started < 20_000, 'fuzz took too long');
  });

  test('random garbage only ever raises ValidationException', () => {
    const next = random(7);
    for (let round = 0; round < 2000; round++) {
      const length = Math.floor(next() * 200);
      let text = '';
      for (let index = 0; index < length; index++) {
        text +=
          next() < 0.5
            ? FRAGMENTS[Math.floor(next() * FRAGMENTS.length)]
            : String.fromCharCode(32 + Math.floor(next() * 95));
      }
      assertOnlyDynamoErrors(text);
    }
  });

  test('pathological shapes stay fast', () => {
    const shapes = [
      '('.repeat(4096),
      ')'.repeat(4096),
      'NOT '.repeat(1024),
      `a = :v${' AND a = :v'.repeat(370)}`,
      `SET a = ${'list_append('.repeat(330)}`,
      `size(${'size('.repeat(800)}`,
      'a.'.repeat(2048),
      'a[0]'.repeat(1000),
      `a IN (${':v,'.repeat(1300)}:v)`,
      'a,'.repeat(2000) + 'a',
      '\u{1F600}'.repeat(2000),
    ];
    for (const shape of shapes) {
      const started = Date.now();
      assertOnlyDynamoErrors(shape);
      assert.ok(Date.now() - started < 1000, `slow on ${shape.slice(0, 20)}`);
    }
  });

  test('non-string input is rejected cleanly', () => {
    for (const input of [undefined, null, 42, {}, []]) assertOnlyDynamoErrors(input as unknown as string);
  });
});
