/**
 * The seed documents' DynamoDB commands, verbatim, with the real AWS CLI and boto3 against a
 * world (../shared/seeds/000 and 003: create-table UserSessions). Replica commands belong to the
 * global-tables issue and are tested there.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { aws, awsJson, python, seedCreateUserSessionsArgs } from '../support/aws-cli.js';
import { startWorld, type TestWorld } from '../support/world.js';

const endpoint = 'http://127.0.0.1:8000';

describe('seed commands with the AWS CLI and boto3', () => {
  let world: TestWorld;

  before(async () => {
    world = await startWorld(['--fresh']);
  });

  after(async () => {
    await world?.down();
  });

  test('seed 000: create-table UserSessions with a NEW_AND_OLD_IMAGES stream (--endpoint-url)', () => {
    const created = awsJson<{ TableDescription: Record<string, unknown> }>([
      ...seedCreateUserSessionsArgs,
      '--endpoint-url',
      endpoint,
    ]);
    assert.equal(created.TableDescription.TableName, 'UserSessions');
    assert.deepEqual(created.TableDescription.StreamSpecification, {
      StreamEnabled: true,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
    assert.match(
      String(created.TableDescription.LatestStreamArn),
      /^arn:aws:dynamodb:us-east-1:\d{12}:table\/UserSessions\/stream\//,
    );
    const waited = aws([
      'dynamodb',
      'wait',
      'table-exists',
      '--table-name',
      'UserSessions',
      '--region',
      'us-east-1',
      '--endpoint-url',
      endpoint,
    ]);
    assert.equal(waited.status, 0, waited.stderr);
  });

  test('AWS_ENDPOINT_URL is all the CLI needs: put, get, describe in the region of the request', () => {
    const env = { AWS_ENDPOINT_URL: endpoint };
    const put = aws(
      [
        'dynamodb',
        'put-item',
        '--table-name',
        'UserSessions',
        '--item',
        '{"userId":{"S":"u1"},"cart":{"L":[{"S":"book"}]}}',
        '--region',
        'us-east-1',
      ],
      env,
    );
    assert.equal(put.status, 0, put.stderr);
    const got = awsJson<{ Item: Record<string, unknown> }>(
      [
        'dynamodb',
        'get-item',
        '--table-name',
        'UserSessions',
        '--key',
        '{"userId":{"S":"u1"}}',
        '--region',
        'us-east-1',
      ],
      env,
    );
    assert.deepEqual(got.Item, { userId: { S: 'u1' }, cart: { L: [{ S: 'book' }] } });
    const described = awsJson<{ Table: { KeySchema: unknown; BillingModeSummary: { BillingMode: string } } }>(
      ['dynamodb', 'describe-table', '--table-name', 'UserSessions', '--region', 'us-east-1'],
      env,
    );
    assert.deepEqual(described.Table.KeySchema, [{ AttributeName: 'userId', KeyType: 'HASH' }]);
    assert.equal(described.Table.BillingModeSummary.BillingMode, 'PAY_PER_REQUEST');
    // eu-west-1 is another region: the table is not there.
    const missing = aws(
      ['dynamodb', 'describe-table', '--table-name', 'UserSessions', '--region', 'eu-west-1'],
      env,
    );
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /ResourceNotFoundException/);
  });

  test('seed 003: create-table without a stream in ap-south-1; a duplicate create is ResourceInUseException', () => {
    const args = [
      'dynamodb',
      'create-table',
      '--table-name',
      'UserSessions',
      '--attribute-definitions',
      'AttributeName=userId,AttributeType=S',
      '--key-schema',
      'AttributeName=userId,KeyType=HASH',
      '--billing-mode',
      'PAY_PER_REQUEST',
      '--region',
      'ap-south-1',
      '--endpoint-url',
      endpoint,
    ];
    assert.equal(aws(args).status, 0);
    const again = aws(args);
    assert.notEqual(again.status, 0);
    assert.match(again.stderr, /ResourceInUseException/);
  });

  test('the CLI reports validation errors with AWS codes', () => {
    const result = aws([
      'dynamodb',
      'get-item',
      '--table-name',
      'UserSessions',
      '--key',
      '{"nope":{"S":"x"}}',
      '--region',
      'us-east-1',
      '--endpoint-url',
      endpoint,
    ]);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /ValidationException/);
  });

  test('boto3 with AWS_ENDPOINT_URL: put_item and get_item', () => {
    const script = [
      'import boto3',
      "ddb = boto3.client('dynamodb', region_name='us-east-1')",
      "ddb.put_item(TableName='UserSessions', Item={'userId': {'S': 'py'}, 'n': {'N': '12.50'}})",
      "print(ddb.get_item(TableName='UserSessions', Key={'userId': {'S': 'py'}})['Item']['n']['N'])",
    ].join('\n');
    const result = python(script, { AWS_ENDPOINT_URL: endpoint });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), '12.5');
  });
});
