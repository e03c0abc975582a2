import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Item, TableMeta } from '../../../../../src/dataplane/model.js';
import {
  CapacityLedger,
  CapacityMeter,
  indexWriteUnits,
  readUnits,
  writeUnits,
} from '../../../../../src/dataplane/operations/items/capacity.js';
import {
  extractKey,
  validateItemKeys,
  validateKey,
} from '../../../../../src/dataplane/operations/items/keys.js';
import { type Harness, invalid, openItemHarness, text } from './item-harness.js';

const mismatch = { message: 'The provided key element does not match the schema' };

describe('keys', () => {
  let harness: Harness;
  let users: TableMeta;
  let events: TableMeta;
  before(async () => {
    harness = await openItemHarness();
    users = harness.ctx.store.getTableMeta('Users') as TableMeta;
    events = harness.ctx.store.getTableMeta('Events') as TableMeta;
  });
  after(() => harness.close());

  test('validateKey accepts exactly the key schema, normalising numbers', () => {
    assert.deepEqual(validateKey(events, { pk: { S: 'a' }, sk: { N: '1.50' } }, 'key'), {
      pk: { S: 'a' },
      sk: { N: '1.5' },
    });
  });

  test('validateKey rejects missing, extra and mistyped key attributes', () => {
    assert.throws(() => validateKey(events, { pk: { S: 'a' } }, 'key'), mismatch);
    assert.throws(() => validateKey(users, { userId: { S: 'a' }, other: { S: 'b' } }, 'key'), mismatch);
    assert.throws(() => validateKey(users, { userId: { N: '1' } }, 'key'), mismatch);
    assert.throws(() => validateKey(users, { other: { S: 'a' } }, 'key'), mismatch);
  });

  test('validateKey rejects empty string and binary key values', () => {
    assert.throws(() => validateKey(users, { userId: { S: '' } }, 'key'), {
      message: `${invalid}The AttributeValue for a key attribute cannot contain an empty string value. Key: userId`,
    });
  });

  test('validateKey of null names the parameter', () => {
    assert.throws(() => validateKey(users, undefined, 'key'), {
      message:
        "1 validation error detected: Value null at 'key' failed to satisfy constraint: Member must not be null",
    });
  });

  test('validateItemKeys: missing key, wrong type, index key type', () => {
    assert.throws(() => validateItemKeys(users, { name: { S: 'x' } }), {
      message: `${invalid}Missing the key userId in the item`,
    });
    assert.throws(() => validateItemKeys(users, { userId: { N: '1' } }), {
      message: `${invalid}Type mismatch for key userId expected: S actual: N`,
    });
    assert.throws(() => validateItemKeys(events, { pk: { S: 'a' }, sk: { N: '1' }, status: { N: '2' } }), {
      message: `${invalid}Type mismatch for Index Key status Expected: S Actual: N IndexName: byStatus`,
    });
    // An item without the index key attribute simply is not in the (sparse) index.
    validateItemKeys(events, { pk: { S: 'a' }, sk: { N: '1' } });
  });

  test('extractKey keeps only the key attributes', () => {
    assert.deepEqual(extractKey(events, { pk: { S: 'a' }, sk: { N: '1' }, x: { S: 'y' } }), {
      pk: { S: 'a' },
      sk: { N: '1' },
    });
  });

  test('capacity units round per item', () => {
    assert.equal(readUnits(0, 'eventual'), 0.5);
    assert.equal(readUnits(4096, 'strong'), 1);
    assert.equal(readUnits(4097, 'strong'), 2);
    assert.equal(readUnits(4097, 'eventual'), 1);
    assert.equal(readUnits(4097, 'transactional'), 4);
    assert.equal(writeUnits(0), 1);
    assert.equal(writeUnits(1024), 1);
    assert.equal(writeUnits(1025), 2);
    assert.equal(writeUnits(1025, true), 4);
  });

  test('index writes: put, key change (delete + put), untouched, delete', () => {
    const gsi = events.GlobalSecondaryIndexes[0]!;
    const base: Item = { pk: { S: 'a' }, sk: { N: '1' } };
    const open: Item = { ...base, status: { S: 'open' } };
    const closed: Item = { ...base, status: { S: 'closed' } };
    assert.equal(indexWriteUnits(events, gsi, undefined, open), 1);
    assert.equal(indexWriteUnits(events, gsi, open, closed), 2);
    assert.equal(indexWriteUnits(events, gsi, open, open), 0);
    assert.equal(indexWriteUnits(events, gsi, open, undefined), 1);
    assert.equal(indexWriteUnits(events, gsi, base, base), 0);
  });

  test('ConsumedCapacity shapes for TOTAL and INDEXES', () => {
    const meter = new CapacityMeter('Events');
    meter.addWrite(events, undefined, {
      pk: { S: 'a' },
      sk: { N: '1' },
      status: { S: 's' },
      rank: { N: '1' },
    });
    assert.equal(meter.build('NONE'), undefined);
    assert.deepEqual(meter.build('TOTAL'), { TableName: 'Events', CapacityUnits: 3 });
    assert.deepEqual(meter.build('INDEXES'), {
      TableName: 'Events',
      CapacityUnits: 3,
      Table: { CapacityUnits: 1 },
      LocalSecondaryIndexes: { byRank: { CapacityUnits: 1 } },
      GlobalSecondaryIndexes: { byStatus: { CapacityUnits: 1 } },
    });
    const ledger = new CapacityLedger('write');
    ledger.meter('Users').addTable(writeUnits(text(2000).length, true));
    assert.deepEqual(ledger.build('TOTAL'), [
      { TableName: 'Users', CapacityUnits: 4, WriteCapacityUnits: 4 },
    ]);
  });
});
