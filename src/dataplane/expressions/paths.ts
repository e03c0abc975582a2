/** Document-path utilities: reading values at a path, equality, and AWS's overlap / conflict rules. */
import type { AttributeValue, Item } from '../model.js';
import type { DocumentPath, PathElement } from './ast.js';
import { formatPath } from './errors.js';

export const elementsEqual = (a: PathElement, b: PathElement): boolean =>
  a.kind === 'name' ? b.kind === 'name' && a.name === b.name : b.kind === 'index' && a.index === b.index;

export const pathsEqual = (a: DocumentPath, b: DocumentPath): boolean =>
  a.length === b.length && a.every((element, index) => elementsEqual(element, b[index]!));

/** One step into a value: a map key or a list index; undefined when absent or of another type. */
export function childOf(value: AttributeValue, element: PathElement): AttributeValue | undefined {
  if (element.kind === 'name') {
    const map = (value as { M?: Record<string, AttributeValue> }).M;
    return map !== undefined && Object.hasOwn(map, element.name) ? map[element.name] : undefined;
  }
  const list = (value as { L?: AttributeValue[] }).L;
  return list !== undefined ? list[element.index] : undefined;
}

/** The value at `path` in `item`, or undefined when any step is missing or has the wrong type. */
export function valueAt(item: Item | undefined, path: DocumentPath): AttributeValue | undefined {
  if (item === undefined) return undefined;
  const [first, ...rest] = path;
  if (first === undefined || first.kind !== 'name' || !Object.hasOwn(item, first.name)) return undefined;
  let current: AttributeValue | undefined = item[first.name];
  for (const element of rest) {
    if (current === undefined) return undefined;
    current = childOf(current, element);
  }
  return current;
}

/**
 * AWS rejects two paths where one is a prefix of (or equal to) the other ("overlap"), and two
 * paths that step into the same value once as a map and once as a list ("conflict").
 * Returns the message (without the "Invalid X: " prefix) or undefined.
 */
export function pathClash(first: DocumentPath, second: DocumentPath): string | undefined {
  const shared = Math.min(first.length, second.length);
  for (let index = 0; index < shared; index++) {
    const a = first[index]!;
    const b = second[index]!;
    if (elementsEqual(a, b)) continue;
    if (a.kind !== b.kind) {
      return `Two document paths conflict with each other; must remove or rewrite one of these paths; path one: ${formatPath(first)}, path two: ${formatPath(second)}`;
    }
    return undefined;
  }
  return `Two document paths overlap with each other; must remove or rewrite one of these paths; path one: ${formatPath(first)}, path two: ${formatPath(second)}`;
}

/** The first clash among `paths`, or undefined. Quadratic, but a 4 KB expression holds at most ~2000 paths. */
export function findPathClash(paths: DocumentPath[]): string | undefined {
  for (let later = 1; later < paths.length; later++) {
    for (let earlier = 0; earlier < later; earlier++) {
      const clash = pathClash(paths[earlier]!, paths[later]!);
      if (clash) return clash;
    }
  }
  return undefined;
}

/**
 * Sets an own property even for keys like "__proto__", which plain assignment would turn into a
 * prototype change instead of an attribute.
 */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}
