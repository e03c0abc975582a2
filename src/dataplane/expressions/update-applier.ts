/**
 * Applies an UpdateNode to an item. Every SET right-hand side is evaluated against the item as it
 * was before the update ("DynamoDB evaluates every action against the item's attribute values as
 * they were before the update"); SET on a list index past the end appends, several such appends go
 * in index order; REMOVE of list elements uses the original indexes (so the rest shift once).
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html
 */
import { Buffer } from 'node:buffer';
import { type AttributeValue, type Item, validationError } from '../model.js';
import { addNumbers, normalizeNumber, subtractNumbers } from '../values/index.js';
import type { DocumentPath, PathElement, SetValue, UpdateAction, UpdateNode } from './ast.js';
import { setOwn, valueAt } from './paths.js';

const invalidPath = () =>
  validationError('The document path provided in the update expression is invalid for update');
const missingAttribute = () =>
  validationError('The provided expression refers to an attribute that does not exist in the item');
const wrongType = () => validationError('An operand in the update expression has an incorrect data type');

/** Orders paths so list indexes under the same parent ascend (names just group). */
function comparePaths(a: DocumentPath, b: DocumentPath): number {
  const shared = Math.min(a.length, b.length);
  for (let index = 0; index < shared; index++) {
    const x = a[index]!;
    const y = b[index]!;
    if (x.kind === 'index' && y.kind === 'index') {
      if (x.index !== y.index) return x.index - y.index;
    } else if (x.kind === 'name' && y.kind === 'name') {
      if (x.name !== y.name) return x.name < y.name ? -1 : 1;
    } else {
      return x.kind === 'name' ? -1 : 1;
    }
  }
  return a.length - b.length;
}

function evaluateSetValue(value: SetValue, item: Item): AttributeValue {
  switch (value.kind) {
    case 'operand': {
      const { operand } = value;
      if (operand.kind === 'value') return operand.value;
      if (operand.kind === 'size') throw wrongType();
      const found = valueAt(item, operand.path);
      if (found === undefined) throw missingAttribute();
      return found;
    }
    case 'if_not_exists':
      return valueAt(item, value.path) ?? evaluateSetValue(value.fallback, item);
    case 'list_append': {
      const first = evaluateSetValue(value.first, item);
      const second = evaluateSetValue(value.second, item);
      if (!('L' in first) || !('L' in second)) throw wrongType();
      return { L: [...first.L, ...second.L] };
    }
    case 'plus':
    case 'minus': {
      const left = evaluateSetValue(value.left, item);
      const right = evaluateSetValue(value.right, item);
      if (!('N' in left) || !('N' in right)) throw wrongType();
      return { N: value.kind === 'plus' ? addNumbers(left.N, right.N) : subtractNumbers(left.N, right.N) };
    }
  }
}

/** The container that holds the path's last element (the item itself for top-level names). */
function parentOf(item: Item, path: DocumentPath): AttributeValue | undefined {
  return path.length === 1 ? { M: item } : valueAt(item, path.slice(0, -1));
}

function assign(item: Item, path: DocumentPath, value: AttributeValue): void {
  const parent = parentOf(item, path);
  const last = path[path.length - 1]!;
  if (parent === undefined) throw invalidPath();
  if (last.kind === 'name') {
    if (!('M' in parent)) throw invalidPath();
    setOwn(parent.M, last.name, value);
    return;
  }
  if (!('L' in parent)) throw invalidPath();
  if (last.index < parent.L.length) parent.L[last.index] = value;
  else parent.L.push(value);
}

function remove(item: Item, path: DocumentPath): void {
  const parent = parentOf(item, path);
  const last: PathElement = path[path.length - 1]!;
  if (parent === undefined) return;
  if (last.kind === 'name') {
    if (!('M' in parent)) throw invalidPath();
    delete parent.M[last.name];
    return;
  }
  if (!('L' in parent)) throw invalidPath();
  if (last.index < parent.L.length) parent.L.splice(last.index, 1);
}

/** Canonical member keys, so "1.0" and "1" or two base64 spellings count as one set member. */
function memberKey(type: 'SS' | 'NS' | 'BS', member: string): string {
  if (type === 'NS') return normalizeNumber(member);
  if (type === 'BS') return Buffer.from(member, 'base64').toString('base64');
  return member;
}

function setMembers(value: AttributeValue): { type: 'SS' | 'NS' | 'BS'; members: string[] } | undefined {
  if ('SS' in value) return { type: 'SS', members: value.SS };
  if ('NS' in value) return { type: 'NS', members: value.NS };
  if ('BS' in value) return { type: 'BS', members: value.BS };
  return undefined;
}

const makeSet = (type: 'SS' | 'NS' | 'BS', members: string[]): AttributeValue =>
  ({ [type]: members }) as AttributeValue;

/** The value ADD leaves at a path that already holds `existing`. */
function sum(existing: AttributeValue, addend: AttributeValue): AttributeValue {
  if ('N' in existing && 'N' in addend) return { N: addNumbers(existing.N, addend.N) };
  // Lists only arrive here from the legacy AttributeUpdates ADD, which appends.
  if ('L' in existing && 'L' in addend) return { L: [...existing.L, ...structuredClone(addend.L)] };
  const current = setMembers(existing);
  const extra = setMembers(addend);
  if (!current || !extra || current.type !== extra.type) throw wrongType();
  const keys = new Set(current.members.map((member) => memberKey(current.type, member)));
  const union = [...current.members];
  for (const member of extra.members) {
    const key = memberKey(current.type, member);
    if (!keys.has(key)) {
      keys.add(key);
      union.push(member);
    }
  }
  return makeSet(current.type, union);
}

function add(item: Item, path: DocumentPath, addend: AttributeValue): void {
  const existing = valueAt(item, path);
  assign(item, path, existing === undefined ? structuredClone(addend) : sum(existing, addend));
}

function deleteMembers(item: Item, path: DocumentPath, removed: AttributeValue): void {
  const existing = valueAt(item, path);
  if (existing === undefined) return;
  const current = setMembers(existing);
  const subtract = setMembers(removed);
  if (!current || !subtract || current.type !== subtract.type) throw wrongType();
  const gone = new Set(subtract.members.map((member) => memberKey(current.type, member)));
  const kept = current.members.filter((member) => !gone.has(memberKey(current.type, member)));
  if (kept.length === 0) remove(item, path);
  else assign(item, path, makeSet(current.type, kept));
}

const ofKind = <K extends UpdateAction['kind']>(actions: UpdateAction[], kind: K) =>
  actions.filter((action): action is Extract<UpdateAction, { kind: K }> => action.kind === kind);

/**
 * Applies the update to a copy of `item` (an empty object when the item does not exist yet) and
 * returns the new item; the input is never mutated and the result shares no objects with it.
 */
export function applyUpdate(update: UpdateNode, item: Item): Item {
  const result = structuredClone(item);
  const sets = ofKind(update.actions, 'SET')
    .map((action) => ({ path: action.path, value: structuredClone(evaluateSetValue(action.value, item)) }))
    .sort((a, b) => comparePaths(a.path, b.path));
  for (const { path, value } of sets) assign(result, path, value);
  const removals = ofKind(update.actions, 'REMOVE').sort((a, b) => comparePaths(b.path, a.path));
  for (const { path } of removals) remove(result, path);
  for (const { path, value } of ofKind(update.actions, 'ADD')) add(result, path, value);
  for (const { path, value } of ofKind(update.actions, 'DELETE')) deleteMembers(result, path, value);
  return result;
}
