/**
 * ConditionExpression / FilterExpression and KeyConditionExpression entry points.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html#DDB-Query-request-KeyConditionExpression
 */
import { type AttributeValue, validationError } from '../model.js';
import type { SortKeyCondition } from '../storage/types.js';
import type { ConditionNode, Operand } from './ast.js';
import { ConditionChecker } from './condition-checks.js';
import { parseRawCondition, type RawCondition } from './condition-parser.js';
import type { ExpressionScope } from './scope.js';
import { checkExpressionText, TokenStream } from './syntax.js';

/** A parsed KeyConditionExpression; the Query operation checks it against the key schema. */
export interface KeyCondition {
  partition: { name: string; value: AttributeValue };
  sort?: { name: string; condition: SortKeyCondition };
}

function parseChecked(
  text: string,
  scope: ExpressionScope,
  parameter: 'ConditionExpression' | 'FilterExpression' | 'KeyConditionExpression',
  checkShape: (raw: RawCondition) => void = () => {},
): ConditionNode {
  const stream = new TokenStream(checkExpressionText(text, parameter), parameter, scope);
  const raw = parseRawCondition(stream);
  stream.throwDeferred();
  checkShape(raw);
  return new ConditionChecker(stream).build(raw);
}

export function parseCondition(
  text: string,
  scope: ExpressionScope,
  parameter: 'ConditionExpression' | 'FilterExpression',
): ConditionNode {
  return parseChecked(text, scope, parameter);
}

// ---- Key conditions ------------------------------------------------------------------------

/** Only AND, the comparators but <>, BETWEEN and begins_with may appear in a key condition. */
function checkKeyShape(raw: RawCondition): void {
  const fail = (operator: string): never => {
    throw validationError(`Invalid operator used in KeyConditionExpression: ${operator}`);
  };
  const pending: RawCondition[] = [raw];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (node.kind === 'and') pending.push(node.left, node.right);
    else if (node.kind === 'or') fail('OR');
    else if (node.kind === 'not') fail('NOT');
    else if (node.kind === 'in') fail('IN');
    else if (node.kind === 'compare' && node.op === '<>') fail('<>');
    else if (node.kind === 'function' && node.call.name !== 'begins_with') fail(node.call.name);
  }
}

type SingleValueOp = Exclude<SortKeyCondition['op'], 'BETWEEN'>;
const FLIPPED: Record<string, SingleValueOp> = { '=': 'EQ', '<': 'GT', '<=': 'GE', '>': 'LT', '>=': 'LE' };
const DIRECT: Record<string, SingleValueOp> = { '=': 'EQ', '<': 'LT', '<=': 'LE', '>': 'GT', '>=': 'GE' };

interface KeyLeaf {
  name: string;
  condition: SortKeyCondition;
}

const unsupported = () => validationError('Query key condition not supported');

/** A top-level attribute name operand, or undefined. */
function keyAttribute(operand: Operand): string | undefined {
  if (operand.kind !== 'path' || operand.path.length !== 1) return undefined;
  const [element] = operand.path;
  return element?.kind === 'name' ? element.name : undefined;
}

function keyLeaf(node: ConditionNode): KeyLeaf {
  if (node.kind === 'compare') {
    const leftName = keyAttribute(node.left);
    if (leftName !== undefined && node.right.kind === 'value') {
      return { name: leftName, condition: { op: DIRECT[node.op]!, value: node.right.value } };
    }
    const rightName = keyAttribute(node.right);
    if (rightName !== undefined && node.left.kind === 'value') {
      return { name: rightName, condition: { op: FLIPPED[node.op]!, value: node.left.value } };
    }
    throw unsupported();
  }
  if (node.kind === 'between') {
    const name = keyAttribute(node.operand);
    if (name === undefined || node.low.kind !== 'value' || node.high.kind !== 'value') throw unsupported();
    return { name, condition: { op: 'BETWEEN', low: node.low.value, high: node.high.value } };
  }
  if (node.kind === 'begins_with') {
    const name = keyAttribute(node.operand);
    if (name === undefined || node.prefix.kind !== 'value') throw unsupported();
    return { name, condition: { op: 'BEGINS_WITH', value: node.prefix.value } };
  }
  throw unsupported();
}

function keyLeaves(node: ConditionNode): ConditionNode[] {
  return node.kind === 'and' ? [...keyLeaves(node.left), ...keyLeaves(node.right)] : [node];
}

/**
 * Splits `leaves` into partition (an equality) and optional sort condition. When both are
 * equalities the first written is returned as the partition; Query swaps them if its key schema
 * says otherwise.
 */
export function keyConditionFromLeaves(leaves: KeyLeaf[]): KeyCondition {
  if (leaves.length === 0 || leaves.length > 2)
    throw validationError('Conditions can be of length 1 or 2 only');
  if (leaves.length === 2 && leaves[0]!.name === leaves[1]!.name) {
    throw validationError('KeyConditionExpressions must only contain one condition per key');
  }
  const partitionIndex = leaves.findIndex((leaf) => leaf.condition.op === 'EQ');
  if (partitionIndex < 0) throw unsupported();
  const partition = leaves[partitionIndex]!;
  const sort = leaves[1 - partitionIndex];
  const partitionValue = (partition.condition as { value: AttributeValue }).value;
  const result: KeyCondition = { partition: { name: partition.name, value: partitionValue } };
  if (sort !== undefined) result.sort = { name: sort.name, condition: sort.condition };
  return result;
}

export function parseKeyCondition(text: string, scope: ExpressionScope): KeyCondition {
  const condition = parseChecked(text, scope, 'KeyConditionExpression', checkKeyShape);
  const leaves = keyLeaves(condition);
  if (leaves.length > 2) throw validationError('Conditions can be of length 1 or 2 only');
  return keyConditionFromLeaves(leaves.map(keyLeaf));
}
