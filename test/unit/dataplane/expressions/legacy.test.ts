import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  applyUpdate,
  conditionFromExpected,
  conditionFromFilter,
  evaluateCondition,
  keyConditionFromKeyConditions,
  pathsFromAttributesToGet,
  updateFromAttributeUpdates,
} from '../../../../src/dataplane/expressions/index.js';
import type { Item } from '../../../../src/dataplane/model.js';
import { assertValidation } from './helpers.js';

const ITEM: Item = { n: { N: '5' }, s: { S: 'hello' }, ss: { SS: ['a', 'b'] }, l: { L: [{ S: 'a' }] } };
const invalid = 'One or more parameter values were invalid: ';

describe('Expected', () => {
  const holds = (expected: unknown, operator?: unknown) => {
    const condition = conditionFromExpected(expected, operator);
    assert.ok(condition);
    return evaluateCondition(condition, ITEM);
  };

  test('absent or empty gives no condition', () => {
    assert.equal(conditionFromExpected(undefined, undefined), undefined);
    assert.equal(conditionFromExpected({}, undefined), undefined);
  });

  test('Value / Exists forms', () => {
    assert.equal(holds({ n: { Value: { N: '5' } } }), true);
    assert.equal(holds({ n: { Value: { N: '5.0' }, Exists: true } }), true);
    assert.equal(holds({ n: { Value: { N: '6' } } }), false);
    assert.equal(holds({ gone: { Exists: false } }), true);
    assert.equal(holds({ n: { Exists: false } }), false);
  });

  const truth: Array<[string, unknown[], boolean]> = [
    ['EQ', [{ N: '5' }], true],
    ['NE', [{ N: '5' }], false],
    ['NE', [{ S: '5' }], true],
    ['LT', [{ N: '6' }], true],
    ['LE', [{ N: '5' }], true],
    ['GT', [{ N: '5' }], false],
    ['GE', [{ N: '5' }], true],
    ['NOT_NULL', [], true],
    ['NULL', [], false],
    ['IN', [{ N: '1' }, { N: '5' }], true],
    ['BETWEEN', [{ N: '1' }, { N: '5' }], true],
  ];
  for (const [operator, values, expected] of truth) {
    test(`n ${operator} ${JSON.stringify(values)} → ${expected}`, () => {
      assert.equal(holds({ n: { ComparisonOperator: operator, AttributeValueList: values } }), expected);
    });
  }

  test('string and set operators', () => {
    const on = (name: string, operator: string, values: unknown[]) =>
      holds({ [name]: { ComparisonOperator: operator, AttributeValueList: values } });
    assert.equal(on('s', 'BEGINS_WITH', [{ S: 'he' }]), true);
    assert.equal(on('s', 'CONTAINS', [{ S: 'ell' }]), true);
    assert.equal(on('ss', 'CONTAINS', [{ S: 'b' }]), true);
    assert.equal(on('ss', 'NOT_CONTAINS', [{ S: 'b' }]), false);
    assert.equal(on('ss', 'NOT_CONTAINS', [{ S: 'z' }]), true);
    assert.equal(on('gone', 'NULL', []), true);
  });

  test('ConditionalOperator', () => {
    const two = { n: { Value: { N: '5' } }, s: { Value: { S: 'nope' } } };
    assert.equal(holds(two), false);
    assert.equal(holds(two, 'AND'), false);
    assert.equal(holds(two, 'OR'), true);
    assertValidation(
      () => conditionFromExpected(two, 'XOR'),
      "1 validation error detected: Value 'XOR' at 'conditionalOperator' failed to satisfy constraint: Member must satisfy enum value set: [OR, AND]",
    );
  });

  test('many conditions build a shallow tree', () => {
    const expected: Record<string, unknown> = {};
    for (let index = 0; index < 20_000; index++) expected[`a${index}`] = { Exists: false };
    assert.equal(holds(expected), true);
  });

  const rejected: Array<[unknown, string]> = [
    [
      { n: { ComparisonOperator: 'EQ', AttributeValueList: [] } },
      `${invalid}Invalid number of argument(s) for the EQ ComparisonOperator`,
    ],
    [
      { n: { ComparisonOperator: 'NULL', AttributeValueList: [{ N: '1' }] } },
      `${invalid}Invalid number of argument(s) for the NULL ComparisonOperator`,
    ],
    [
      { n: { ComparisonOperator: 'BETWEEN', AttributeValueList: [{ N: '1' }] } },
      `${invalid}Invalid number of argument(s) for the BETWEEN ComparisonOperator`,
    ],
    [
      { n: { ComparisonOperator: 'IN', AttributeValueList: [] } },
      `${invalid}Invalid number of argument(s) for the IN ComparisonOperator`,
    ],
    [
      { n: { ComparisonOperator: 'GT', AttributeValueList: [{ SS: ['a'] }] } },
      `${invalid}ComparisonOperator GT is not valid for SS AttributeValue type`,
    ],
    [
      { n: { ComparisonOperator: 'BEGINS_WITH', AttributeValueList: [{ N: '1' }] } },
      `${invalid}ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type`,
    ],
    [
      { n: { Value: { N: '1' }, AttributeValueList: [{ N: '1' }] } },
      `${invalid}Value and AttributeValueList cannot be used together for Attribute: n`,
    ],
    [{ n: { Exists: true } }, `${invalid}Value must be provided when Exists is true for Attribute: n`],
    [
      { n: { Exists: false, Value: { N: '1' } } },
      `${invalid}Value cannot be used when Exists is false for Attribute: n`,
    ],
    [
      { n: { ComparisonOperator: 'LIKE', AttributeValueList: [] } },
      "1 validation error detected: Value 'LIKE' at 'expected.n.member.comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]",
    ],
  ];
  for (const [expected, message] of rejected) {
    test(`rejects ${JSON.stringify(expected)}`, () =>
      assertValidation(() => conditionFromExpected(expected, undefined), message));
  }
});

describe('QueryFilter / ScanFilter', () => {
  test('converts and evaluates', () => {
    const filter = {
      n: { ComparisonOperator: 'GT', AttributeValueList: [{ N: '1' }] },
      s: { ComparisonOperator: 'NOT_NULL' },
    };
    const condition = conditionFromFilter(filter, undefined, 'ScanFilter');
    assert.ok(condition);
    assert.equal(evaluateCondition(condition, ITEM), true);
    assert.equal(conditionFromFilter(undefined, undefined, 'QueryFilter'), undefined);
  });
  test('needs a ComparisonOperator', () => {
    assertValidation(
      () => conditionFromFilter({ n: {} }, undefined, 'QueryFilter'),
      "1 validation error detected: Value null at 'queryFilter.n.member.comparisonOperator' failed to satisfy constraint: Member must not be null",
    );
  });
});

describe('KeyConditions', () => {
  test('hash and range', () => {
    assert.deepEqual(
      keyConditionFromKeyConditions({
        sk: { ComparisonOperator: 'BETWEEN', AttributeValueList: [{ N: '1' }, { N: '2' }] },
        pk: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'p' }] },
      }),
      {
        partition: { name: 'pk', value: { S: 'p' } },
        sort: { name: 'sk', condition: { op: 'BETWEEN', low: { N: '1' }, high: { N: '2' } } },
      },
    );
    assert.deepEqual(
      keyConditionFromKeyConditions({ pk: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'p' }] } }),
      {
        partition: { name: 'pk', value: { S: 'p' } },
      },
    );
  });
  test('rejects', () => {
    assertValidation(() => keyConditionFromKeyConditions({}), 'Conditions can be of length 1 or 2 only');
    assertValidation(
      () =>
        keyConditionFromKeyConditions({
          pk: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'p' }] },
          sk: { ComparisonOperator: 'NE', AttributeValueList: [{ S: 'p' }] },
        }),
      'Attempted conditional constraint is not an indexable operation',
    );
    assertValidation(
      () =>
        keyConditionFromKeyConditions({ pk: { ComparisonOperator: 'GT', AttributeValueList: [{ S: 'p' }] } }),
      'Query key condition not supported',
    );
  });
});

describe('AttributeUpdates', () => {
  test('PUT, ADD, DELETE', () => {
    const update = updateFromAttributeUpdates({
      a: { Value: { S: 'new' } },
      n: { Action: 'ADD', Value: { N: '2' } },
      l: { Action: 'ADD', Value: { L: [{ S: 'b' }] } },
      ss: { Action: 'DELETE', Value: { SS: ['a'] } },
      s: { Action: 'DELETE' },
    });
    assert.deepEqual(applyUpdate(update, ITEM), {
      a: { S: 'new' },
      n: { N: '7' },
      ss: { SS: ['b'] },
      l: { L: [{ S: 'a' }, { S: 'b' }] },
    });
  });
  test('rejects', () => {
    assertValidation(
      () => updateFromAttributeUpdates({ a: { Action: 'PUT' } }),
      `${invalid}Only DELETE action is allowed when no attribute value is specified`,
    );
    assertValidation(
      () => updateFromAttributeUpdates({ a: { Action: 'ADD', Value: { S: 'x' } } }),
      `${invalid}ADD action is not supported for the type S`,
    );
    assertValidation(
      () => updateFromAttributeUpdates({ a: { Action: 'DELETE', Value: { S: 'x' } } }),
      `${invalid}DELETE action with value is not supported for the type S`,
    );
    assertValidation(
      () => updateFromAttributeUpdates({ a: { Action: 'UPSERT', Value: { S: 'x' } } }),
      "1 validation error detected: Value 'UPSERT' at 'attributeUpdates.a.member.action' failed to satisfy constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]",
    );
  });
});

describe('AttributesToGet', () => {
  test('top-level paths', () => {
    assert.deepEqual(pathsFromAttributesToGet(['a', 'b.c']), [
      [{ kind: 'name', name: 'a' }],
      [{ kind: 'name', name: 'b.c' }],
    ]);
    assertValidation(
      () => pathsFromAttributesToGet(['a', 'a']),
      `${invalid}Duplicate value in attribute name: a`,
    );
  });
});
