/**
 * The ExpressionAttributeNames / ExpressionAttributeValues of one request, with usage tracking so
 * the operation can reject unused placeholders after parsing all of its expressions.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ExpressionAttributeNames.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ExpressionAttributeValues.html
 */
import { type AttributeValue, validationError } from '../model.js';

const ownEntry = <T>(map: Record<string, T> | undefined, key: string): T | undefined =>
  map !== undefined && map !== null && typeof map === 'object' && Object.hasOwn(map, key)
    ? map[key]
    : undefined;

/**
 * Parsing records which placeholders each expression used; `assertAllUsed` then raises AWS's errors
 * for unused ones ("Value provided in ExpressionAttributeValues unused in expressions: keys: {:a, :b}").
 */
export class ExpressionScope {
  private readonly usedNames = new Set<string>();
  private readonly usedValues = new Set<string>();

  constructor(
    readonly names: Record<string, string> | undefined,
    readonly values: Record<string, AttributeValue> | undefined,
  ) {}

  /** The attribute name behind `#placeholder` (marking it used), or undefined when not defined. */
  lookupName(placeholder: string): string | undefined {
    const name = ownEntry(this.names, placeholder);
    if (typeof name !== 'string') return undefined;
    this.usedNames.add(placeholder);
    return name;
  }

  /** The value behind `:placeholder` (marking it used), or undefined when not defined. */
  lookupValue(placeholder: string): AttributeValue | undefined {
    const value = ownEntry(this.values, placeholder);
    if (value === undefined || value === null || typeof value !== 'object') return undefined;
    this.usedValues.add(placeholder);
    return value;
  }

  assertAllUsed(): void {
    const unusedValues = unusedKeys(this.values, this.usedValues);
    if (unusedValues.length > 0) {
      throw validationError(
        `Value provided in ExpressionAttributeValues unused in expressions: keys: {${unusedValues.join(', ')}}`,
      );
    }
    const unusedNames = unusedKeys(this.names, this.usedNames);
    if (unusedNames.length > 0) {
      throw validationError(
        `Value provided in ExpressionAttributeNames unused in expressions: keys: {${unusedNames.join(', ')}}`,
      );
    }
  }
}

function unusedKeys(map: Record<string, unknown> | undefined, used: ReadonlySet<string>): string[] {
  if (map === undefined || map === null || typeof map !== 'object') return [];
  return Object.keys(map).filter((key) => !used.has(key));
}
