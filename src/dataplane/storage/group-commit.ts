/**
 * Explicit group commit: write actions queue up while earlier batches are committing, and each
 * batch runs as ONE lmdb asynchronous transaction whose callback runs every action in its own
 * child transaction (a throw rolls back only that action). Every action's promise settles when
 * lmdb reports its batch's commit, exactly as with a lone `childTransaction` before.
 *
 * Why not queue each action with `childTransaction` and let lmdb batch per event turn? lmdb then
 * starts a batch on every event turn that wrote, so with 16 concurrent clients each batch holds a
 * handful of writes, and every batch pays the same fixed cost: a hop to a libuv worker, a hop
 * back to the main thread to run the callbacks, the commit and its sync, and a hop to resolve.
 * Bounding the batches in flight makes the writes that arrive meanwhile wait and join the next
 * batch, so the fixed cost is shared by many more writes. Two in flight (not one) lets the next
 * batch run its callbacks and write while the previous one is still syncing (overlappingSync
 * releases the write lock before the sync). Measured with 16 concurrent writers, store alone:
 * ~1.3x lmdb's own batching; PutItem over HTTP: ~1.4x.
 *
 * Why not one `transactionSync` on the main thread? Its commit syncs on the main thread, which then
 * serves no request while the disk flushes: over HTTP it measured at half of lmdb's batching.
 *
 * Durability is unchanged: the commit is still lmdb's asynchronous commit with the store's sync
 * settings, and no promise resolves before lmdb reports that commit done.
 */
import type { RootDatabase } from 'lmdb';

interface QueuedWrite {
  action: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

const maxBatchesInFlight = 2;

export class GroupCommitter {
  private queue: QueuedWrite[] = [];
  private batchesInFlight = 0;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(private readonly root: RootDatabase) {}

  /** Runs `action` atomically in a coming batch; it must be synchronous (no promise). */
  run<T>(action: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ action, resolve: resolve as (value: unknown) => void, reject });
      this.startBatch();
    });
  }

  /** Settles once every write queued so far has committed or failed. */
  drained(): Promise<void> {
    if (this.batchesInFlight === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private startBatch(): void {
    if (this.batchesInFlight >= maxBatchesInFlight || this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.batchesInFlight++;
    this.root
      .transaction(() => batch.map((write) => this.runChild(write.action)))
      .then(
        (outcomes: Outcome[]) => settle(batch, outcomes),
        (commitError: unknown) => {
          for (const write of batch) write.reject(commitError);
        },
      )
      .finally(() => {
        this.batchesInFlight--;
        this.startBatch();
        if (this.batchesInFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
      });
  }

  private runChild(action: () => unknown): Outcome {
    try {
      return { ok: true, value: this.root.childTransaction(action) };
    } catch (error) {
      return { ok: false, error };
    }
  }
}

function settle(batch: QueuedWrite[], outcomes: Outcome[]): void {
  batch.forEach((write, index) => {
    const outcome = outcomes[index] as Outcome;
    if (outcome.ok) write.resolve(outcome.value);
    else write.reject(outcome.error);
  });
}
