/**
 * What TransactWriteItems and TransactGetItems share: the action-list limits, the one-action-per-
 * item rule and the cancellation error.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html#API_TransactWriteItems_Errors
 */
import { DynamoError, validationError } from '../../model.js';

export const maxTransactionActions = 100;

export const duplicateItemMessage = 'Transaction request cannot include multiple operations on one item';

/** Throws when two actions address the same item (fingerprints: table + canonical key). */
export function checkDistinctItems(fingerprints: string[]): void {
  if (new Set(fingerprints).size !== fingerprints.length) throw validationError(duplicateItemMessage);
}

export interface CancellationReason {
  Code: string;
  Message?: string;
  Item?: Record<string, unknown>;
}

export const noReason: CancellationReason = { Code: 'None' };

/** AWS's TransactionCanceledException: one reason per action, in request order. */
export function transactionCanceled(reasons: CancellationReason[]): DynamoError {
  const codes = reasons.map((reason) => reason.Code).join(', ');
  return new DynamoError(
    'TransactionCanceledException',
    `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes}]`,
    400,
    { CancellationReasons: reasons },
  );
}

/** JSON with object keys sorted, so a replay with members in another order still matches (as AWS does). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
