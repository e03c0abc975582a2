/**
 * ClientRequestToken bookkeeping for TransactWriteItems: a token is valid for 10 minutes after
 * the first request that used it; a replay with the same request succeeds without applying
 * anything again, a different request with the same token fails.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html#DDB-TransactWriteItems-request-ClientRequestToken
 * Records live in memory per region store, oldest first, capped, so a restart forgets them
 * (a retry after a restart re-applies, as after AWS's 10 minutes).
 */
import { DynamoError } from '../../model.js';
import type { RegionStore } from '../../storage/types.js';

export const tokenLifetimeMs = 10 * 60 * 1000;
export const maxTokenRecords = 10_000;

interface TokenRecord {
  fingerprint: string;
  expiresAtMs: number;
}

const recordsByStore = new WeakMap<RegionStore, Map<string, TokenRecord>>();

export interface IdempotencyClaim {
  /** True when the same request already succeeded with this token. */
  replay: boolean;
  /** Records the token as used by this request (call once the writes are applied). */
  commit(): void;
  /** Forgets the record again (the store failed to commit the writes). */
  release(): void;
}

function recordsOf(store: RegionStore): Map<string, TokenRecord> {
  let records = recordsByStore.get(store);
  if (!records) {
    records = new Map();
    recordsByStore.set(store, records);
  }
  return records;
}

/** Drops expired records (they are in insertion order, so expiry order) and the oldest beyond the cap. */
function prune(records: Map<string, TokenRecord>, nowMs: number): void {
  for (const [token, record] of records) {
    if (record.expiresAtMs > nowMs && records.size < maxTokenRecords) break;
    records.delete(token);
  }
}

/**
 * Looks the token up. Must run inside the store's serialised transaction callback, so two
 * requests with the same token cannot both apply.
 */
export function claimToken(
  store: RegionStore,
  token: string,
  fingerprint: string,
  nowMs: number,
): IdempotencyClaim {
  const records = recordsOf(store);
  prune(records, nowMs);
  const existing = records.get(token);
  if (existing) {
    if (existing.fingerprint !== fingerprint) {
      // Unconfirmed wording: AWS's message for a reused token with different parameters.
      throw new DynamoError(
        'IdempotentParameterMismatchException',
        'Request parameters do not match the parameters of a previous request with the same ClientRequestToken',
      );
    }
    return { replay: true, commit() {}, release() {} };
  }
  return {
    replay: false,
    commit() {
      records.set(token, { fingerprint, expiresAtMs: nowMs + tokenLifetimeMs });
    },
    release() {
      records.delete(token);
    },
  };
}
