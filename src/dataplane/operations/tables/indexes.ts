/**
 * Online GSI creation and deletion after UpdateTable, and the item rewrite that backfills a new
 * index (or the TTL index) over the items already in the table.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.OnlineOps.html
 * While a GSI is CREATING the store already maintains it for new writes (it is in the metadata);
 * the backfill rewrites every existing item, in bounded batches, re-reading each one inside the
 * write transaction so a concurrent user write is never reverted.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Item, TableMeta } from '../../model.js';
import type { OperationContext } from '../types.js';
import {
  recoverTableTransitions,
  scheduleTransition,
  settleTableStatus,
  updateTableMeta,
} from './lifecycle.js';

const rewriteBatchSize = 256;

function keyOf(table: TableMeta, item: Item): Item {
  const key: Item = {};
  for (const { AttributeName } of table.KeySchema) {
    const value = item[AttributeName];
    if (value !== undefined) key[AttributeName] = value;
  }
  return key;
}

function nextKeys(table: TableMeta, ctx: OperationContext, startKey: Item | undefined): Item[] {
  const keys: Item[] = [];
  const range = startKey ? { exclusiveStartKey: startKey } : {};
  for (const item of ctx.store.scan(table, range)) {
    keys.push(keyOf(table, item));
    if (keys.length >= rewriteBatchSize) break;
  }
  return keys;
}

/**
 * Rewrites every item of the table so the store (re)builds each index and the TTL index over
 * them. Stops early if the table is deleted (or replaced) meanwhile.
 */
export async function rewriteAllItems(
  ctx: OperationContext,
  tableName: string,
  tableId: string,
): Promise<void> {
  let startKey: Item | undefined;
  for (;;) {
    const table = ctx.store.getTableMeta(tableName);
    if (!table || table.TableId !== tableId) return;
    const keys = nextKeys(table, ctx, startKey);
    if (keys.length === 0) return;
    await ctx.store.transact((tx) => {
      for (const key of keys) {
        const current = tx.getItem(table, key);
        if (current) tx.putItem(table, current, { rebuildOnly: true });
      }
    });
    startKey = keys[keys.length - 1];
    if (keys.length < rewriteBatchSize) return;
    await yieldToEventLoop();
  }
}

function setIndex(
  table: TableMeta,
  indexName: string,
  change: Partial<TableMeta['GlobalSecondaryIndexes'][number]>,
): TableMeta {
  return {
    ...table,
    GlobalSecondaryIndexes: table.GlobalSecondaryIndexes.map((index) =>
      index.IndexName === indexName ? { ...index, ...change } : index,
    ),
  };
}

/** Backfills a CREATING GSI, then makes it ACTIVE (and the table too, if nothing else is busy). */
export async function finishIndexCreation(
  ctx: OperationContext,
  table: TableMeta,
  indexName: string,
): Promise<void> {
  const { TableName: tableName, TableId: tableId } = table;
  await updateTableMeta(ctx, tableName, tableId, (current) =>
    setIndex(current, indexName, { Backfilling: true }),
  );
  await rewriteAllItems(ctx, tableName, tableId);
  await updateTableMeta(ctx, tableName, tableId, (current) => {
    const index = current.GlobalSecondaryIndexes.find((candidate) => candidate.IndexName === indexName);
    if (index?.IndexStatus !== 'CREATING') return undefined;
    const { Backfilling, ...built } = index;
    const indexes = current.GlobalSecondaryIndexes.map((candidate) =>
      candidate === index ? { ...built, IndexStatus: 'ACTIVE' as const } : candidate,
    );
    return settleTableStatus({ ...current, GlobalSecondaryIndexes: indexes });
  });
}

export function scheduleIndexCreation(ctx: OperationContext, table: TableMeta, indexName: string): void {
  scheduleTransition(ctx, () => finishIndexCreation(ctx, table, indexName));
}

/** DELETING → gone; the table settles to ACTIVE. */
export function scheduleIndexDeletion(ctx: OperationContext, table: TableMeta, indexName: string): void {
  scheduleTransition(ctx, () =>
    updateTableMeta(ctx, table.TableName, table.TableId, (current) =>
      settleTableStatus({
        ...current,
        GlobalSecondaryIndexes: current.GlobalSecondaryIndexes.filter(
          (index) => index.IndexName !== indexName || index.IndexStatus !== 'DELETING',
        ),
      }),
    ),
  );
}

/** UPDATING → ACTIVE for changes with nothing to build (capacity, stream, SSE, table class). */
export function scheduleUpdateSettled(ctx: OperationContext, table: TableMeta): void {
  scheduleTransition(ctx, () =>
    updateTableMeta(ctx, table.TableName, table.TableId, (current) =>
      current.TableStatus === 'UPDATING' ? settleTableStatus(current) : undefined,
    ),
  );
}

/**
 * Call once when a region's store opens: settles the transitions a crash or stop interrupted
 * (CREATING/UPDATING tables become ACTIVE, half-built GSIs are backfilled, DELETING ones go).
 */
export const recoverInterruptedTransitions = (ctx: OperationContext): Promise<void> =>
  recoverTableTransitions(ctx, finishIndexCreation);
