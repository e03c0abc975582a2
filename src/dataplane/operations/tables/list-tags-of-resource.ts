/** ListTagsOfResource: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ListTagsOfResource.html */
import type { OperationHandler } from '../types.js';
import { checkResourceArn, requireTaggedTable } from './names.js';
import { Constraints, member } from './validation.js';

export const listTagsOfResource: OperationHandler = async (ctx, input) => {
  const resourceArn = member(input, 'ResourceArn', 'string');
  member(input, 'NextToken', 'string');
  const constraints = new Constraints();
  checkResourceArn(constraints, resourceArn);
  constraints.throwIfAny();
  const table = requireTaggedTable(ctx, resourceArn ?? '');
  // At most 50 tags per table, so one page always holds them all: no NextToken.
  return { Tags: Object.entries(table.tags).map(([Key, Value]) => ({ Key, Value })) };
};
