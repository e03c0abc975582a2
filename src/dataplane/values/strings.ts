/**
 * Strings are UTF-8: DynamoDB sizes them in UTF-8 bytes and orders them by those bytes, unsigned.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html#HowItWorks.DataTypes.String
 */

export const utf8LengthBytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * UTF-8 byte order equals code point order, but JS compares UTF-16 code units, which puts
 * U+E000..U+FFFF after the surrogates that encode U+10000 and above. Shifting the units fixes that
 * at the first difference without encoding either string.
 */
function codePointRank(codeUnit: number): number {
  if (codeUnit >= 0xe000) return codeUnit - 0x800;
  if (codeUnit >= 0xd800) return codeUnit + 0x2000;
  return codeUnit;
}

/** Unsigned UTF-8 byte order: -1, 0 or 1. */
export function compareUtf8(a: string, b: string): number {
  const sharedLength = Math.min(a.length, b.length);
  for (let index = 0; index < sharedLength; index++) {
    const left = a.charCodeAt(index);
    const right = b.charCodeAt(index);
    if (left !== right) return Math.sign(codePointRank(left) - codePointRank(right));
  }
  return Math.sign(a.length - b.length);
}
