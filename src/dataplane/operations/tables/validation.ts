/**
 * Input reading and AWS's two validation stages for the table-level operations.
 *
 * Stage 1 is the service framework's constraint check: every member is checked against its
 * declared constraints (required, length, range, pattern, enum) and all violations come back
 * together as "N validation error(s) detected: Value ... at 'path' failed to satisfy constraint:
 * ...; ...". Stage 2 is the operation's own semantic checks, which stop at the first failure.
 * Paths use the framework's form: lower camel case, lists as `keySchema.1.member.keyType`.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/CommonErrors.html
 */
import { DynamoError, validationError } from '../../model.js';
import type { OperationInput } from '../types.js';

/** Prefix of AWS's semantic parameter errors. */
export const invalidParameters = 'One or more parameter values were invalid: ';

/** Table and index names: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html#limits-naming-rules */
export const namePattern = /^[a-zA-Z0-9_.-]+$/;
export const namePatternText = '[a-zA-Z0-9_.-]+';

type JsonKind = 'string' | 'number' | 'boolean' | 'list' | 'structure';

function jsonKindOf(value: unknown): string {
  if (typeof value === 'string') return 'STRING_VALUE';
  if (typeof value === 'number') return 'NUMBER_VALUE';
  if (typeof value === 'boolean') return 'BOOLEAN_VALUE';
  if (Array.isArray(value)) return 'START_ARRAY';
  return 'START_OBJECT';
}

const kindNames: Record<JsonKind, string> = {
  string: 'String',
  number: 'Long',
  boolean: 'Boolean',
  list: 'List',
  structure: 'Structure',
};

function matchesKind(value: unknown, kind: JsonKind): boolean {
  switch (kind) {
    case 'list':
      return Array.isArray(value);
    case 'structure':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    default:
      return typeof value === kind;
  }
}

/**
 * Reads a member of a parsed JSON body, treating JSON null as absent (as the AWS JSON protocol
 * does). A value of the wrong JSON type is a SerializationException, as in AWS, where the body
 * cannot be bound to the request shape before any validation runs.
 */
/**
 * An Integer member (Limit, Segment, TotalSegments): a JSON number, with a fraction truncated
 * toward zero as the service's JSON binding coerces floats to integers, so the request is judged
 * by its ranges rather than failing inside the operation.
 */
export function integerMember(input: unknown, name: string): number | undefined {
  const value = member(input, name, 'number');
  return value === undefined ? undefined : Math.trunc(value);
}

export function member<K extends JsonKind>(
  input: unknown,
  name: string,
  kind: K,
):
  | (K extends 'string'
      ? string
      : K extends 'number'
        ? number
        : K extends 'boolean'
          ? boolean
          : K extends 'list'
            ? unknown[]
            : Record<string, unknown>)
  | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const value = (input as Record<string, unknown>)[name];
  if (value === undefined || value === null) return undefined;
  if (!matchesKind(value, kind)) {
    throw new DynamoError(
      'SerializationException',
      `${jsonKindOf(value)} cannot be converted to ${kindNames[kind]}`,
    );
  }
  // biome-ignore lint/suspicious/noExplicitAny: the conditional return type is checked by matchesKind above
  return value as any;
}

/** Reads a list member whose elements must all be structures. */
export function structures(input: unknown, name: string): Record<string, unknown>[] | undefined {
  const list = member(input, name, 'list');
  if (!list) return undefined;
  for (const element of list) {
    if (!matchesKind(element, 'structure')) {
      throw new DynamoError(
        'SerializationException',
        `${jsonKindOf(element)} cannot be converted to Structure`,
      );
    }
  }
  return list as Record<string, unknown>[];
}

/** Reads a list member whose elements must all be strings. */
export function strings(input: unknown, name: string): string[] | undefined {
  const list = member(input, name, 'list');
  if (!list) return undefined;
  for (const element of list) {
    if (typeof element !== 'string') {
      throw new DynamoError('SerializationException', `${jsonKindOf(element)} cannot be converted to String`);
    }
  }
  return list as string[];
}

/** Renders a value the way AWS quotes it in constraint messages (Java toString of the model). */
export function renderValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  return `'${javaString(value)}'`;
}

function javaString(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(javaString).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const fields = Object.entries(value).map(([key, field]) => `${lowerFirst(key)}=${javaString(field)}`);
    return `{${fields.join(', ')}}`;
  }
  return String(value);
}

export const lowerFirst = (text: string): string => text.charAt(0).toLowerCase() + text.slice(1);

/** Collects stage-1 constraint violations in the order they are checked. */
export class Constraints {
  private readonly violations: string[] = [];

  private fail(path: string, value: unknown, constraint: string): void {
    this.violations.push(
      `Value ${renderValue(value)} at '${path}' failed to satisfy constraint: ${constraint}`,
    );
  }

  /** True when the value is present; records "must not be null" otherwise. */
  required(path: string, value: unknown): boolean {
    if (value !== undefined) return true;
    this.fail(path, value, 'Member must not be null');
    return false;
  }

  length(path: string, value: string | unknown[] | undefined, minLength: number, maxLength?: number): void {
    if (value === undefined) return;
    const size = typeof value === 'string' ? [...value].length : value.length;
    if (size < minLength)
      this.fail(path, value, `Member must have length greater than or equal to ${minLength}`);
    if (maxLength !== undefined && size > maxLength) {
      this.fail(path, value, `Member must have length less than or equal to ${maxLength}`);
    }
  }

  pattern(path: string, value: string | undefined, pattern: RegExp, patternText: string): void {
    if (value === undefined || pattern.test(value)) return;
    this.fail(path, value, `Member must satisfy regular expression pattern: ${patternText}`);
  }

  /** A table or index name: pattern first, then length, as AWS lists them. */
  name(path: string, value: string | undefined, maxLength = 255): void {
    this.pattern(path, value, namePattern, namePatternText);
    this.length(path, value, 3, maxLength);
  }

  oneOf(path: string, value: string | undefined, allowed: readonly string[]): void {
    if (value === undefined || allowed.includes(value)) return;
    this.fail(path, value, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
  }

  range(path: string, value: number | undefined, minimum?: number, maximum?: number): void {
    if (value === undefined) return;
    if (minimum !== undefined && value < minimum) {
      this.fail(path, value, `Member must have value greater than or equal to ${minimum}`);
    }
    if (maximum !== undefined && value > maximum) {
      this.fail(path, value, `Member must have value less than or equal to ${maximum}`);
    }
  }

  /** Throws the collected violations as one ValidationException, as AWS does. */
  throwIfAny(): void {
    const count = this.violations.length;
    if (count === 0) return;
    const noun = count === 1 ? 'error' : 'errors';
    throw validationError(`${count} validation ${noun} detected: ${this.violations.join('; ')}`);
  }
}

/** Runs a semantic check list in order; the first message returned is thrown. */
export function firstFailure(checks: Array<() => string | undefined>): void {
  for (const check of checks) {
    const message = check();
    if (message !== undefined) throw validationError(message);
  }
}

export const asInput = (value: unknown): OperationInput =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as OperationInput) : {};

/** Java's List.toString form, which AWS's messages carry: "[a, b]". */
export const javaList = (names: readonly string[]): string => `[${names.join(', ')}]`;
