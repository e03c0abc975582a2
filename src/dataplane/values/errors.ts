/**
 * The errors DynamoDB raises while reading attribute values, with AWS's exact wording (including its
 * typos and double spaces). Where a message could not be confirmed against AWS it says so.
 *
 * Serialization errors come from AWS's JSON binder, which runs before any validation: the value did
 * not have the JSON type the AttributeValue shape declares. Validation errors come afterwards.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/CommonErrors.html
 */
import { DynamoError, validationError } from '../model.js';

/** Prefix of AWS's semantic parameter errors. */
const invalidParameters = 'One or more parameter values were invalid: ';

export const serializationError = (message: string): DynamoError =>
  new DynamoError('SerializationException', message);

/**
 * The JSON binder's messages for a member of the wrong JSON type, as recorded against AWS per target
 * type by dynalite's test suite (assertType in https://github.com/architect/dynalite/blob/main/test/helpers.js).
 */
export const bindingMessages = {
  structureNotExpected: 'Start of structure or map found where not expected',
  listWhereStringExpected: 'Unrecognized collection type class java.lang.String',
  listWhereBlobExpected: 'Unrecognized collection type class java.nio.ByteBuffer',
  listWhereBooleanExpected: 'Unrecognized collection type class java.lang.Boolean',
  listWhereValueExpected:
    'Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue',
  listWhereMapExpected:
    'Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>',
  scalarWhereValueExpected: 'Unexpected value type in payload',
  scalarWhereCollectionExpected: 'Unexpected field type',
  nonStringWhereBlobExpected: 'only base-64-encoded strings are convertible to bytes',
  stringWhereBooleanExpected: 'Unexpected token received from parser',
  /** AWS's spelling. */
  badBase64: 'Invalid last non-pad Base64 character dectected',
} as const;

export const base64LengthMessage = (length: number): string =>
  `Base64 encoded length is expected a multiple of 4 bytes but found: ${length}`;

export const valueMessages = {
  empty: 'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes',
  moreThanOneType:
    'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes',
  // AWS's wording, double space included (dynalite's validation tests, same source as above).
  emptyStringSet: `${invalidParameters}An string set  may not be empty`,
  emptyNumberSet: `${invalidParameters}An number set  may not be empty`,
  emptyBinarySet: `${invalidParameters}Binary sets should not be empty`,
  nullNotTrue: `${invalidParameters}Null attribute value types must have the value of true`,
  /** Captured against AWS: https://github.com/nubo-db/dynoxide/issues/110 (31 wrapping maps pass, 32 fail). */
  nestingTooDeep:
    'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit',
  /** Not confirmed against AWS. */
  emptyAttributeName: `${invalidParameters}An attribute name cannot be empty`,
} as const;

/**
 * AWS renders string and binary set members with Java's List.toString, and binary sets carry a type
 * suffix with no space before it ("[Yg==, Yg==]of type BS"). Number sets, compared numerically
 * after parsing, get a bare message with neither prefix nor list nor full stop.
 * Captured against AWS: dynalite's validation tests (SS, BS, and NS in keys),
 * https://github.com/ExtendDB/extenddb/issues/100 (NS in an item).
 */
export function duplicatesMessage(members: readonly string[], setType: 'SS' | 'NS' | 'BS'): string {
  if (setType === 'NS') return 'Input collection contains duplicates';
  const rendered = `[${members.join(', ')}]`;
  const suffix = setType === 'BS' ? 'of type BS ' : ' ';
  return `${invalidParameters}Input collection ${rendered}${suffix}contains duplicates.`;
}

export const numberMessages = {
  overflow: 'Number overflow. Attempting to store a number with magnitude larger than supported range',
  underflow: 'Number underflow. Attempting to store a number with magnitude smaller than supported range',
  tooManyDigits: 'Attempting to store more than 38 significant digits in a Number',
} as const;

/** AWS leaves the value off when it is empty ("…numeric value", no colon). */
export function unparsableNumber(text: string): DynamoError {
  const base = 'The parameter cannot be converted to a numeric value';
  return validationError(text === '' ? base : `${base}: ${text}`);
}

export const numberError = (message: keyof typeof numberMessages): DynamoError =>
  validationError(numberMessages[message]);
