import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AttributeValue } from '../../../../src/dataplane/model.js';
import { itemSizeBytes, numberSizeBytes, valueSizeBytes } from '../../../../src/dataplane/values/index.js';

describe('numberSizeBytes', () => {
  const table: Array<[string, number]> = [
    ['0', 1],
    ['1', 2],
    ['27', 2],
    ['-27', 3],
    ['99', 2],
    ['461', 3],
    ['100', 2],
    ['1000', 2],
    ['1e125', 2],
    ['1e-130', 2],
    ['1786461547', 6],
    ['12.5', 3],
    ['1.5', 3],
    ['0.5', 2],
    ['0.05', 2],
    ['0.001', 2],
    ['-0.001', 3],
    ['12345.678', 6],
    ['110', 3],
    ['9'.repeat(38), 20],
    [`-${'9'.repeat(38)}`, 21],
    [`9.${'9'.repeat(37)}`, 21],
    [`-9.${'9'.repeat(37)}`, 22],
  ];
  for (const [number, size] of table) {
    test(`${number.length > 20 ? `${number.slice(0, 12)}…` : number} takes ${size} bytes`, () => {
      assert.equal(numberSizeBytes(number), size);
    });
  }
});

describe('valueSizeBytes', () => {
  const table: Array<[AttributeValue, number]> = [
    [{ S: '' }, 0],
    [{ S: 'abc' }, 3],
    [{ S: 'é' }, 2],
    [{ S: '€' }, 3],
    [{ S: '😀' }, 4],
    [{ B: '' }, 0],
    [{ B: 'YQ==' }, 1],
    [{ B: 'YWI=' }, 2],
    [{ B: 'AAEC' }, 3],
    [{ BOOL: false }, 1],
    [{ NULL: true }, 1],
    [{ SS: ['a', 'bc', ''] }, 3],
    [{ NS: ['27', '-27'] }, 5],
    [{ BS: ['YQ==', 'YWI='] }, 3],
    [{ L: [] }, 3],
    [{ M: {} }, 3],
    // 3 bytes for the list, then each element's size plus 1 byte.
    [{ L: [{ S: 'a' }, { N: '1' }] }, 3 + (1 + 1) + (2 + 1)],
    // Map members also count their keys.
    [{ M: { ab: { S: 'xyz' } } }, 3 + (2 + 3 + 1)],
    [{ M: { a: { L: [{ NULL: true }] } } }, 3 + (1 + (3 + 1 + 1) + 1)],
  ];
  for (const [value, size] of table) {
    test(`${JSON.stringify(value)} takes ${size} bytes`, () => {
      assert.equal(valueSizeBytes(value), size);
    });
  }
});

describe('itemSizeBytes', () => {
  test('adds each attribute name in UTF-8 bytes to its value', () => {
    assert.equal(itemSizeBytes({}), 0);
    assert.equal(itemSizeBytes({ name: { S: 'abc' } }), 4 + 3);
    assert.equal(itemSizeBytes({ 名: { N: '27' } }), 3 + 2);
    assert.equal(itemSizeBytes({ pk: { S: 'a' }, list: { L: [{ BOOL: true }] } }), 2 + 1 + (4 + 3 + 1 + 1));
  });

  test('a 400 KB string attribute', () => {
    assert.equal(itemSizeBytes({ pk: { S: 'k' }, data: { S: 'x'.repeat(409_600 - 7) } }), 409_600);
  });
});
