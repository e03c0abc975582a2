import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AttributeValue } from '../../../../src/dataplane/model.js';
import { compareScalars, compareUtf8, valuesEqual } from '../../../../src/dataplane/values/index.js';

/** Asserts that every pair of the list compares in list order. */
function assertAscending(values: AttributeValue[]): void {
  for (let i = 0; i < values.length; i++) {
    for (let j = 0; j < values.length; j++) {
      const message = `${JSON.stringify(values[i])} vs ${JSON.stringify(values[j])}`;
      assert.equal(compareScalars(values[i]!, values[j]!), Math.sign(i - j), message);
    }
  }
}

describe('compareScalars', () => {
  test('strings by UTF-8 bytes', () => {
    assertAscending([
      { S: '' },
      { S: 'A' },
      { S: 'Z' },
      { S: 'a' },
      { S: 'aa' },
      { S: 'b' },
      { S: 'z' },
      { S: 'é' },
    ]);
  });

  test('strings: characters above U+FFFF sort after U+E000..U+FFFF, unlike UTF-16 order', () => {
    const halfwidth = '\uff61'; // UTF-8 EF BD A1
    const emoji = '😀'; // U+1F600, UTF-8 F0 9F 98 80, UTF-16 D83D DE00
    assert.equal(halfwidth < emoji, false, 'JS compares UTF-16 code units');
    assert.equal(compareScalars({ S: halfwidth }, { S: emoji }), -1);
    assert.equal(compareScalars({ S: emoji }, { S: halfwidth }), 1);
    assertAscending([
      { S: '\ud7ff' },
      { S: '\ue000' },
      { S: '\uffff' },
      { S: '𐀀' },
      { S: '😀' },
      { S: '😀a' },
    ]);
  });

  test('UTF-8 order agrees with Buffer.compare on encoded bytes', () => {
    const samples = [
      '',
      'a',
      'ab',
      '\u007f',
      '\u0080',
      'é',
      '\u07ff',
      '\u0800',
      '\ud7ff',
      '\ue000',
      '\uffff',
      '𐀀',
      '😀',
      '𝄞x',
      'x𝄞',
    ];
    for (const a of samples) {
      for (const b of samples) {
        const expected = Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
        assert.equal(compareUtf8(a, b), expected, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      }
    }
  });

  test('numbers numerically, negatives included', () => {
    assertAscending([
      { N: '-100' },
      { N: '-10' },
      { N: '-9.5' },
      { N: '-1' },
      { N: '0' },
      { N: '0.01' },
      { N: '2' },
      { N: '10' },
      { N: '1e20' },
    ]);
    assert.equal(compareScalars({ N: '1.0' }, { N: '1' }), 0);
  });

  test('binaries by unsigned bytes', () => {
    // 0x7f < 0x80 < 0xff unsigned; a signed comparison would put 0x80 and 0xff first.
    assertAscending([
      { B: '' },
      { B: 'AA==' },
      { B: 'AAA=' },
      { B: 'AQ==' },
      { B: 'fw==' },
      { B: 'gA==' },
      { B: '/w==' },
      { B: '//8=' },
    ]);
  });

  test('refuses values of different or unordered types', () => {
    assert.throws(() => compareScalars({ S: '1' }, { N: '1' }));
    assert.throws(() => compareScalars({ BOOL: true }, { BOOL: false }));
    assert.throws(() => compareScalars({ SS: ['a'] }, { SS: ['a'] }));
    assert.throws(() => compareScalars({ L: [] }, { L: [] }));
  });
});

describe('valuesEqual', () => {
  const equal: Array<[AttributeValue, AttributeValue]> = [
    [{ S: 'a' }, { S: 'a' }],
    [{ S: '' }, { S: '' }],
    [{ N: '1.0' }, { N: '1' }],
    [{ N: '-0' }, { N: '0' }],
    [{ N: '1e3' }, { N: '1000' }],
    [{ B: 'YQ==' }, { B: 'YQ==' }],
    [{ BOOL: true }, { BOOL: true }],
    [{ NULL: true }, { NULL: true }],
    [{ SS: ['a', 'b'] }, { SS: ['b', 'a'] }],
    [{ NS: ['1', '2.0'] }, { NS: ['2', '1.00'] }],
    [{ BS: ['YQ==', 'Yg=='] }, { BS: ['Yg==', 'YQ=='] }],
    [{ L: [] }, { L: [] }],
    [{ L: [{ N: '1' }, { S: 'x' }] }, { L: [{ N: '1.0' }, { S: 'x' }] }],
    [{ M: {} }, { M: {} }],
    [
      { M: { a: { N: '1' }, b: { M: { c: { SS: ['x', 'y'] } } } } },
      { M: { b: { M: { c: { SS: ['y', 'x'] } } }, a: { N: '1.0' } } },
    ],
  ];
  const unequal: Array<[AttributeValue, AttributeValue]> = [
    [{ S: 'a' }, { S: 'A' }],
    [{ S: '1' }, { N: '1' }],
    [{ N: '1' }, { N: '1.0000000000000000000000000000000000001' }],
    [{ B: 'YQ==' }, { B: 'Yg==' }],
    [{ B: 'YQ==' }, { S: 'YQ==' }],
    [{ BOOL: true }, { BOOL: false }],
    [{ SS: ['a'] }, { SS: ['a', 'b'] }],
    [{ SS: ['a', 'b'] }, { SS: ['a', 'c'] }],
    [{ SS: ['1'] }, { NS: ['1'] }],
    [{ NS: ['1', '2'] }, { NS: ['1', '3'] }],
    [{ L: [{ S: 'a' }, { S: 'b' }] }, { L: [{ S: 'b' }, { S: 'a' }] }],
    [{ L: [{ S: 'a' }] }, { L: [{ S: 'a' }, { S: 'a' }] }],
    [{ L: [] }, { M: {} }],
    [{ M: { a: { S: 'x' } } }, { M: { b: { S: 'x' } } }],
    [{ M: { a: { S: 'x' } } }, { M: { a: { S: 'x' }, b: { S: 'y' } } }],
    [{ M: { a: { NULL: true } } }, { M: { a: { BOOL: true } } }],
  ];
  for (const [a, b] of equal) {
    test(`${JSON.stringify(a)} equals ${JSON.stringify(b)}`, () => {
      assert.equal(valuesEqual(a, b), true);
      assert.equal(valuesEqual(b, a), true);
    });
  }
  for (const [a, b] of unequal) {
    test(`${JSON.stringify(a)} differs from ${JSON.stringify(b)}`, () => {
      assert.equal(valuesEqual(a, b), false);
      assert.equal(valuesEqual(b, a), false);
    });
  }
});
