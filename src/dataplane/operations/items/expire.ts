/**
 * TTL expiry: deletes items whose TTL attribute (a Number of epoch seconds) is at or before now.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html
 * As in AWS, items whose TTL attribute is not a Number, or is more than five years in the past,
 * are never expired. Each call examines a bounded slice of the table, resuming after the last
 * key it examined (per table), and wraps to the start once it reaches the end, so a large table
 * is swept round-robin instead of rescanned from its first item every tick.
 */
import type { Item, TableMeta } from '../../model.js';
import type { ExpireItems } from '../ttl-sweeper.js';
import type { OperationContext } from '../types.js';
import { extractKey } from './keys.js';

const fiveYearsSeconds = 5 * 365 * 24 * 60 * 60;
/** Most items examined per call for each item the caller allows us to delete. */
const examineFactor = 20;
const minExamined = 1000;

/** Where the last sweep of each table stopped, by TableId (a re-created table starts over). */
const cursors = new Map<string, Item>();

/** True when the item's TTL attribute makes it expired at `nowMs`. */
export function isExpired(item: Item, attributeName: string, nowMs: number): boolean {
  const value = item[attributeName];
  if (!value || !('N' in value)) return false;
  const expiresAtSeconds = Number(value.N);
  if (!Number.isFinite(expiresAtSeconds)) return false;
  const nowSeconds = nowMs / 1000;
  return expiresAtSeconds <= nowSeconds && expiresAtSeconds >= nowSeconds - fiveYearsSeconds;
}

/** The keys of expired items in the next slice of the table, advancing the table's cursor. */
function findExpired(
  ctx: OperationContext,
  table: TableMeta,
  attributeName: string,
  nowMs: number,
  limit: number,
): Item[] {
  const start = cursors.get(table.TableId);
  const budget = Math.max(minExamined, limit * examineFactor);
  const expired: Item[] = [];
  let examined = 0;
  let last: Item | undefined;
  for (const item of ctx.store.scan(table, start ? { exclusiveStartKey: start } : {})) {
    examined++;
    last = extractKey(table, item);
    if (isExpired(item, attributeName, nowMs)) expired.push(last);
    if (expired.length >= limit || examined >= budget) break;
  }
  const reachedEnd = expired.length < limit && examined < budget;
  if (reachedEnd || !last) cursors.delete(table.TableId);
  else cursors.set(table.TableId, last);
  return expired;
}

/** Deletes up to `limit` expired items of `table`; re-checks each inside the write transaction. */
export const expireItems: ExpireItems = async (ctx, table, nowMs, limit) => {
  const attributeName = table.timeToLive?.status === 'ENABLED' ? table.timeToLive.attributeName : undefined;
  if (!attributeName || limit <= 0) return 0;
  const keys = findExpired(ctx, table, attributeName, nowMs, limit);
  if (keys.length === 0) return 0;
  return ctx.store.transact((tx) => {
    let deleted = 0;
    for (const key of keys) {
      // The item may have been rewritten with a later TTL since the scan.
      const current = tx.getItem(table, key);
      if (current && isExpired(current, attributeName, nowMs)) {
        tx.deleteItem(table, key, { ttlExpiry: true });
        deleted++;
      }
    }
    return deleted;
  });
};
