import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TableMeta } from '../../../../../src/dataplane/model.js';
import { createTable } from '../../../../../src/dataplane/operations/tables/create-table.js';
import { describeEndpoints } from '../../../../../src/dataplane/operations/tables/describe-endpoints.js';
import { describeLimits } from '../../../../../src/dataplane/operations/tables/describe-limits.js';
import { describeTimeToLive } from '../../../../../src/dataplane/operations/tables/describe-time-to-live.js';
import { listTagsOfResource } from '../../../../../src/dataplane/operations/tables/list-tags-of-resource.js';
import { tagResource } from '../../../../../src/dataplane/operations/tables/tag-resource.js';
import { untagResource } from '../../../../../src/dataplane/operations/tables/untag-resource.js';
import { updateTimeToLive } from '../../../../../src/dataplane/operations/tables/update-time-to-live.js';
import { startTtlSweeper } from '../../../../../src/dataplane/operations/ttl-sweeper.js';
import { type Harness, openHarness, rejectsWith, simpleTable } from './harness.js';

const invalid = 'One or more parameter values were invalid: ';
const arn = 'arn:aws:dynamodb:eu-west-1:123456789012:table/Tagged';

describe('Time to live', () => {
  let harness: Harness;
  before(async () => {
    harness = await openHarness();
    await harness.call(createTable, simpleTable('Expiring'));
    await harness.settle();
  });
  after(() => harness.close());

  test('is DISABLED until enabled; enabling twice is refused', async () => {
    assert.deepEqual(await harness.call(describeTimeToLive, { TableName: 'Expiring' }), {
      TimeToLiveDescription: { TimeToLiveStatus: 'DISABLED' },
    });
    const spec = { AttributeName: 'expiresAt', Enabled: true };
    assert.deepEqual(
      await harness.call(updateTimeToLive, { TableName: 'Expiring', TimeToLiveSpecification: spec }),
      {
        TimeToLiveSpecification: spec,
      },
    );
    assert.deepEqual(await harness.call(describeTimeToLive, { TableName: 'Expiring' }), {
      TimeToLiveDescription: { TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' },
    });
    await rejectsWith(
      harness.call(updateTimeToLive, { TableName: 'Expiring', TimeToLiveSpecification: spec }),
      'ValidationException',
      'TimeToLive is already enabled',
    );
  });

  test('disabling: same attribute required; disabling twice is refused', async () => {
    await rejectsWith(
      harness.call(updateTimeToLive, {
        TableName: 'Expiring',
        TimeToLiveSpecification: { AttributeName: 'other', Enabled: false },
      }),
      'ValidationException',
      'TimeToLive is active on a different AttributeName: current AttributeName is expiresAt',
    );
    const spec = { AttributeName: 'expiresAt', Enabled: false };
    await harness.call(updateTimeToLive, { TableName: 'Expiring', TimeToLiveSpecification: spec });
    await rejectsWith(
      harness.call(updateTimeToLive, { TableName: 'Expiring', TimeToLiveSpecification: spec }),
      'ValidationException',
      'TimeToLive is already disabled',
    );
    assert.deepEqual(await harness.call(describeTimeToLive, { TableName: 'Expiring' }), {
      TimeToLiveDescription: { TimeToLiveStatus: 'DISABLED' },
    });
  });

  test('validates the specification and the table', async () => {
    await rejectsWith(
      harness.call(updateTimeToLive, {
        TableName: 'Expiring',
        TimeToLiveSpecification: { AttributeName: '' },
      }),
      'ValidationException',
      "2 validation errors detected: Value '' at 'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member must have length greater than or equal to 1; Value null at 'timeToLiveSpecification.enabled' failed to satisfy constraint: Member must not be null",
    );
    await rejectsWith(
      harness.call(describeTimeToLive, { TableName: 'Missing' }),
      'ResourceNotFoundException',
      'Requested resource not found: Table: Missing not found',
    );
  });

  test('the sweeper expires only TTL-enabled tables, within its batch limit per tick', async () => {
    await harness.call(createTable, simpleTable('Sweep1'));
    await harness.call(createTable, simpleTable('Sweep2'));
    await harness.settle();
    for (const name of ['Sweep1', 'Sweep2']) {
      await harness.call(updateTimeToLive, {
        TableName: name,
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      });
    }
    const calls: Array<{ table: string; limit: number }> = [];
    let ticks = 0;
    const sweeper = startTtlSweeper(harness.ctx, {
      intervalMs: 1,
      batchLimit: 5,
      expireItems: async (_ctx, table: TableMeta, _nowMs, limit) => {
        calls.push({ table: table.TableName, limit });
        if (calls.length % 2 === 0) ticks++;
        return 3;
      },
    });
    while (ticks < 2) await new Promise((resolve) => setTimeout(resolve, 2));
    await sweeper.stop();
    const tables = new Set(calls.map((call) => call.table));
    assert.deepEqual([...tables].sort(), ['Sweep1', 'Sweep2']);
    // Each tick: 5 for the first table, which deletes 3, then 2 for the other.
    assert.deepEqual(
      calls.slice(0, 4).map((call) => call.limit),
      [5, 2, 5, 2],
    );
    assert.notEqual(calls[0]?.table, calls[2]?.table, 'ticks rotate the table they start with');
  });
});

describe('Tags', () => {
  let harness: Harness;
  before(async () => {
    harness = await openHarness();
    await harness.call(createTable, simpleTable('Tagged'));
    await harness.settle();
  });
  after(() => harness.close());

  test('tag, retag, untag and list', async () => {
    assert.deepEqual(
      await harness.call(tagResource, {
        ResourceArn: arn,
        Tags: [
          { Key: 'a', Value: '1' },
          { Key: 'b', Value: '2' },
        ],
      }),
      {},
    );
    await harness.call(tagResource, { ResourceArn: arn, Tags: [{ Key: 'a', Value: 'changed' }] });
    await harness.call(untagResource, { ResourceArn: arn, TagKeys: ['b', 'absent'] });
    assert.deepEqual(await harness.call(listTagsOfResource, { ResourceArn: arn }), {
      Tags: [{ Key: 'a', Value: 'changed' }],
    });
  });

  test('ARN checks: malformed, other region, missing table', async () => {
    const tags = [{ Key: 'k', Value: 'v' }];
    await rejectsWith(
      harness.call(tagResource, { ResourceArn: 'Tagged', Tags: tags }),
      'ValidationException',
      'Invalid TableArn: Invalid ResourceArn provided as input Tagged',
    );
    const otherRegion = 'arn:aws:dynamodb:us-east-1:123456789012:table/Tagged';
    await rejectsWith(
      harness.call(listTagsOfResource, { ResourceArn: otherRegion }),
      'ValidationException',
      `Invalid TableArn: Invalid ResourceArn provided as input ${otherRegion}`,
    );
    const missing = 'arn:aws:dynamodb:eu-west-1:123456789012:table/Missing';
    await rejectsWith(
      harness.call(untagResource, { ResourceArn: missing, TagKeys: ['k'] }),
      'ResourceNotFoundException',
      `Requested resource not found: ResourcArn: ${missing} not found`,
    );
  });

  test('limits: 50 tags, key and value lengths, reserved prefix', async () => {
    const many = Array.from({ length: 50 }, (_, n) => ({ Key: `key${n}`, Value: 'v' }));
    await rejectsWith(
      harness.call(tagResource, { ResourceArn: arn, Tags: many }),
      'ValidationException',
      `${invalid}The number of tags on the resource would exceed the limit of 50`,
    );
    await rejectsWith(
      harness.call(tagResource, {
        ResourceArn: arn,
        Tags: [{ Key: 'k'.repeat(129), Value: 'v'.repeat(257) }],
      }),
      'ValidationException',
      /^2 validation errors detected: Value 'k{129}' at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128; Value 'v{257}' at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256$/,
    );
    await rejectsWith(
      harness.call(tagResource, { ResourceArn: arn, Tags: [{ Key: 'aws:cost', Value: 'x' }] }),
      'ValidationException',
      `${invalid}Tag keys starting with the prefix "aws:" are reserved for AWS use: aws:cost`,
    );
    await rejectsWith(
      harness.call(tagResource, { ResourceArn: arn }),
      'ValidationException',
      "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null",
    );
  });
});

describe('DescribeLimits and DescribeEndpoints', () => {
  test('limits are AWS default quotas', async () => {
    const harness = await openHarness();
    try {
      assert.deepEqual(await harness.call(describeLimits, {}), {
        AccountMaxReadCapacityUnits: 80000,
        AccountMaxWriteCapacityUnits: 80000,
        TableMaxReadCapacityUnits: 40000,
        TableMaxWriteCapacityUnits: 40000,
      });
    } finally {
      await harness.close();
    }
  });

  test('endpoints: the host the client used, else the regional AWS host; cached a day', async () => {
    const addressed = await openHarness({ endpointHost: '127.0.4.1:8000' });
    const plain = await openHarness();
    try {
      assert.deepEqual(await addressed.call(describeEndpoints, {}), {
        Endpoints: [{ Address: '127.0.4.1:8000', CachePeriodInMinutes: 1440 }],
      });
      assert.deepEqual(await plain.call(describeEndpoints, {}), {
        Endpoints: [{ Address: 'dynamodb.eu-west-1.amazonaws.com', CachePeriodInMinutes: 1440 }],
      });
    } finally {
      await addressed.close();
      await plain.close();
    }
  });
});
