/**
 * ListStreams: the streams of this account and endpoint (region), of one table with TableName,
 * at most Limit (upper limit 100) after ExclusiveStartStreamArn, with LastEvaluatedStreamArn when
 * more remain. https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_ListStreams.html
 * Lists the current stream of each table while it is readable (see stream.ts for what is missing).
 */

import { Constraints, member } from '../tables/validation.js';
import type { OperationHandler } from '../types.js';
import { readableStreams } from './stream.js';

/** "The upper limit is 100"; larger values are served as 100. */
const maxLimit = 100;

export const listStreams: OperationHandler = async (ctx, input) => {
  const tableName = member(input, 'TableName', 'string');
  const limit = member(input, 'Limit', 'number');
  const exclusiveStartStreamArn = member(input, 'ExclusiveStartStreamArn', 'string');
  const constraints = new Constraints();
  constraints.length('exclusiveStartStreamArn', exclusiveStartStreamArn, 37, 1024);
  constraints.range('limit', limit, 1);
  constraints.name('tableName', tableName);
  constraints.throwIfAny();

  const pageSize = Math.min(Math.floor(limit ?? maxLimit), maxLimit);
  const all = readableStreams(ctx, tableName);
  const remaining =
    exclusiveStartStreamArn === undefined
      ? all
      : all.filter((stream) => stream.arn > exclusiveStartStreamArn);
  const page = remaining.slice(0, pageSize);
  const output: Record<string, unknown> = {
    Streams: page.map((stream) => ({
      StreamArn: stream.arn,
      TableName: stream.table.TableName,
      StreamLabel: stream.label,
    })),
  };
  const last = page.at(-1);
  if (remaining.length > page.length && last) output.LastEvaluatedStreamArn = last.arn;
  return output;
};
