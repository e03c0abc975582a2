/**
 * X-Amz-Target routing: `DynamoDB_20120810.<Operation>` goes to the DynamoDB operations,
 * `DynamoDBStreams_20120810.<Operation>` to the Streams operations (a separate API with its own
 * registry: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Operations_Amazon_DynamoDB_Streams.html).
 * Anything else, including a missing header, is UnknownOperationException.
 */
import type { OperationHandler } from '../operations/types.js';

export type OperationRegistry = Readonly<Record<string, OperationHandler>>;

export const dynamoDbTargetPrefix = 'DynamoDB_20120810';
export const streamsTargetPrefix = 'DynamoDBStreams_20120810';

export interface ResolvedTarget {
  operation: string;
  handler: OperationHandler;
}

export function resolveTarget(
  target: string | undefined,
  registries: { dynamodb: OperationRegistry; streams: OperationRegistry },
): ResolvedTarget | undefined {
  if (!target) return undefined;
  const dot = target.indexOf('.');
  if (dot < 0) return undefined;
  const prefix = target.slice(0, dot);
  const operation = target.slice(dot + 1);
  const registry =
    prefix === dynamoDbTargetPrefix
      ? registries.dynamodb
      : prefix === streamsTargetPrefix
        ? registries.streams
        : undefined;
  // Own properties only: "constructor" or "__proto__" must not reach Object.prototype.
  if (!registry || !Object.hasOwn(registry, operation)) return undefined;
  const handler = registry[operation];
  return typeof handler === 'function' ? { operation, handler } : undefined;
}
