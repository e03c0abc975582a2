import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { crc32, crc32Table } from '../../../../src/dataplane/protocol/crc32.js';

describe('crc32', () => {
  test('matches the standard check values', () => {
    for (const impl of [crc32, crc32Table]) {
      assert.equal(impl(''), 0);
      assert.equal(impl('123456789'), 0xcbf43926);
      assert.equal(impl('The quick brown fox jumps over the lazy dog'), 0x414fa339);
      assert.equal(impl(Buffer.from([0])), 0xd202ef8d);
    }
  });

  test('matches the x-amz-crc32 values DynamoDB sends for its fixed bodies', () => {
    // Health answer and the 404 body, as recorded from AWS by the dynalite emulator.
    assert.equal(crc32('healthy: dynamodb.us-east-1.amazonaws.com '), 3128867991);
    assert.equal(crc32('<UnknownOperationException/>\n'), 3552371480);
  });

  test('the table fallback agrees with the native implementation on random data', () => {
    for (let i = 0; i < 50; i++) {
      const data = randomBytes(i * 37);
      assert.equal(crc32Table(data), crc32(data));
    }
  });

  test('is unsigned and hashes strings as UTF-8', () => {
    assert.ok(crc32('\u00e9\u4e2d') >= 0);
    assert.equal(crc32('\u00e9\u4e2d'), crc32(Buffer.from('\u00e9\u4e2d', 'utf8')));
  });
});
