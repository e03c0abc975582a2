/**
 * DynamoDB values: wire validation, exact numbers, ordering, equality and item size.
 * CONTRACT: the names and signatures of the original surface are fixed (other layers code against
 * them); the modules behind it carry the rules and their citations.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
 */
export { compareBinary, decodeBase64, decodedLengthBytes } from './binary.js';
export { maxNestingDepth } from './binding.js';
export { compareScalars, typeOfValue, valuesEqual } from './compare.js';
export { numberMessages, valueMessages } from './errors.js';
export {
  addNumbers,
  compareNumbers,
  maxSignificantDigits,
  normalizeNumber,
  parseNumber,
  subtractNumbers,
} from './numbers.js';
export { itemSizeBytes, numberSizeBytes, valueSizeBytes } from './size.js';
export { compareUtf8, utf8LengthBytes } from './strings.js';
export { attributeTypes, validateItem, validateValue } from './validate.js';
