/**
 * ProjectionExpression / legacy AttributesToGet of the read operations.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ProjectionExpressions.html
 */
import {
  type DocumentPath,
  type ExpressionScope,
  parseProjection,
  pathsFromAttributesToGet,
  projectItem,
} from '../../expressions/index.js';
import type { Item } from '../../model.js';
import { member } from '../tables/validation.js';

/** The paths to return, or undefined for the whole item. */
export function readProjection(
  input: Record<string, unknown>,
  scope: ExpressionScope,
): DocumentPath[] | undefined {
  const text = member(input, 'ProjectionExpression', 'string');
  if (text !== undefined) return parseProjection(text, scope);
  const names = input.AttributesToGet;
  if (names === undefined || names === null) return undefined;
  return pathsFromAttributesToGet(names);
}

export const applyProjection = (item: Item, paths: DocumentPath[] | undefined): Item =>
  paths ? projectItem(item, paths) : item;
