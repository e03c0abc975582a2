/**
 * Stream ARNs: the table ARN + "/stream/" + the stream label (the stream's creation time in ISO 8601
 * without a zone, e.g. arn:aws:dynamodb:us-west-2:111122223333:table/Forum/stream/2015-05-20T20:51:10.252).
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_DescribeStream.html
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html#amazondynamodb-resources-for-iam-policies
 */
import { namePattern } from '../tables/validation.js';

export interface StreamArnParts {
  region: string;
  accountId: string;
  tableName: string;
  label: string;
}

const streamArnPattern =
  /^arn:aws[a-z-]*:dynamodb:([a-z0-9-]+):(\d{12}):table\/([^/]+)\/stream\/(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})$/;

export const formatStreamArn = (tableArn: string, label: string): string => `${tableArn}/stream/${label}`;

/** The parts of a well-formed stream ARN, or undefined for anything else. */
export function parseStreamArn(arn: string): StreamArnParts | undefined {
  const match = streamArnPattern.exec(arn);
  if (!match) return undefined;
  const [, region, accountId, tableName, label] = match;
  if (region === undefined || accountId === undefined || tableName === undefined || label === undefined)
    return undefined;
  if (!namePattern.test(tableName) || tableName.length < 3 || tableName.length > 255) return undefined;
  if (labelCreationMs(label) === undefined) return undefined;
  return { region, accountId, tableName, label };
}

/** The label is the stream's creation time in UTC; undefined when it names no real instant. */
export function labelCreationMs(label: string): number | undefined {
  const ms = Date.parse(`${label}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}
