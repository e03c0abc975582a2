/**
 * The TTL sweeper: AWS deletes expired items in the background, on a best-effort basis
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html).
 * Every `intervalMs` the sweeper asks the item layer to expire at most `batchLimit` items in
 * total, across the tables whose TTL is ENABLED, starting each tick with the table after the
 * one it started with last time so a busy table cannot starve the others. Ticks never overlap.
 */
import type { TableMeta } from '../model.js';
import { expireItems as itemLayerExpireItems } from './items/expire.js';
import type { OperationContext } from './types.js';

/** Deletes up to `limit` items of `table` expired at `nowMs`; returns how many it deleted. */
export type ExpireItems = (
  ctx: OperationContext,
  table: TableMeta,
  nowMs: number,
  limit: number,
) => Promise<number | undefined | unknown>;

export interface TtlSweeperOptions {
  /** Pause between the end of one tick and the start of the next. Default 1000. */
  intervalMs?: number;
  /** Most items expired per tick, over all tables. Default 100. */
  batchLimit?: number;
  /** The deletion path; defaults to the item layer's. Tests inject their own. */
  expireItems?: ExpireItems;
  /** Called with any error a tick throws; the sweeper carries on with the next tick. */
  onError?: (error: unknown) => void;
}

export interface TtlSweeper {
  /** Stops ticking and resolves once a tick in progress has finished. */
  stop(): Promise<void>;
}

const defaultIntervalMs = 1000;
const defaultBatchLimit = 100;

function ttlTables(ctx: OperationContext): TableMeta[] {
  return ctx.store
    .listTableNames()
    .map((name) => ctx.store.getTableMeta(name))
    .filter(
      (table): table is TableMeta =>
        table?.timeToLive?.status === 'ENABLED' && table.TableStatus !== 'DELETING',
    );
}

const deletedCount = (result: unknown): number => (typeof result === 'number' && result > 0 ? result : 0);

export function startTtlSweeper(ctx: OperationContext, options: TtlSweeperOptions = {}): TtlSweeper {
  const intervalMs = options.intervalMs ?? defaultIntervalMs;
  const batchLimit = options.batchLimit ?? defaultBatchLimit;
  const expire = options.expireItems ?? defaultExpireItems;
  let rotation = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function tick(): Promise<void> {
    const tables = ttlTables(ctx);
    if (tables.length === 0) return;
    rotation = (rotation + 1) % tables.length;
    let budget = batchLimit;
    for (let step = 0; step < tables.length && budget > 0 && !stopped; step++) {
      const table = tables[(rotation + step) % tables.length];
      if (!table) continue;
      budget -= deletedCount(await expire(ctx, table, ctx.nowMs(), budget));
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick()
        .catch((error: unknown) => options.onError?.(error))
        .finally(() => {
          running = undefined;
          schedule();
        });
    }, intervalMs);
    timer.unref();
  }

  schedule();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

/** The item layer's expiry (items/expire.ts). */
const defaultExpireItems: ExpireItems = itemLayerExpireItems;
