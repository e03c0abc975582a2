import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Decimal } from 'decimal.js';
import {
  componentEnd,
  encodeBinary,
  encodeKeyValue,
  encodeNumber,
  encodeString,
  maxStoredKeyBytes,
  prefixSuccessor,
  storedKey,
} from '../../../../src/dataplane/storage/key-codec.js';
import { randomInt, seededRandom } from './helpers.js';

const sign = (value: number): number => (value > 0 ? 1 : value < 0 ? -1 : 0);

/** A random DynamoDB number in one of several textual spellings (some non-canonical). */
function randomNumberText(random: () => number): string {
  if (random() < 0.05) return ['0', '-0', '0.000', '00', '0e5', '+0'][randomInt(random, 6)] ?? '0';
  const digitCount = 1 + randomInt(random, random() < 0.5 ? 5 : 38);
  let digits = String(1 + randomInt(random, 9));
  for (let index = 1; index < digitCount; index++) digits += String(randomInt(random, 10));
  // Value = 0.digits × 10^exponent; DynamoDB magnitudes span 1e-130 .. 9.99e125.
  const exponent = random() < 0.5 ? randomInt(random, 21) - 10 : randomInt(random, 255) - 129;
  const minus = random() < 0.5 ? '-' : '';
  const style = randomInt(random, 3);
  if (style === 0) return `${minus}${digits[0]}.${digits.slice(1)}0e${exponent - 1}`;
  if (style === 1) return `${minus}${digits}E${exponent - digits.length}`;
  if (exponent > 60) return `${minus}0${digits}e+${exponent - digits.length}`;
  if (exponent < -60) return `${minus}0${digits}e${exponent - digits.length}`;
  const plain =
    exponent <= 0
      ? `0.${'0'.repeat(-exponent)}${digits}`
      : exponent >= digits.length
        ? `${digits}${'0'.repeat(exponent - digits.length)}`
        : `${digits.slice(0, exponent)}.${digits.slice(exponent)}`;
  return `${minus}00${plain}${plain.includes('.') ? '00' : ''}`;
}

function randomString(random: () => number): string {
  const length = randomInt(random, 8);
  const pools = [
    () => String.fromCharCode(randomInt(random, 4)), // NUL and low controls
    () => String.fromCharCode(97 + randomInt(random, 3)),
    () => String.fromCharCode(0x7f + randomInt(random, 0x800)),
    () => String.fromCodePoint(0x10000 + randomInt(random, 0x1000)),
    () => String.fromCharCode(0xe000 + randomInt(random, 0x1000)),
  ];
  let text = '';
  for (let index = 0; index < length; index++) text += pools[randomInt(random, pools.length)]?.() ?? '';
  return text;
}

function randomBytes(random: () => number): Buffer {
  const bytes = Buffer.alloc(randomInt(random, 7));
  for (let index = 0; index < bytes.length; index++) {
    bytes[index] = random() < 0.3 ? ([0, 1, 0xff][randomInt(random, 3)] ?? 0) : randomInt(random, 256);
  }
  return bytes;
}

function assertOrderMatches<T>(
  values: T[],
  encode: (value: T) => Buffer,
  reference: (a: T, b: T) => number,
): void {
  const encoded = values.map(encode);
  for (let index = 0; index + 1 < values.length; index += 1) {
    for (const other of [index + 1, (index * 7919) % values.length]) {
      const a = values[index] as T;
      const b = values[other] as T;
      const expected = sign(reference(a, b));
      const actual = sign(Buffer.compare(encoded[index] as Buffer, encoded[other] as Buffer));
      assert.equal(actual, expected, `order of ${String(a)} vs ${String(b)}`);
    }
  }
}

test('numbers encode in numeric order, whatever their spelling', () => {
  const random = seededRandom(20240601);
  const texts = Array.from({ length: 4000 }, () => randomNumberText(random));
  texts.push(
    '1E-130',
    '-1E-130',
    '9.9999999999999999999999999999999999999E+125',
    '-9.9999999999999999999999999999999999999E+125',
  );
  assertOrderMatches(texts, encodeNumber, (a, b) => new Decimal(a).cmp(new Decimal(b)));
  // Sorting by encoding sorts numerically.
  const sorted = [...texts].sort((a, b) => Buffer.compare(encodeNumber(a), encodeNumber(b)));
  for (let index = 0; index + 1 < sorted.length; index++) {
    assert.ok(new Decimal(sorted[index] as string).lte(new Decimal(sorted[index + 1] as string)));
  }
});

test('equal numbers spelled differently encode identically', () => {
  const groups = [
    ['1.5', '01.50', '1.5e0', '15e-1', '0.15E+1', '+1.500'],
    ['0', '-0', '0.0', '00', '0e10', '-0.000e-3'],
    ['1000', '1e3', '1E+3', '1000.000', '0.001e6'],
    ['-0.05', '-5e-2', '-00.0500'],
  ];
  for (const group of groups) {
    const first = encodeNumber(group[0] as string);
    for (const text of group) assert.deepEqual(encodeNumber(text), first, text);
  }
  assert.throws(() => encodeNumber('abc'), /INVALID_NUMBER/);
  assert.throws(() => encodeNumber(''), /INVALID_NUMBER/);
});

test('strings encode in UTF-8 byte order', () => {
  const random = seededRandom(7);
  const strings = Array.from({ length: 3000 }, () => randomString(random));
  assertOrderMatches(strings, encodeString, (a, b) =>
    Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')),
  );
  // UTF-8 order differs from UTF-16 order for astral vs. high BMP characters.
  assert.ok(Buffer.compare(encodeString('\uffff'), encodeString('\u{10000}')) < 0);
});

test('binaries encode in unsigned byte order of the decoded bytes', () => {
  const random = seededRandom(99);
  const values = Array.from({ length: 3000 }, () => randomBytes(random));
  assertOrderMatches(values, (bytes) => encodeBinary(bytes.toString('base64')), Buffer.compare);
});

test('components are self-delimiting: composite keys order by partition, then sort', () => {
  const random = seededRandom(3);
  type Pair = [string, string];
  const pairs: Pair[] = Array.from({ length: 2000 }, () => [randomString(random), randomNumberText(random)]);
  const encode = ([partition, sort]: Pair) => Buffer.concat([encodeString(partition), encodeNumber(sort)]);
  assertOrderMatches(pairs, encode, ([pa, sa], [pb, sb]) => {
    const byPartition = Buffer.compare(Buffer.from(pa, 'utf8'), Buffer.from(pb, 'utf8'));
    return byPartition !== 0 ? byPartition : new Decimal(sa).cmp(new Decimal(sb));
  });
  for (const [partition, sort] of pairs.slice(0, 300)) {
    const key = encode([partition, sort]);
    const partitionEnd = componentEnd(key, 0, 'S');
    assert.deepEqual(key.subarray(0, partitionEnd), encodeString(partition));
    assert.equal(componentEnd(key, partitionEnd, 'N'), key.length);
  }
  const binaryKey = encodeKeyValue({ B: Buffer.from([0, 0, 1, 0]).toString('base64') });
  assert.equal(componentEnd(binaryKey, 0, 'B'), binaryKey.length);
});

test('prefix successor bounds every extension of the prefix', () => {
  assert.deepEqual(prefixSuccessor(Buffer.from([1, 2, 0xff])), Buffer.from([1, 3]));
  assert.equal(prefixSuccessor(Buffer.from([0xff, 0xff])), undefined);
  const prefix = encodeString('abc');
  const successor = prefixSuccessor(prefix) as Buffer;
  assert.ok(Buffer.compare(Buffer.concat([prefix, Buffer.alloc(50, 0xff)]), successor) < 0);
});

test('keys longer than LMDB allows are cut and hashed, staying unique', () => {
  const short = Buffer.alloc(100, 7);
  assert.equal(storedKey(short), short);
  const longA = Buffer.concat([Buffer.alloc(3000, 1), Buffer.from([1])]);
  const longB = Buffer.concat([Buffer.alloc(3000, 1), Buffer.from([2])]);
  assert.equal(storedKey(longA).length, maxStoredKeyBytes);
  assert.notDeepEqual(storedKey(longA), storedKey(longB));
  assert.deepEqual(storedKey(longA), storedKey(Buffer.from(longA)));
});
