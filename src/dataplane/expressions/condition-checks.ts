/**
 * Semantic checks that turn a parsed condition into the evaluable AST: function names and arity,
 * operands that must be document paths, constant operand types, distinct operands and BETWEEN
 * bounds. Messages follow DynamoDB's validation catalogue, e.g.
 * "Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1".
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html
 */
import { compareScalars } from '../values/index.js';
import type { ConditionNode, DocumentPath, Operand } from './ast.js';
import type { RawCondition } from './condition-parser.js';
import { formatPath } from './errors.js';
import { pathsEqual } from './paths.js';
import type { RawOperand, TokenStream } from './syntax.js';
import { ATTRIBUTE_TYPES, describeValue, isScalarKeyType, typeOf } from './types.js';

type RawCall = Extract<RawOperand, { kind: 'call' }>;

const CONDITION_FUNCTIONS = new Set([
  'attribute_exists',
  'attribute_not_exists',
  'attribute_type',
  'begins_with',
  'contains',
  'size',
]);
const UPDATE_FUNCTIONS = new Set(['if_not_exists', 'list_append']);

export class ConditionChecker {
  constructor(private readonly stream: TokenStream) {}

  build(raw: RawCondition): ConditionNode {
    switch (raw.kind) {
      case 'and':
      case 'or':
        return { kind: raw.kind, left: this.build(raw.left), right: this.build(raw.right) };
      case 'not':
        return { kind: 'not', operand: this.build(raw.operand) };
      case 'compare':
        return this.buildCompare(raw);
      case 'between':
        return this.buildBetween(raw);
      case 'in':
        return this.buildIn(raw);
      case 'function':
        return this.buildFunction(raw.call);
    }
  }

  private buildCompare(raw: Extract<RawCondition, { kind: 'compare' }>): ConditionNode {
    const left = this.operand(raw.left);
    const right = this.operand(raw.right);
    if (raw.op !== '=' && raw.op !== '<>') {
      this.requireScalarConstant(raw.op, left);
      this.requireScalarConstant(raw.op, right);
    }
    this.requireDistinct(raw.op, left, [right]);
    return { kind: 'compare', op: raw.op, left, right };
  }

  private buildBetween(raw: Extract<RawCondition, { kind: 'between' }>): ConditionNode {
    const operand = this.operand(raw.operand);
    const low = this.operand(raw.low);
    const high = this.operand(raw.high);
    for (const each of [operand, low, high]) this.requireScalarConstant('BETWEEN', each);
    this.requireDistinct('BETWEEN', operand, [low, high]);
    if (low.kind === 'value' && high.kind === 'value') this.checkBounds(low, high);
    return { kind: 'between', operand, low, high };
  }

  private checkBounds(
    low: Extract<Operand, { kind: 'value' }>,
    high: Extract<Operand, { kind: 'value' }>,
  ): void {
    const bounds = `${describeValue(low.value)}, upper bound operand: ${describeValue(high.value)}`;
    if (typeOf(low.value) !== typeOf(high.value)) {
      throw this.stream.error(
        `The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: ${bounds}`,
      );
    }
    if (compareScalars(low.value, high.value) > 0) {
      throw this.stream.error(
        'The BETWEEN operator requires upper bound to be greater than or equal to lower bound; ' +
          `lower operand: ${describeValue(low.value)}, upper operand: ${describeValue(high.value)}`,
      );
    }
  }

  private buildIn(raw: Extract<RawCondition, { kind: 'in' }>): ConditionNode {
    const operand = this.operand(raw.operand);
    const candidates = raw.candidates.map((candidate) => this.operand(candidate));
    this.requireDistinct('IN', operand, candidates);
    return { kind: 'in', operand, candidates };
  }

  private buildFunction(call: RawCall): ConditionNode {
    this.requireKnownConditionFunction(call);
    switch (call.name) {
      case 'attribute_exists':
      case 'attribute_not_exists':
        this.requireArity(call, 1);
        return { kind: call.name, path: this.requirePath(call, call.args[0]!) };
      case 'attribute_type':
        return this.buildAttributeType(call);
      case 'begins_with':
        return this.buildBeginsWith(call);
      case 'contains': {
        this.requireArity(call, 2);
        const [operand, needle] = call.args.map((arg) => this.operand(arg)) as [Operand, Operand];
        this.requireDistinct('contains', operand, [needle]);
        return { kind: 'contains', operand, needle };
      }
      default:
        // size(...) yields a number, not a truth value.
        throw this.stream.error(
          `The function is not allowed to be used this way in an expression; function: ${call.name}`,
        );
    }
  }

  private buildAttributeType(call: RawCall): ConditionNode {
    this.requireArity(call, 2);
    const path = this.requirePath(call, call.args[0]!);
    const type = this.operand(call.args[1]!);
    if (type.kind === 'value') {
      const typeName = (type.value as { S?: unknown }).S;
      if (typeOf(type.value) !== 'S') {
        throw this.operandTypeError('attribute_type', typeOf(type.value) ?? 'NULL');
      }
      if (!(ATTRIBUTE_TYPES as readonly unknown[]).includes(typeName)) {
        throw this.stream.error(
          `Invalid attribute type name found; type: ${String(typeName)}, valid types: { B, NULL, SS, BOOL, L, BS, N, NS, S, M }`,
        );
      }
    }
    return { kind: 'attribute_type', path, type };
  }

  private buildBeginsWith(call: RawCall): ConditionNode {
    this.requireArity(call, 2);
    const [operand, prefix] = call.args.map((arg) => this.operand(arg)) as [Operand, Operand];
    for (const each of [operand, prefix]) {
      if (each.kind === 'value' && typeOf(each.value) !== 'S' && typeOf(each.value) !== 'B') {
        throw this.operandTypeError('begins_with', typeOf(each.value) ?? 'NULL');
      }
    }
    this.requireDistinct('begins_with', operand, [prefix]);
    return { kind: 'begins_with', operand, prefix };
  }

  /** A comparison / function argument: a path, a value or size(path). */
  operand(raw: RawOperand): Operand {
    if (raw.kind === 'path') return { kind: 'path', path: raw.path };
    if (raw.kind === 'value') return { kind: 'value', value: raw.value };
    if (raw.kind === 'arithmetic') throw this.stream.syntaxError(raw.token);
    this.requireKnownConditionFunction(raw);
    if (raw.name !== 'size') {
      throw this.stream.error(
        `The function is not allowed to be used this way in an expression; function: ${raw.name}`,
      );
    }
    this.requireArity(raw, 1);
    return { kind: 'size', path: this.requirePath(raw, raw.args[0]!) };
  }

  private requireKnownConditionFunction(call: RawCall): void {
    if (CONDITION_FUNCTIONS.has(call.name)) return;
    if (UPDATE_FUNCTIONS.has(call.name)) {
      throw this.stream.error(
        `The function is not allowed in a condition expression; function: ${call.name}`,
      );
    }
    throw this.stream.error(`Invalid function name; function: ${call.name}`);
  }

  private requireArity(call: RawCall, expected: number): void {
    if (call.args.length !== expected) {
      throw this.stream.error(
        `Incorrect number of operands for operator or function; operator or function: ${call.name}, number of operands: ${call.args.length}`,
      );
    }
  }

  private requirePath(call: RawCall, arg: RawOperand): DocumentPath {
    if (arg.kind === 'path') return arg.path;
    throw this.stream.error(
      `Operator or function requires a document path; operator or function: ${call.name}`,
    );
  }

  /** Ordering needs N, S or B; a constant of another type can never satisfy it. */
  private requireScalarConstant(operator: string, operand: Operand): void {
    if (operand.kind !== 'value') return;
    const type = typeOf(operand.value);
    if (!isScalarKeyType(type)) {
      throw this.stream.error(
        `Incorrect operand type for operator or function; operator: ${operator}, operand type: ${type ?? 'NULL'}`,
      );
    }
  }

  private operandTypeError(functionName: string, type: string) {
    return this.stream.error(
      `Incorrect operand type for operator or function; operator or function: ${functionName}, operand type: ${type}`,
    );
  }

  /** `a = a`, `a BETWEEN a AND :x`, `contains(a, a)`: AWS rejects a path compared with itself. */
  private requireDistinct(operator: string, first: Operand, rest: Operand[]): void {
    if (first.kind !== 'path') return;
    if (rest.some((other) => other.kind === 'path' && pathsEqual(other.path, first.path))) {
      throw this.stream.error(
        'The first operand must be distinct from the remaining operands for this operator or function; ' +
          `operator: ${operator}, first operand: ${formatPath(first.path)}`,
      );
    }
  }
}
