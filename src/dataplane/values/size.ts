/**
 * Item sizes as DynamoDB counts them for the 400 KB limit and for capacity units.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
 *
 * - Attribute name: its UTF-8 bytes (map keys count the same way).
 * - S: UTF-8 bytes. B: raw (decoded) bytes. BOOL and NULL: 1 byte.
 * - SS, NS, BS: the sum of their members' sizes.
 * - M and L: 3 bytes, plus for each element its size and 1 byte (and, in a map, its key's bytes).
 * - N: see numberSizeBytes.
 */
import type { AttributeValue, Item } from '../model.js';
import { decodedLengthBytes } from './binary.js';
import { parseDecimal } from './numbers.js';
import { utf8LengthBytes } from './strings.js';

const containerOverheadBytes = 3;
const elementOverheadBytes = 1;

/**
 * The guide gives "approximately 1 byte per two significant digits, plus 1 byte". Measurements against
 * AWS (https://github.com/nubo-db/dynoxide/pull/195, eu-west-2) refine it: integer and fraction digits
 * pair up separately, and a negative number takes one byte more. We read that as a base-100 mantissa
 * whose digit pairs align on the decimal point (12.5 is "12" "50": 3 bytes; 27 is 2; -27 is 3), plus
 * one exponent byte. The reading is ours where the two could differ (110: "1" "10", 3 bytes, where
 * counting trimmed digits would give 2); no AWS measurement of such a case was found.
 * The extremes: 38 digits straddling the point take 20 pairs, 21 bytes (22 when negative).
 */
export function numberSizeBytes(text: string): number {
  const parts = parseDecimal(text);
  if (!parts) throw new Error(`values: cannot size the number ${text}`);
  if (parts.digits === '') return 1;
  const lowestPair = Math.floor(parts.exponent / 2);
  const highestPair = Math.floor((parts.exponent + parts.digits.length - 1) / 2);
  const pairs = highestPair - lowestPair + 1;
  return 1 + pairs + (parts.negative ? 1 : 0);
}

const sum = (sizes: number[]): number => sizes.reduce((total, size) => total + size, 0);

function listSizeBytes(elements: AttributeValue[]): number {
  return (
    containerOverheadBytes + sum(elements.map((element) => valueSizeBytes(element) + elementOverheadBytes))
  );
}

function mapSizeBytes(members: Item): number {
  return containerOverheadBytes + attributesSizeBytes(members, elementOverheadBytes);
}

/** Names plus values of every attribute, and `overheadBytes` each; a loop, as it runs per item. */
function attributesSizeBytes(attributes: Item, overheadBytes: number): number {
  let total = 0;
  for (const name in attributes) {
    if (!Object.hasOwn(attributes, name)) continue;
    total += utf8LengthBytes(name) + valueSizeBytes(attributes[name] as AttributeValue) + overheadBytes;
  }
  return total;
}

/** Size of a value alone, without the name of the attribute holding it. */
export function valueSizeBytes(value: AttributeValue): number {
  if ('S' in value) return utf8LengthBytes(value.S);
  if ('N' in value) return numberSizeBytes(value.N);
  if ('B' in value) return decodedLengthBytes(value.B);
  if ('SS' in value) return sum(value.SS.map(utf8LengthBytes));
  if ('NS' in value) return sum(value.NS.map(numberSizeBytes));
  if ('BS' in value) return sum(value.BS.map(decodedLengthBytes));
  if ('L' in value) return listSizeBytes(value.L);
  if ('M' in value) return mapSizeBytes(value.M);
  return 1;
}

/** AWS's item size in bytes: every attribute's name plus its value. */
export function itemSizeBytes(item: Item): number {
  return attributesSizeBytes(item, 0);
}
