/**
 * ProjectionExpression: comma-separated document paths, and the item reduced to them. Nested paths
 * keep their enclosing structure; selected list elements are kept in index order, compacted.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ProjectionExpressions.html
 */
import type { AttributeValue, Item } from '../model.js';
import type { DocumentPath } from './ast.js';
import { childOf, findPathClash, setOwn } from './paths.js';
import type { ExpressionScope } from './scope.js';
import { checkExpressionText, TokenStream } from './syntax.js';

export function parseProjection(text: string, scope: ExpressionScope): DocumentPath[] {
  const stream = new TokenStream(
    checkExpressionText(text, 'ProjectionExpression'),
    'ProjectionExpression',
    scope,
  );
  const paths = [stream.parsePath()];
  while (stream.atPunct(',')) {
    stream.advance();
    paths.push(stream.parsePath());
  }
  stream.expectEnd();
  stream.throwDeferred();
  const clash = findPathClash(paths);
  if (clash) throw stream.error(clash);
  return paths;
}

/** The selected paths as a tree: a leaf keeps the whole value; inner nodes keep selected children. */
interface Selection {
  whole: boolean;
  names: Map<string, Selection>;
  indexes: Map<number, Selection>;
}

const emptySelection = (): Selection => ({ whole: false, names: new Map(), indexes: new Map() });

function buildSelection(paths: DocumentPath[]): Selection {
  const root = emptySelection();
  for (const path of paths) {
    let node = root;
    for (const element of path) {
      const children: Map<string | number, Selection> = element.kind === 'name' ? node.names : node.indexes;
      const key = element.kind === 'name' ? element.name : element.index;
      let child = children.get(key);
      if (!child) {
        child = emptySelection();
        children.set(key, child);
      }
      node = child;
    }
    node.whole = true;
  }
  return root;
}

/** The part of `value` that `selection` keeps, or undefined when nothing selected exists. */
function project(value: AttributeValue, selection: Selection): AttributeValue | undefined {
  if (selection.whole) return value;
  if (selection.names.size > 0 && 'M' in value) {
    const kept: Record<string, AttributeValue> = {};
    for (const [name, child] of selection.names) {
      const found = childOf(value, { kind: 'name', name });
      const projected = found === undefined ? undefined : project(found, child);
      if (projected !== undefined) setOwn(kept, name, projected);
    }
    return Object.keys(kept).length > 0 ? { M: kept } : undefined;
  }
  if (selection.indexes.size > 0 && 'L' in value) {
    const kept: AttributeValue[] = [];
    for (const index of [...selection.indexes.keys()].sort((a, b) => a - b)) {
      const found = value.L[index];
      const projected = found === undefined ? undefined : project(found, selection.indexes.get(index)!);
      if (projected !== undefined) kept.push(projected);
    }
    return kept.length > 0 ? { L: kept } : undefined;
  }
  return undefined;
}

/** The item reduced to the given paths (missing paths are skipped; list elements are compacted). */
export function projectItem(item: Item, paths: DocumentPath[]): Item {
  const result: Item = {};
  for (const [name, selection] of buildSelection(paths).names) {
    if (!Object.hasOwn(item, name)) continue;
    const projected = project(item[name]!, selection);
    if (projected !== undefined) setOwn(result, name, structuredClone(projected));
  }
  return result;
}
