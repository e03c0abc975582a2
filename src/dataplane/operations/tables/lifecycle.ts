/**
 * Table status transitions. AWS creates, updates and deletes tables asynchronously: the call
 * answers CREATING/UPDATING/DELETING and the table settles later
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/WorkingWithTables.Basics.html).
 * Pangea settles after `ctx.tableTransitionDelayMs` (default 0: right after the response, so SDK
 * waiters, whose first DescribeTable is immediate, never sleep their 20 s minimum delay).
 *
 * Every read-modify-write of a table's metadata runs under a per-table lock so a settling
 * transition and a concurrent UpdateTable cannot overwrite each other's change.
 */
import { DynamoError, type TableMeta } from '../../model.js';
import type { RegionStore } from '../../storage/types.js';
import type { OperationContext } from '../types.js';

const tableLocks = new WeakMap<RegionStore, Map<string, Promise<unknown>>>();
const pendingTransitions = new WeakMap<RegionStore, Set<Promise<void>>>();

/** Runs `work` after every earlier locked work on the same table of the same store. */
export function withTableLock<T>(
  ctx: OperationContext,
  tableName: string,
  work: () => Promise<T>,
): Promise<T> {
  return withStoreTableLock(ctx.store, tableName, work);
}

/**
 * The same lock for code that has the store but no operation context: the replication engine's
 * own metadata changes (replica statuses, adopted definitions) must not interleave with a settling
 * transition or an UpdateTable, or one read-modify-write overwrites the other (a table left
 * UPDATING for good). Never call it while holding the table's lock.
 */
export function withStoreTableLock<T>(
  store: RegionStore,
  tableName: string,
  work: () => Promise<T>,
): Promise<T> {
  let locks = tableLocks.get(store);
  if (!locks) {
    locks = new Map();
    tableLocks.set(store, locks);
  }
  const previous = locks.get(tableName) ?? Promise.resolve();
  const next = previous.then(work, work);
  const tail = next.catch(() => undefined);
  locks.set(tableName, tail);
  void tail.then(() => {
    if (locks.get(tableName) === tail) locks.delete(tableName);
  });
  return next;
}

/** The transition delay in force for this context. */
export const transitionDelayMs = (ctx: OperationContext): number =>
  Math.max(0, ctx.tableTransitionDelayMs ?? 0);

/**
 * Schedules `work` after the transition delay. Failures are swallowed: a transition whose table
 * was deleted meanwhile, or whose store closed, has nothing left to do.
 */
export function scheduleTransition(ctx: OperationContext, work: () => Promise<void>): Promise<void> {
  let pending = pendingTransitions.get(ctx.store);
  if (!pending) {
    pending = new Set();
    pendingTransitions.set(ctx.store, pending);
  }
  const set = pending;
  const done = new Promise<void>((resolve) => {
    setTimeout(() => {
      work()
        .catch(() => undefined)
        .finally(resolve);
    }, transitionDelayMs(ctx));
  });
  set.add(done);
  void done.then(() => set.delete(done));
  return done;
}

/** Resolves once every transition scheduled so far on this store has run (tests, shutdown). */
export async function transitionsSettled(store: RegionStore): Promise<void> {
  for (;;) {
    const pending = [...(pendingTransitions.get(store) ?? [])];
    if (pending.length === 0) return;
    await Promise.all(pending);
  }
}

/**
 * Re-reads the table under its lock and applies `change` if it is still the same table (same
 * TableId: a table deleted and re-created under the name is left alone).
 */
export function updateTableMeta(
  ctx: OperationContext,
  tableName: string,
  tableId: string,
  change: (table: TableMeta) => TableMeta | undefined,
): Promise<void> {
  return withTableLock(ctx, tableName, async () => {
    const current = ctx.store.getTableMeta(tableName);
    if (!current || current.TableId !== tableId) return;
    const changed = change(structuredClone(current));
    if (changed) await ctx.store.putTableMeta(changed);
  });
}

/** CREATING → ACTIVE, with the GSIs created alongside (the table is empty: nothing to backfill). */
export function scheduleActivation(ctx: OperationContext, table: TableMeta): Promise<void> {
  return scheduleTransition(ctx, () =>
    updateTableMeta(ctx, table.TableName, table.TableId, (current) => {
      if (current.TableStatus !== 'CREATING') return undefined;
      const indexes = current.GlobalSecondaryIndexes.map((index) =>
        index.IndexStatus === 'CREATING' ? { ...index, IndexStatus: 'ACTIVE' as const } : index,
      );
      return { ...current, TableStatus: 'ACTIVE', GlobalSecondaryIndexes: indexes };
    }),
  );
}

/** UPDATING → ACTIVE once no index is still being created or deleted. */
export function settleTableStatus(table: TableMeta): TableMeta {
  const busy = table.GlobalSecondaryIndexes.some(
    (index) => index.IndexStatus === 'CREATING' || index.IndexStatus === 'DELETING',
  );
  return { ...table, TableStatus: busy ? 'UPDATING' : 'ACTIVE' };
}

/**
 * Settles what a crash or restart interrupted: tables left CREATING or UPDATING become ACTIVE,
 * tables left DELETING are dropped. Call once when a region's store opens. Indexes left CREATING
 * are handed to `finishIndex` (which backfills them); indexes left DELETING are removed.
 */
export async function recoverTableTransitions(
  ctx: OperationContext,
  finishIndex: (ctx: OperationContext, table: TableMeta, indexName: string) => Promise<void>,
): Promise<void> {
  for (const tableName of ctx.store.listTableNames()) {
    const table = ctx.store.getTableMeta(tableName);
    if (!table) continue;
    if (table.TableStatus === 'DELETING') {
      await ctx.store.dropTable(tableName);
      continue;
    }
    const creating = table.GlobalSecondaryIndexes.filter((index) => index.IndexStatus === 'CREATING');
    for (const index of creating) await finishIndex(ctx, table, index.IndexName);
    await updateTableMeta(ctx, tableName, table.TableId, (current) =>
      settleTableStatus({
        ...current,
        GlobalSecondaryIndexes: current.GlobalSecondaryIndexes.filter(
          (index) => index.IndexStatus !== 'DELETING',
        ),
      }),
    );
  }
}

const inUseWording: Record<Exclude<TableMeta['TableStatus'], 'ACTIVE'>, string> = {
  CREATING: 'being created',
  UPDATING: 'being updated',
  DELETING: 'being deleted',
};

/** AWS's ResourceInUseException for changing a table that is not ACTIVE. */
export function requireActive(table: TableMeta): void {
  if (table.TableStatus === 'ACTIVE') return;
  throw new DynamoError(
    'ResourceInUseException',
    `Attempt to change a resource which is still in use: Table is ${inUseWording[table.TableStatus]}: ${table.TableName}`,
  );
}
