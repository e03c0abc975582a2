/**
 * Reading AttributeValues from requests: stage 1 (./binding.ts) checks JSON types, stage 2 (here)
 * applies DynamoDB's rules and returns a normalised copy with numbers in canonical text.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
 *
 * Empty strings and binaries are allowed: only key attributes must be non-empty, which the item
 * operations check against the table's schema.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-attributes
 */
import { type AttributeType, type AttributeValue, type Item, validationError } from '../model.js';
import { bindValue, bindValueMap, isJsonRecord, maxNestingDepth } from './binding.js';
import { duplicatesMessage, valueMessages } from './errors.js';
import { normalizeNumber } from './numbers.js';

export const attributeTypes: readonly AttributeType[] = [
  'S',
  'N',
  'B',
  'SS',
  'NS',
  'BS',
  'M',
  'L',
  'BOOL',
  'NULL',
];

const attributeTypeSet: ReadonlySet<string> = new Set(attributeTypes);

/**
 * The single type a bound value carries; AWS ignores members it does not know. A plain loop:
 * this runs for every attribute of every request, so it allocates nothing.
 */
function typeOf(value: unknown): AttributeType {
  let found: AttributeType | undefined;
  if (isJsonRecord(value)) {
    for (const key in value) {
      if (!Object.hasOwn(value, key) || !attributeTypeSet.has(key) || value[key] === null) continue;
      if (found !== undefined) throw validationError(valueMessages.moreThanOneType);
      found = key as AttributeType;
    }
  }
  if (found === undefined) throw validationError(valueMessages.empty);
  return found;
}

/** Set members must be distinct after normalisation; AWS quotes the members as they were sent. */
function checkDistinct(sent: string[], normalised: string[], setType: 'SS' | 'NS' | 'BS'): void {
  if (new Set(normalised).size !== normalised.length) throw validationError(duplicatesMessage(sent, setType));
}

const emptySetMessages = {
  SS: valueMessages.emptyStringSet,
  NS: valueMessages.emptyNumberSet,
  BS: valueMessages.emptyBinarySet,
} as const;

function normaliseSet(members: string[], setType: 'SS' | 'NS' | 'BS'): string[] {
  if (members.length === 0) throw validationError(emptySetMessages[setType]);
  // Canonical base64 (enforced by stage 1) is one text per byte string, so BS compares as text.
  const normalised = setType === 'NS' ? members.map(normalizeNumber) : [...members];
  checkDistinct(members, normalised, setType);
  return normalised;
}

function normaliseMap(members: Record<string, unknown>, depth: number): Record<string, AttributeValue> {
  const normalised: Record<string, AttributeValue> = {};
  for (const name in members) {
    if (!Object.hasOwn(members, name)) continue;
    const value = normaliseValue(members[name], depth);
    // A "__proto__" attribute must stay an own attribute, not become the copy's prototype.
    if (name === '__proto__') {
      Object.defineProperty(normalised, name, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else normalised[name] = value;
  }
  return normalised;
}

function normaliseValue(value: unknown, depth: number): AttributeValue {
  if (depth > maxNestingDepth) throw validationError(valueMessages.nestingTooDeep);
  const type = typeOf(value);
  const member = (value as Record<string, unknown>)[type];
  switch (type) {
    case 'S':
      return { S: member as string };
    case 'N':
      return { N: normalizeNumber(member as string) };
    case 'B':
      return { B: member as string };
    case 'BOOL':
      return { BOOL: member as boolean };
    case 'NULL':
      if (member !== true) throw validationError(valueMessages.nullNotTrue);
      return { NULL: true };
    case 'SS':
      return { SS: normaliseSet(member as string[], 'SS') };
    case 'NS':
      return { NS: normaliseSet(member as string[], 'NS') };
    case 'BS':
      return { BS: normaliseSet(member as string[], 'BS') };
    case 'L':
      return { L: (member as unknown[]).map((element) => normaliseValue(element, depth + 1)) };
    case 'M':
      return { M: normaliseMap(member as Record<string, unknown>, depth + 1) };
  }
}

/**
 * Checks one AttributeValue from a request and returns it normalised. Throws SerializationException
 * for JSON of the wrong type, ValidationException for DynamoDB's rules (see ./errors.ts).
 */
export function validateValue(value: unknown): AttributeValue {
  bindValue(value);
  return normaliseValue(value, 1);
}

function checkAttributeName(name: string): void {
  if (name === '') throw validationError(valueMessages.emptyAttributeName);
}

/**
 * validateValue over every attribute of an item; attribute names must be non-empty. JSON null (an
 * absent member in the AWS JSON protocol) reads as an empty item; whether an item is required is the
 * operation's call.
 */
export function validateItem(item: unknown): Item {
  if (item === null || item === undefined) return {};
  bindValueMap(item, 1);
  const attributes = item as Record<string, unknown>;
  for (const name in attributes) if (Object.hasOwn(attributes, name)) checkAttributeName(name);
  return normaliseMap(attributes, 1);
}
