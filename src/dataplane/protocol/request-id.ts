/**
 * Request ids shaped like DynamoDB's: 52 characters of [0-9A-Z] (see the `x-amzn-RequestId` in
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html).
 * Random bytes come from a pooled buffer so an id costs no syscall on the hot path.
 */
import { randomFillSync } from 'node:crypto';

const idLength = 52;
const alphabet = Buffer.from('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'latin1');
const pool = Buffer.allocUnsafe(idLength * 128);
let poolOffset = pool.length;
const out = Buffer.allocUnsafe(idLength);

export function newRequestId(): string {
  if (poolOffset + idLength > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  for (let i = 0; i < idLength; i++) out[i] = alphabet[pool[poolOffset + i]! % alphabet.length]!;
  poolOffset += idLength;
  return out.toString('latin1');
}
