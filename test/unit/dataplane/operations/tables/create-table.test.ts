import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTable } from '../../../../../src/dataplane/operations/tables/create-table.js';
import { describeTable } from '../../../../../src/dataplane/operations/tables/describe-table.js';
import { listTagsOfResource } from '../../../../../src/dataplane/operations/tables/list-tags-of-resource.js';
import type { OperationInput } from '../../../../../src/dataplane/operations/types.js';
import { type Harness, openHarness, rejectsWith, simpleTable } from './harness.js';

const invalid = 'One or more parameter values were invalid: ';

function gsi(name: string, hashKey = 'pk', extra: OperationInput = {}): OperationInput {
  return {
    IndexName: name,
    KeySchema: [{ AttributeName: hashKey, KeyType: 'HASH' }],
    Projection: { ProjectionType: 'ALL' },
    ...extra,
  };
}

describe('CreateTable', () => {
  let harness: Harness;
  before(async () => {
    harness = await openHarness();
  });
  after(() => harness.close());

  test('answers CREATING with AWS TableDescription shape, then the table is ACTIVE', async () => {
    const output = await harness.call(createTable, simpleTable('Shape'));
    const description = output.TableDescription as Record<string, unknown>;
    assert.equal(description.TableStatus, 'CREATING');
    assert.equal(description.TableArn, 'arn:aws:dynamodb:eu-west-1:123456789012:table/Shape');
    assert.match(
      String(description.TableId),
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    assert.equal(description.CreationDateTime, harness.clock.nowMs / 1000);
    assert.deepEqual(description.KeySchema, [{ AttributeName: 'pk', KeyType: 'HASH' }]);
    assert.deepEqual(description.AttributeDefinitions, [{ AttributeName: 'pk', AttributeType: 'S' }]);
    assert.deepEqual(description.ProvisionedThroughput, {
      NumberOfDecreasesToday: 0,
      ReadCapacityUnits: 0,
      WriteCapacityUnits: 0,
    });
    assert.deepEqual(description.BillingModeSummary, {
      BillingMode: 'PAY_PER_REQUEST',
      LastUpdateToPayPerRequestDateTime: harness.clock.nowMs / 1000,
    });
    assert.equal(description.ItemCount, 0);
    assert.equal(description.TableSizeBytes, 0);
    assert.equal(description.DeletionProtectionEnabled, false);
    assert.deepEqual(description.WarmThroughput, {
      ReadUnitsPerSecond: 12000,
      WriteUnitsPerSecond: 4000,
      Status: 'CREATING',
    });
    assert.equal(description.StreamSpecification, undefined);
    await harness.settle();
    const described = (await harness.call(describeTable, { TableName: 'Shape' })).Table as Record<
      string,
      unknown
    >;
    assert.equal(described.TableStatus, 'ACTIVE');
  });

  test('describes provisioned throughput, indexes, stream, SSE, table class and tags', async () => {
    const output = await harness.call(createTable, {
      TableName: 'Full',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'N' },
        { AttributeName: 'g', AttributeType: 'B' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 7 },
      GlobalSecondaryIndexes: [
        gsi('byG', 'g', {
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['a'] },
          ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 2 },
        }),
      ],
      LocalSecondaryIndexes: [
        {
          IndexName: 'byPkG',
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'g', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      SSESpecification: { Enabled: true, KMSMasterKeyId: 'abc' },
      TableClass: 'STANDARD_INFREQUENT_ACCESS',
      DeletionProtectionEnabled: true,
      Tags: [{ Key: 'team', Value: 'payments' }],
    });
    const description = output.TableDescription as Record<string, unknown>;
    assert.deepEqual(description.ProvisionedThroughput, {
      NumberOfDecreasesToday: 0,
      ReadCapacityUnits: 5,
      WriteCapacityUnits: 7,
    });
    assert.deepEqual(description.BillingModeSummary, { BillingMode: 'PROVISIONED' });
    const [global] = description.GlobalSecondaryIndexes as Record<string, unknown>[];
    assert.equal(global?.IndexArn, 'arn:aws:dynamodb:eu-west-1:123456789012:table/Full/index/byG');
    assert.equal(global?.IndexStatus, 'CREATING');
    assert.deepEqual(global?.Projection, { ProjectionType: 'INCLUDE', NonKeyAttributes: ['a'] });
    assert.deepEqual(global?.ProvisionedThroughput, {
      NumberOfDecreasesToday: 0,
      ReadCapacityUnits: 1,
      WriteCapacityUnits: 2,
    });
    const [local] = description.LocalSecondaryIndexes as Record<string, unknown>[];
    assert.deepEqual(Object.keys(local ?? {}), [
      'IndexName',
      'KeySchema',
      'Projection',
      'IndexSizeBytes',
      'ItemCount',
      'IndexArn',
    ]);
    assert.deepEqual(description.StreamSpecification, {
      StreamEnabled: true,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
    assert.equal(description.LatestStreamLabel, '2025-01-02T03:04:05.678');
    assert.equal(
      description.LatestStreamArn,
      'arn:aws:dynamodb:eu-west-1:123456789012:table/Full/stream/2025-01-02T03:04:05.678',
    );
    assert.deepEqual(description.SSEDescription, {
      Status: 'ENABLED',
      SSEType: 'KMS',
      KMSMasterKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/abc',
    });
    assert.deepEqual(description.TableClassSummary, { TableClass: 'STANDARD_INFREQUENT_ACCESS' });
    assert.equal(description.DeletionProtectionEnabled, true);
    await harness.settle();
    const described = (await harness.call(describeTable, { TableName: 'Full' })).Table as Record<
      string,
      unknown
    >;
    assert.equal((described.GlobalSecondaryIndexes as Record<string, unknown>[])[0]?.IndexStatus, 'ACTIVE');
    const tags = await harness.call(listTagsOfResource, { ResourceArn: description.TableArn });
    assert.deepEqual(tags, { Tags: [{ Key: 'team', Value: 'payments' }] });
  });

  test('refuses an existing table name', async () => {
    await harness.call(createTable, simpleTable('Twice'));
    await rejectsWith(
      harness.call(createTable, simpleTable('Twice')),
      'ResourceInUseException',
      'Table already exists: Twice',
    );
  });

  const cases: Array<[string, OperationInput, string]> = [
    [
      'table name pattern and length together',
      simpleTable('a$'),
      "2 validation errors detected: Value 'a$' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value 'a$' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3",
    ],
    [
      'table name too long',
      simpleTable('x'.repeat(256)),
      `1 validation error detected: Value '${'x'.repeat(256)}' at 'tableName' failed to satisfy constraint: Member must have length less than or equal to 255`,
    ],
    [
      'missing table name',
      simpleTable('Ok', { TableName: undefined }),
      "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null",
    ],
    [
      'missing key schema and attribute definitions',
      { TableName: 'NoKeys', BillingMode: 'PAY_PER_REQUEST' },
      "2 validation errors detected: Value null at 'attributeDefinitions' failed to satisfy constraint: Member must not be null; Value null at 'keySchema' failed to satisfy constraint: Member must not be null",
    ],
    [
      'key schema with three elements',
      simpleTable('Three', {
        KeySchema: [
          { AttributeName: 'a', KeyType: 'HASH' },
          { AttributeName: 'b', KeyType: 'RANGE' },
          { AttributeName: 'c', KeyType: 'RANGE' },
        ],
      }),
      "1 validation error detected: Value '[{attributeName=a, keyType=HASH}, {attributeName=b, keyType=RANGE}, {attributeName=c, keyType=RANGE}]' at 'keySchema' failed to satisfy constraint: Member must have length less than or equal to 2",
    ],
    [
      'unknown key type and attribute type',
      simpleTable('Enum', {
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'SS' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'PRIMARY' }],
      }),
      "2 validation errors detected: Value 'SS' at 'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]; Value 'PRIMARY' at 'keySchema.1.member.keyType' failed to satisfy constraint: Member must satisfy enum value set: [HASH, RANGE]",
    ],
    [
      'zero capacity',
      simpleTable('Zero', {
        BillingMode: undefined,
        ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 1 },
      }),
      "1 validation error detected: Value '0' at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1",
    ],
    [
      'range key first',
      simpleTable('RangeFirst', { KeySchema: [{ AttributeName: 'pk', KeyType: 'RANGE' }] }),
      'Invalid KeySchema: The first KeySchemaElement is not a HASH key type',
    ],
    [
      'hash and range with the same name',
      simpleTable('Same', {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'pk', KeyType: 'RANGE' },
        ],
      }),
      'Both the Hash Key and the Range Key element in the KeySchema have the same name',
    ],
    [
      'unused attribute definitions without indexes',
      simpleTable('Unused', {
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'extra', AttributeType: 'S' },
        ],
      }),
      `${invalid}Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions`,
    ],
    [
      'unused attribute definitions with an index',
      simpleTable('UnusedGsi', {
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'extra', AttributeType: 'S' },
          { AttributeName: 'g', AttributeType: 'S' },
        ],
        GlobalSecondaryIndexes: [gsi('byG', 'g')],
      }),
      `${invalid}Some AttributeDefinitions are not used. AttributeDefinitions: [pk, extra, g], keys used: [pk, g]`,
    ],
    [
      'index key not defined',
      simpleTable('Undefined', { GlobalSecondaryIndexes: [gsi('byG', 'g')] }),
      `${invalid}Some index key attributes are not defined in AttributeDefinitions. Keys: [g], AttributeDefinitions: [pk]`,
    ],
    [
      'provisioned without throughput',
      simpleTable('NoCapacity', { BillingMode: 'PROVISIONED' }),
      `${invalid}ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED`,
    ],
    [
      'default billing mode without throughput',
      simpleTable('NoCapacityDefault', { BillingMode: undefined }),
      `${invalid}ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED`,
    ],
    [
      'on-demand with throughput',
      simpleTable('Both', { ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } }),
      `${invalid}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST`,
    ],
    [
      'more than 20 GSIs',
      simpleTable('ManyGsi', {
        GlobalSecondaryIndexes: Array.from({ length: 21 }, (_, n) => gsi(`index${n}`)),
      }),
      `${invalid}GlobalSecondaryIndex count exceeds the per-table limit of 20`,
    ],
    [
      'GSI without throughput on a provisioned table',
      simpleTable('GsiNoCapacity', {
        BillingMode: 'PROVISIONED',
        ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
        GlobalSecondaryIndexes: [gsi('byPk')],
      }),
      `${invalid}ProvisionedThroughput must be specified for index: byPk`,
    ],
    [
      'LSI on a table without range key',
      simpleTable('LsiNoRange', {
        LocalSecondaryIndexes: [
          {
            IndexName: 'local',
            KeySchema: [
              { AttributeName: 'pk', KeyType: 'HASH' },
              { AttributeName: 'pk2', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'pk2', AttributeType: 'S' },
        ],
      }),
      `${invalid}Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex`,
    ],
    [
      'INCLUDE projection without NonKeyAttributes',
      simpleTable('Include', {
        GlobalSecondaryIndexes: [gsi('byPk', 'pk', { Projection: { ProjectionType: 'INCLUDE' } })],
      }),
      `${invalid}ProjectionType is INCLUDE, but NonKeyAttributes is not specified`,
    ],
    [
      'stream enabled without view type',
      simpleTable('Stream', { StreamSpecification: { StreamEnabled: true } }),
      `${invalid}StreamViewType is required when StreamEnabled is true`,
    ],
    [
      'reserved tag prefix',
      simpleTable('Tagged', { Tags: [{ Key: 'aws:owner', Value: 'me' }] }),
      `${invalid}Tag keys starting with the prefix "aws:" are reserved for AWS use: aws:owner`,
    ],
  ];
  for (const [name, input, message] of cases) {
    test(`validation: ${name}`, async () => {
      await rejectsWith(harness.call(createTable, input), 'ValidationException', message);
    });
  }

  test('validation: LSIs must share the table hash key, at most 5', async () => {
    const definitions = [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'other', AttributeType: 'S' },
    ];
    const keySchema = [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ];
    const lsi = (name: string, hash: string) => ({
      IndexName: name,
      KeySchema: [
        { AttributeName: hash, KeyType: 'HASH' },
        { AttributeName: 'other', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    });
    const base = simpleTable('Lsi', { AttributeDefinitions: definitions, KeySchema: keySchema });
    await rejectsWith(
      harness.call(createTable, { ...base, LocalSecondaryIndexes: [lsi('wrongHash', 'sk')] }),
      'ValidationException',
      `${invalid}Index KeySchema does not have the same leading hash key as table KeySchema for index: wrongHash. index hash key: sk, table hash key: pk`,
    );
    await rejectsWith(
      harness.call(createTable, {
        ...base,
        LocalSecondaryIndexes: Array.from({ length: 6 }, (_, n) => lsi(`local${n}`, 'pk')),
      }),
      'ValidationException',
      `${invalid}Number of LocalSecondaryIndexes exceeds per-table limit of 5`,
    );
  });

  test('validation: at most 100 projected attributes over all indexes', async () => {
    const nonKey = (from: number) => Array.from({ length: 20 }, (_, n) => `attr${from + n}`);
    const indexes = Array.from({ length: 6 }, (_, n) =>
      gsi(`index${n}`, 'pk', { Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: nonKey(n * 20) } }),
    );
    await rejectsWith(
      harness.call(createTable, simpleTable('Projected', { GlobalSecondaryIndexes: indexes })),
      'ValidationException',
      `${invalid}Number of projected attributes in all indexes exceeds limit of 100, number of projected attributes:120`,
    );
  });

  test('a value of the wrong JSON type is a SerializationException', async () => {
    await rejectsWith(
      harness.call(createTable, simpleTable('Typed', { DeletionProtectionEnabled: 'yes' })),
      'SerializationException',
      'STRING_VALUE cannot be converted to Boolean',
    );
  });
});
