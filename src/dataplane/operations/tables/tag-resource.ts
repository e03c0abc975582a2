/**
 * TagResource: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TagResource.html
 * Tags live on the table's metadata; the answer is an empty body.
 */
import type { OperationHandler } from '../types.js';
import { withTableLock } from './lifecycle.js';
import { checkResourceArn, requireTaggedTable } from './names.js';
import { applyTags, checkTags, readTags, tagsProblem } from './tags.js';
import { Constraints, firstFailure, member } from './validation.js';

export const tagResource: OperationHandler = async (ctx, input) => {
  const resourceArn = member(input, 'ResourceArn', 'string');
  const tags = readTags(input);
  const constraints = new Constraints();
  checkResourceArn(constraints, resourceArn);
  checkTags(constraints, tags, true);
  constraints.throwIfAny();
  const table = requireTaggedTable(ctx, resourceArn ?? '');
  return withTableLock(ctx, table.TableName, async () => {
    const current = requireTaggedTable(ctx, resourceArn ?? '');
    firstFailure([() => tagsProblem(tags ?? [], current.tags)]);
    await ctx.store.putTableMeta({ ...current, tags: applyTags(current.tags, tags ?? []) });
    return {};
  });
};
