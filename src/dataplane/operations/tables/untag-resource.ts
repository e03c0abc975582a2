/** UntagResource: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UntagResource.html */
import type { OperationHandler } from '../types.js';
import { withTableLock } from './lifecycle.js';
import { checkResourceArn, requireTaggedTable } from './names.js';
import { Constraints, member, strings } from './validation.js';

export const untagResource: OperationHandler = async (ctx, input) => {
  const resourceArn = member(input, 'ResourceArn', 'string');
  const tagKeys = strings(input, 'TagKeys');
  const constraints = new Constraints();
  checkResourceArn(constraints, resourceArn);
  if (constraints.required('tagKeys', tagKeys)) {
    tagKeys?.forEach((key, position) => {
      constraints.length(`tagKeys.${position + 1}.member`, key, 1, 128);
    });
  }
  constraints.throwIfAny();
  const table = requireTaggedTable(ctx, resourceArn ?? '');
  return withTableLock(ctx, table.TableName, async () => {
    const current = requireTaggedTable(ctx, resourceArn ?? '');
    // Removing a key that is not there is not an error.
    const remaining = Object.fromEntries(
      Object.entries(current.tags).filter(([key]) => !tagKeys?.includes(key)),
    );
    await ctx.store.putTableMeta({ ...current, tags: remaining });
    return {};
  });
};
