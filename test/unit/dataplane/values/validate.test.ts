import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validateItem, validateValue } from '../../../../src/dataplane/values/index.js';
import { assertSerialization, assertValidation } from './helpers.js';

const invalid = 'One or more parameter values were invalid: ';
const emptyValue = 'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes';
const nestingTooDeep =
  'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit';

/** A scalar wrapped in `levels - 1` maps, so that the scalar sits at nesting level `levels`. */
function nested(
  levels: number,
  wrap: (inner: unknown) => unknown = (inner) => ({ M: { a: inner } }),
): unknown {
  let value: unknown = { S: 'x' };
  for (let level = 1; level < levels; level++) value = wrap(value);
  return value;
}

describe('validateValue accepts every type and normalises numbers', () => {
  test('scalars', () => {
    assert.deepEqual(validateValue({ S: 'a' }), { S: 'a' });
    assert.deepEqual(validateValue({ S: '' }), { S: '' });
    assert.deepEqual(validateValue({ N: '1.50' }), { N: '1.5' });
    assert.deepEqual(validateValue({ B: 'AAEC' }), { B: 'AAEC' });
    assert.deepEqual(validateValue({ B: '' }), { B: '' });
    assert.deepEqual(validateValue({ BOOL: false }), { BOOL: false });
    assert.deepEqual(validateValue({ NULL: true }), { NULL: true });
  });

  test('sets', () => {
    assert.deepEqual(validateValue({ SS: ['b', 'a', ''] }), { SS: ['b', 'a', ''] });
    assert.deepEqual(validateValue({ NS: ['1e3', '-0', '0.50'] }), { NS: ['1000', '0', '0.5'] });
    assert.deepEqual(validateValue({ BS: ['YQ==', 'Yg==', ''] }), { BS: ['YQ==', 'Yg==', ''] });
  });

  test('documents, normalised all the way down', () => {
    const value = {
      M: { a: { L: [{ N: '01' }, { NS: ['2.0'] }, { M: { '': { N: '-0' } } }] }, b: { M: {} } },
    };
    assert.deepEqual(validateValue(value), {
      M: { a: { L: [{ N: '1' }, { NS: ['2'] }, { M: { '': { N: '0' } } }] }, b: { M: {} } },
    });
    assert.deepEqual(validateValue({ L: [] }), { L: [] });
  });

  test('returns a copy and leaves the input alone', () => {
    const input = { M: { n: { N: '1.0' } } };
    const output = validateValue(input);
    assert.deepEqual(input, { M: { n: { N: '1.0' } } });
    assert.notEqual(output, input);
  });

  test('ignores members it does not know and JSON nulls, as the AWS binder does', () => {
    assert.deepEqual(validateValue({ S: 'a', N: null, Unknown: 1 }), { S: 'a' });
  });

  test('keeps "__proto__" as an ordinary map key', () => {
    const value = validateValue(JSON.parse('{"M":{"__proto__":{"S":"x"}}}'));
    assert.deepEqual(Object.keys((value as { M: object }).M), ['__proto__']);
    assert.equal(Object.getPrototypeOf((value as { M: object }).M), Object.prototype);
  });
});

describe('validateValue rejects malformed values with AWS messages', () => {
  test('no type, or only nulls', () => {
    for (const value of [{}, { Unknown: 'a' }, { S: null }, null]) {
      assertValidation(() => validateValue(value), emptyValue);
    }
  });

  test('more than one type', () => {
    assertValidation(
      () => validateValue({ S: 'a', N: '1' }),
      'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes',
    );
  });

  test('empty sets', () => {
    assertValidation(() => validateValue({ SS: [] }), `${invalid}An string set  may not be empty`);
    assertValidation(() => validateValue({ NS: [] }), `${invalid}An number set  may not be empty`);
    assertValidation(() => validateValue({ BS: [] }), `${invalid}Binary sets should not be empty`);
  });

  test('duplicate set members, quoted as sent', () => {
    assertValidation(
      () => validateValue({ SS: ['a', 'a'] }),
      `${invalid}Input collection [a, a] contains duplicates.`,
    );
    assertValidation(
      () => validateValue({ SS: ['a', 'b', 'a'] }),
      `${invalid}Input collection [a, b, a] contains duplicates.`,
    );
    assertValidation(
      () => validateValue({ BS: ['Yg==', 'Yg=='] }),
      `${invalid}Input collection [Yg==, Yg==]of type BS contains duplicates.`,
    );
  });

  test('number set members are duplicates when numerically equal; AWS does not list them', () => {
    for (const members of [
      ['1', '1'],
      ['1', '1.0'],
      ['0', '-0'],
      ['1e2', '100'],
      ['3', '1', '1'],
    ]) {
      assertValidation(() => validateValue({ NS: members }), 'Input collection contains duplicates');
    }
  });

  test('strings differing only by case or normalisation form are distinct', () => {
    assert.doesNotThrow(() => validateValue({ SS: ['a', 'A', 'é', 'e\u0301'] }));
  });

  test('number set members are validated as numbers', () => {
    assertValidation(
      () => validateValue({ NS: ['1', 'b'] }),
      'The parameter cannot be converted to a numeric value: b',
    );
    assertValidation(
      () => validateValue({ NS: ['1', ''] }),
      'The parameter cannot be converted to a numeric value',
    );
    assertValidation(
      () => validateValue({ NS: ['1e126'] }),
      'Number overflow. Attempting to store a number with magnitude larger than supported range',
    );
  });

  test('numbers are validated wherever they are', () => {
    assertValidation(
      () => validateValue({ L: [{ M: { a: { N: '1e-131' } } }] }),
      'Number underflow. Attempting to store a number with magnitude smaller than supported range',
    );
  });

  test('NULL must be true', () => {
    assertValidation(
      () => validateValue({ NULL: false }),
      `${invalid}Null attribute value types must have the value of true`,
    );
  });
});

describe('validateValue: JSON of the wrong type is a SerializationException', () => {
  test('string members (S, N, set elements)', () => {
    assertSerialization(() => validateValue({ S: 1 }), 'NUMBER_VALUE cannot be converted to String');
    assertSerialization(() => validateValue({ N: 123 }), 'NUMBER_VALUE cannot be converted to String');
    assertSerialization(() => validateValue({ S: 34.56 }), 'DECIMAL_VALUE cannot be converted to String');
    assertSerialization(() => validateValue({ S: true }), 'TRUE_VALUE cannot be converted to String');
    assertSerialization(() => validateValue({ S: false }), 'FALSE_VALUE cannot be converted to String');
    assertSerialization(
      () => validateValue({ S: [] }),
      'Unrecognized collection type class java.lang.String',
    );
    assertSerialization(() => validateValue({ S: {} }), 'Start of structure or map found where not expected');
    assertSerialization(() => validateValue({ SS: ['a', 1] }), 'NUMBER_VALUE cannot be converted to String');
    assertSerialization(() => validateValue({ NS: [1] }), 'NUMBER_VALUE cannot be converted to String');
  });

  test('binary members (B, BS elements)', () => {
    assertSerialization(
      () => validateValue({ B: 1 }),
      'only base-64-encoded strings are convertible to bytes',
    );
    assertSerialization(
      () => validateValue({ B: true }),
      'only base-64-encoded strings are convertible to bytes',
    );
    assertSerialization(
      () => validateValue({ B: [] }),
      'Unrecognized collection type class java.nio.ByteBuffer',
    );
    assertSerialization(() => validateValue({ B: {} }), 'Start of structure or map found where not expected');
    assertSerialization(
      () => validateValue({ B: '23456' }),
      'Base64 encoded length is expected a multiple of 4 bytes but found: 5',
    );
    assertSerialization(
      () => validateValue({ B: '=+/=' }),
      'Invalid last non-pad Base64 character dectected',
    );
    assertSerialization(
      () => validateValue({ B: '+/+=' }),
      'Invalid last non-pad Base64 character dectected',
    );
    assertSerialization(
      () => validateValue({ B: 'YR==' }),
      'Invalid last non-pad Base64 character dectected',
    );
    assertSerialization(
      () => validateValue({ B: 'ab!=' }),
      'Invalid last non-pad Base64 character dectected',
    );
    assertSerialization(
      () => validateValue({ BS: ['Yg==', 'Yg'] }),
      'Base64 encoded length is expected a multiple of 4 bytes but found: 2',
    );
  });

  test('boolean members (BOOL, NULL)', () => {
    assertSerialization(() => validateValue({ BOOL: 'true' }), 'Unexpected token received from parser');
    assertSerialization(() => validateValue({ NULL: 1 }), 'NUMBER_VALUE cannot be converted to Boolean');
    assertSerialization(() => validateValue({ BOOL: 1.5 }), 'DECIMAL_VALUE cannot be converted to Boolean');
    assertSerialization(
      () => validateValue({ BOOL: [] }),
      'Unrecognized collection type class java.lang.Boolean',
    );
    assertSerialization(
      () => validateValue({ NULL: {} }),
      'Start of structure or map found where not expected',
    );
  });

  test('list members (SS, NS, BS, L)', () => {
    for (const type of ['SS', 'NS', 'BS', 'L']) {
      assertSerialization(() => validateValue({ [type]: 'a' }), 'Unexpected field type');
      assertSerialization(
        () => validateValue({ [type]: {} }),
        'Start of structure or map found where not expected',
      );
    }
  });

  test('map members (M)', () => {
    assertSerialization(() => validateValue({ M: 'a' }), 'Unexpected field type');
    assertSerialization(
      () => validateValue({ M: [] }),
      'Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>',
    );
  });

  test('values inside documents', () => {
    assertSerialization(() => validateValue({ L: ['a'] }), 'Unexpected value type in payload');
    assertSerialization(() => validateValue({ M: { a: 1 } }), 'Unexpected value type in payload');
    assertSerialization(
      () => validateValue({ L: [[]] }),
      'Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue',
    );
    assertSerialization(() => validateValue('a'), 'Unexpected value type in payload');
  });

  test('a serialization error anywhere wins over a validation error before it', () => {
    assertSerialization(
      () => validateValue({ L: [{ SS: [] }, { S: 1 }] }),
      'NUMBER_VALUE cannot be converted to String',
    );
  });
});

describe('nesting', () => {
  test('32 levels are accepted (31 wrapping documents)', () => {
    assert.doesNotThrow(() => validateValue(nested(32)));
    assert.doesNotThrow(() => validateValue(nested(32, (inner) => ({ L: [inner] }))));
  });

  test('33 levels are rejected', () => {
    assertValidation(() => validateValue(nested(33)), nestingTooDeep);
    assertValidation(() => validateValue(nested(33, (inner) => ({ L: [inner] }))), nestingTooDeep);
  });

  test('an item counts its attributes as level 1', () => {
    assert.doesNotThrow(() => validateItem({ a: nested(32) }));
    assertValidation(() => validateItem({ a: nested(33) }), nestingTooDeep);
  });

  test('a hostile depth is refused without exhausting the stack', () => {
    assertValidation(() => validateValue(nested(200_000, (inner) => ({ L: [inner] }))), nestingTooDeep);
  });
});

describe('validateItem', () => {
  test('validates and normalises every attribute', () => {
    assert.deepEqual(validateItem({ id: { S: 'a' }, n: { N: '2.50' }, tags: { NS: ['1', '2'] } }), {
      id: { S: 'a' },
      n: { N: '2.5' },
      tags: { NS: ['1', '2'] },
    });
    assert.deepEqual(validateItem({}), {});
  });

  test('reports the first invalid attribute', () => {
    assertValidation(() => validateItem({ a: { S: 'a' }, b: {} }), emptyValue);
  });

  test('attribute names must not be empty', () => {
    assertValidation(() => validateItem({ '': { S: 'a' } }), `${invalid}An attribute name cannot be empty`);
  });

  test('an item must be a JSON object', () => {
    assertSerialization(
      () => validateItem([]),
      'Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>',
    );
    assertSerialization(() => validateItem('a'), 'Unexpected field type');
    assertSerialization(() => validateItem({ a: 'x' }), 'Unexpected value type in payload');
  });
});
