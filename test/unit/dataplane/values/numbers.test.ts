import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  addNumbers,
  compareNumbers,
  normalizeNumber,
  subtractNumbers,
} from '../../../../src/dataplane/values/index.js';
import { assertValidation } from './helpers.js';

const overflow = 'Number overflow. Attempting to store a number with magnitude larger than supported range';
const underflow =
  'Number underflow. Attempting to store a number with magnitude smaller than supported range';
const tooManyDigits = 'Attempting to store more than 38 significant digits in a Number';
const largest = '9.9999999999999999999999999999999999999E+125';
const largestText = `${'9'.repeat(38)}${'0'.repeat(88)}`;
const smallestText = `0.${'0'.repeat(129)}1`;

describe('normalizeNumber', () => {
  const table: Array<[string, string]> = [
    ['0', '0'],
    ['-0', '0'],
    ['+0', '0'],
    ['0.000', '0'],
    ['00', '0'],
    ['0e1000', '0'],
    ['-0.0e-5', '0'],
    ['1', '1'],
    ['+5', '5'],
    ['-7', '-7'],
    ['1e3', '1000'],
    ['1E3', '1000'],
    ['1e+2', '100'],
    ['1.5E+3', '1500'],
    ['-17.4E37', `-174${'0'.repeat(36)}`],
    ['1.50', '1.5'],
    ['1.0', '1'],
    ['100', '100'],
    ['0100.0100', '100.01'],
    ['0001.23', '1.23'],
    ['.123', '0.123'],
    ['5.', '5'],
    ['0.0001', '0.0001'],
    ['1e-4', '0.0001'],
    ['-12.5e-3', '-0.0125'],
    ['123.456e1', '1234.56'],
    ['1e125', `1${'0'.repeat(125)}`],
    [largest, largestText],
    [`-${largest}`, `-${largestText}`],
    ['1e-130', smallestText],
    ['10e-131', smallestText],
    ['-1e-130', `-${smallestText}`],
    ['31415926535897932384626433832795028841e30', `31415926535897932384626433832795028841${'0'.repeat(30)}`],
    ['3.1415926535897932384626433832795028841', '3.1415926535897932384626433832795028841'],
    // Trailing zeros are not significant, however many there are.
    [`1${'0'.repeat(60)}`, `1${'0'.repeat(60)}`],
    [`0.${'0'.repeat(60)}1`, `0.${'0'.repeat(60)}1`],
  ];
  for (const [input, canonical] of table) {
    test(`${input} → ${canonical.length > 40 ? `${canonical.slice(0, 20)}…` : canonical}`, () => {
      assert.equal(normalizeNumber(input), canonical);
    });
  }

  test('rejects text that is not a decimal, quoting it', () => {
    for (const text of [
      'abc',
      'dog',
      '-dog',
      ' 1',
      '1 ',
      'NaN',
      '-NaN',
      'Infinity',
      '-Infinity',
      '0x10',
      '1e',
      'e5',
      '.',
      '+',
      '-',
      '1..2',
      '1e5.5',
      '١',
      '1_000',
    ]) {
      assertValidation(
        () => normalizeNumber(text),
        `The parameter cannot be converted to a numeric value: ${text}`,
      );
    }
  });

  test('an empty number has no value to quote', () => {
    assertValidation(() => normalizeNumber(''), 'The parameter cannot be converted to a numeric value');
  });

  test('38 significant digits fit, 39 do not', () => {
    assert.equal(
      normalizeNumber('12345678901234567890123456789012345678'),
      '12345678901234567890123456789012345678',
    );
    assertValidation(() => normalizeNumber('123456789012345678901234567890123456789'), tooManyDigits);
    assertValidation(() => normalizeNumber('-1.23456789012345678901234567890123456789'), tooManyDigits);
    assertValidation(() => normalizeNumber('314159265358979323846264338327950288419e30'), tooManyDigits);
  });

  test('leading and trailing zeros do not count as significant', () => {
    assert.equal(normalizeNumber(`000${'1'.repeat(38)}000`), `${'1'.repeat(38)}000`);
    assert.equal(normalizeNumber(`0.000${'1'.repeat(38)}000`), `0.000${'1'.repeat(38)}`);
  });

  test('magnitude limits', () => {
    for (const text of ['1e126', '-1e126', '11e125', '10E125', '1e99999999999999999999']) {
      assertValidation(() => normalizeNumber(text), overflow);
    }
    for (const text of ['1e-131', '-1e-131', '0.9e-130', '1e-99999999999999999999']) {
      assertValidation(() => normalizeNumber(text), underflow);
    }
  });

  test('the digits limit is checked before the range', () => {
    assertValidation(() => normalizeNumber(`${'1'.repeat(39)}e200`), tooManyDigits);
  });
});

describe('addNumbers and subtractNumbers', () => {
  test('are exact decimal arithmetic', () => {
    assert.equal(addNumbers('0.1', '0.2'), '0.3');
    assert.equal(subtractNumbers('0.3', '0.1'), '0.2');
    assert.equal(addNumbers('1', '10000000000000000000000'), '10000000000000000000001');
    assert.equal(subtractNumbers('10000000000000000000000', '1'), '9999999999999999999999');
    assert.equal(addNumbers('-1.5', '1.5'), '0');
    assert.equal(addNumbers('1.25', '-2'), '-0.75');
    assert.equal(subtractNumbers('-3', '-3'), '0');
    assert.equal(addNumbers('1e3', '2.50'), '1002.5');
  });

  test('38-digit operands and results', () => {
    const nines = '9'.repeat(37);
    assert.equal(addNumbers(nines, '1'), `1${'0'.repeat(37)}`);
    assert.equal(
      addNumbers('12345678901234567890123456789012345678', '1'),
      '12345678901234567890123456789012345679',
    );
    assert.equal(
      addNumbers('0.1234567890123456789012345678901234567', '0.0000000000000000000000000000000000001'),
      '0.1234567890123456789012345678901234568',
    );
    assert.equal(subtractNumbers(largest, largest), '0');
  });

  test('a result beyond 38 digits is reported as an overflow, as AWS does', () => {
    assertValidation(() => addNumbers('1e50', '1'), overflow);
    assertValidation(() => subtractNumbers('1e50', '1'), overflow);
    assertValidation(() => addNumbers('99999999999999999999999999999999999999', '0.1'), overflow);
  });

  test('a result out of range overflows or underflows', () => {
    assertValidation(() => addNumbers('9e125', '9e125'), overflow);
    assertValidation(() => subtractNumbers('9e125', '-9e125'), overflow);
    assertValidation(() => addNumbers(largest, '1e125'), overflow);
    assertValidation(() => subtractNumbers('-9e125', '9e125'), overflow);
    assertValidation(() => subtractNumbers('1.1e-130', '1e-130'), underflow);
  });

  test('operands are validated like any number', () => {
    assertValidation(
      () => addNumbers('abc', '1'),
      'The parameter cannot be converted to a numeric value: abc',
    );
    assertValidation(() => addNumbers('1', '1e126'), overflow);
    assertValidation(() => subtractNumbers('1e-131', '1'), underflow);
  });

  test('extremes of the range add exactly', () => {
    assertValidation(() => subtractNumbers('1e125', '1e-130'), overflow);
    assertValidation(() => addNumbers('1e125', '1e-130'), overflow);
    assert.equal(addNumbers('1e-130', '1e-130'), `0.${'0'.repeat(129)}2`);
  });
});

describe('compareNumbers', () => {
  const ascending = [
    `-${largest}`,
    '-1e10',
    '-100',
    '-99.5',
    '-2',
    '-1.5',
    '-1',
    '-0.5',
    '-1e-130',
    '0',
    '1e-130',
    '0.001',
    '0.5',
    '1',
    `1.${'0'.repeat(36)}1`,
    '1.5',
    '2',
    '10',
    '99.5',
    '100',
    '1e10',
    largest,
  ];
  test('orders numerically across signs and magnitudes', () => {
    for (let i = 0; i < ascending.length; i++) {
      for (let j = 0; j < ascending.length; j++) {
        const expected = Math.sign(i - j);
        assert.equal(
          compareNumbers(ascending[i]!, ascending[j]!),
          expected,
          `${ascending[i]} vs ${ascending[j]}`,
        );
      }
    }
  });

  test('equal values in different spellings compare equal', () => {
    assert.equal(compareNumbers('1.50', '1.5'), 0);
    assert.equal(compareNumbers('1e3', '1000'), 0);
    assert.equal(compareNumbers('-0', '0'), 0);
    assert.equal(compareNumbers('0.1', '1e-1'), 0);
  });
});
