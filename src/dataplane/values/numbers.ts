/**
 * DynamoDB numbers: exact decimals with up to 38 significant digits and a magnitude between 1E-130
 * and 9.9999999999999999999999999999999999999E+125 (either sign), or zero.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html#HowItWorks.DataTypes.Number
 *
 * Numbers travel as decimal strings and are kept in DynamoDB's canonical text: plain notation (never
 * an exponent), no "+" sign, no leading or trailing zeros, and "0" for every zero ("-0", "0e1000").
 */
import { Decimal } from 'decimal.js';
import { numberError, unparsableNumber } from './errors.js';

export const maxSignificantDigits = 38;
/** Decimal exponents of the largest and smallest magnitudes in scientific notation (d.ddd × 10^e). */
export const maxAdjustedExponent = 125;
export const minAdjustedExponent = -130;

/**
 * A finite decimal as sign × digits × 10^exponent, where `digits` has no leading or trailing zeros
 * (empty for zero, which is never negative).
 */
export interface DecimalParts {
  negative: boolean;
  digits: string;
  exponent: number;
}

const zero: DecimalParts = { negative: false, digits: '', exponent: 0 };

/**
 * What Java's BigDecimal accepts, which is what DynamoDB accepts: optional sign, digits with an
 * optional point (".5" and "5." included), optional exponent. No spaces, NaN, Infinity or hex.
 * Captured against AWS: https://github.com/scylladb/scylladb/blob/master/test/alternator/test_number.py
 */
const decimalSyntax = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Reads decimal text without applying DynamoDB's limits; undefined when it is not a number. */
export function parseDecimal(text: string): DecimalParts | undefined {
  const match = decimalSyntax.exec(text);
  if (!match) return undefined;
  const [, sign = '', integerDigits = '', fractionDigits = '', exponentText = '0'] = match;
  if (integerDigits === '' && fractionDigits === '') return undefined;
  const allDigits = integerDigits + fractionDigits;
  const withoutLeading = allDigits.replace(/^0+/, '');
  if (withoutLeading === '') return zero;
  const digits = withoutLeading.replace(/0+$/, '');
  const trailingZeroCount = withoutLeading.length - digits.length;
  const exponent = Number(exponentText) - fractionDigits.length + trailingZeroCount;
  return { negative: sign === '-', digits, exponent };
}

/** The exponent of the leading digit in scientific notation: 123.4 → 2, 0.01 → -2. */
export const adjustedExponent = (parts: DecimalParts): number => parts.digits.length - 1 + parts.exponent;

/** The limit a value breaks, if any, in the order AWS checks them (digits first, then range). */
function limitBroken(parts: DecimalParts): 'tooManyDigits' | 'overflow' | 'underflow' | undefined {
  if (parts.digits === '') return undefined;
  if (parts.digits.length > maxSignificantDigits) return 'tooManyDigits';
  const magnitude = adjustedExponent(parts);
  if (magnitude > maxAdjustedExponent) return 'overflow';
  if (magnitude < minAdjustedExponent) return 'underflow';
  return undefined;
}

/** Parses a number from a request, throwing AWS's ValidationException when it is invalid. */
export function parseNumber(text: string): DecimalParts {
  const parts = parseDecimal(text);
  if (!parts) throw unparsableNumber(text);
  const broken = limitBroken(parts);
  if (broken) throw numberError(broken);
  return parts;
}

/** Plain decimal text of the parts: "1000", "-0.0001", "12.5". */
export function formatDecimal(parts: DecimalParts): string {
  if (parts.digits === '') return '0';
  const sign = parts.negative ? '-' : '';
  const { digits, exponent } = parts;
  if (exponent >= 0) return sign + digits + '0'.repeat(exponent);
  const integerLength = digits.length + exponent;
  if (integerLength > 0) return `${sign}${digits.slice(0, integerLength)}.${digits.slice(integerLength)}`;
  return `${sign}0.${'0'.repeat(-integerLength)}${digits}`;
}

/** Canonical decimal text of a DynamoDB number (38 significant digits, magnitude 1e-130..1e126). */
export function normalizeNumber(text: string): string {
  return formatDecimal(parseNumber(text));
}

/**
 * Exact arithmetic. Valid operands span at most 10^-168 .. 10^126 (38 digits below 1E-130), so
 * 400 significant digits hold every exact sum; exponent limits are lifted so nothing rounds to
 * zero or infinity, and plain notation is forced for the text round trip.
 */
const ExactDecimal = Decimal.clone({
  precision: 400,
  rounding: Decimal.ROUND_HALF_EVEN,
  toExpNeg: -9e15,
  toExpPos: 9e15,
  minE: -9e15,
  maxE: 9e15,
});

/**
 * AWS reports a result that needs more than 38 digits as an overflow, not as a digits error
 * (e.g. 1e50 + 1), observed in https://github.com/scylladb/scylladb/blob/master/test/alternator/test_number.py
 * ("test_update_expression_plus_imprecise").
 */
function checkResult(text: string): string {
  const parts = parseDecimal(text);
  if (!parts) throw new Error(`values: arithmetic produced non-decimal text ${text}`);
  const broken = limitBroken(parts);
  if (broken === 'tooManyDigits') throw numberError('overflow');
  if (broken) throw numberError(broken);
  return formatDecimal(parts);
}

function arithmetic(a: string, b: string, operation: 'plus' | 'minus'): string {
  const left = new ExactDecimal(normalizeNumber(a));
  const right = new ExactDecimal(normalizeNumber(b));
  return checkResult(left[operation](right).toString());
}

/** a + b, exact; the result must itself be a valid DynamoDB number. */
export function addNumbers(a: string, b: string): string {
  return arithmetic(a, b, 'plus');
}

/** a - b, exact; the result must itself be a valid DynamoDB number. */
export function subtractNumbers(a: string, b: string): string {
  return arithmetic(a, b, 'minus');
}

function compareMagnitudes(a: DecimalParts, b: DecimalParts): number {
  const exponentOrder = adjustedExponent(a) - adjustedExponent(b);
  if (exponentOrder !== 0) return Math.sign(exponentOrder);
  // Same leading position: digit strings align from the left, and a shorter string is a prefix
  // padded with zeros, so plain string order is numeric order.
  return a.digits < b.digits ? -1 : a.digits > b.digits ? 1 : 0;
}

const signOf = (parts: DecimalParts): number => (parts.digits === '' ? 0 : parts.negative ? -1 : 1);

/** Numeric order of two parsed numbers: -1, 0 or 1. */
export function compareDecimals(a: DecimalParts, b: DecimalParts): number {
  const signOrder = signOf(a) - signOf(b);
  if (signOrder !== 0) return Math.sign(signOrder);
  if (signOf(a) === 0) return 0;
  // Among negatives the larger magnitude is the smaller number.
  return a.negative ? compareMagnitudes(b, a) : compareMagnitudes(a, b);
}

/** Numeric order of two number texts; throws the parse error of an invalid one. */
export function compareNumbers(a: string, b: string): number {
  return compareDecimals(parseNumber(a), parseNumber(b));
}
