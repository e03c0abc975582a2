/**
 * Runs planned load against the world: every client on its own, one operation at a time at its
 * planned time (or at once when the previous one ran late: plannedMs and startMs say by how
 * much), every operation recorded as an OpRecord, failures included.
 *
 * Each client sits at its location: it binds its own address in the location's range
 * (clientAddress) for DNS, HTTP and DynamoDB alike. App operations go through the plan's entry
 * (app-client.ts); ddb-* operations go to a region's DynamoDB endpoint (dynamo-client.ts).
 *
 * Bounded: every request has a timeout; on abort no operation starts any more, those in flight end
 * as 'Aborted' and are recorded; connections and SDK clients are closed when the run ends.
 */
import { PangeaError } from '../../shared/errors.js';
import type { OpRecord } from '../model.js';
import { LoadAppClient } from './app-client.js';
import { type DynamoOp, LoadDynamoClient } from './dynamo-client.js';
import { defaultFailoverPolicy, type FailoverPolicy } from './failover.js';
import type { OpOutcome } from './outcome.js';
import type { ClientPlan, PlannedOp } from './plan.js';
import { clientAddress, type LoadTarget, locationOf } from './target.js';

export interface RunLoadOptions {
  /** Must be the run id the plans were made with (it names the run's DynamoDB items). */
  runId: string;
  /** Run-relative milliseconds (the plans' clock). */
  nowMs: () => number;
  onRecord: (record: OpRecord) => void;
  signal: AbortSignal;
  /** Overrides the plans' requestTimeoutMs. */
  requestTimeoutMs?: number;
  failover?: Partial<FailoverPolicy>;
}

export async function runLoad(
  plans: ClientPlan[],
  target: LoadTarget,
  options: RunLoadOptions,
): Promise<void> {
  checkPlans(plans, target, options.runId);
  // Stops every client when the caller aborts or when recording fails.
  const stop = new AbortController();
  const onCallerAbort = () => stop.abort();
  if (options.signal.aborted) stop.abort();
  else options.signal.addEventListener('abort', onCallerAbort, { once: true });
  let recordError: unknown = null;
  const record = (entry: OpRecord) => {
    if (recordError !== null) return;
    try {
      options.onRecord(entry);
    } catch (error) {
      recordError = error;
      stop.abort();
    }
  };
  const clients = plans.map((plan) => new LoadClient(plan, target, options, stop.signal, record));
  try {
    await Promise.all(clients.map((client) => client.run()));
  } finally {
    options.signal.removeEventListener('abort', onCallerAbort);
    for (const client of clients) client.close();
  }
  if (recordError !== null) throw recordError;
}

/** Refuses up front what would make every operation fail the same way. */
function checkPlans(plans: ClientPlan[], target: LoadTarget, runId: string): void {
  for (const plan of plans) {
    locationOf(target, plan.location);
    if (plan.runId !== runId)
      throw new PangeaError('RunIdMismatch', `plan of ${plan.client} is for run ${plan.runId}, not ${runId}`);
    const hasAppOps = plan.ops.some((op) => !isDynamoOp(op));
    if (hasAppOps && plan.entry === 'dns' && !target.dns)
      throw new PangeaError('NoEntry', 'the load goes through DNS but the world has no DNS server');
    if (hasAppOps && plan.entry === 'accelerator' && !target.accelerator)
      throw new PangeaError('NoEntry', 'the load goes through the accelerator but the world has none');
  }
}

function isDynamoOp(op: PlannedOp): op is DynamoOp {
  return op.kind === 'ddb-put' || op.kind === 'ddb-read' || op.kind === 'ddb-increment';
}

class LoadClient {
  private readonly app: LoadAppClient;
  private readonly dynamo: LoadDynamoClient;

  constructor(
    private readonly plan: ClientPlan,
    target: LoadTarget,
    private readonly options: RunLoadOptions,
    private readonly signal: AbortSignal,
    private readonly record: (entry: OpRecord) => void,
  ) {
    const location = locationOf(target, plan.location);
    const address = clientAddress(location, plan.index);
    const timeoutMs = options.requestTimeoutMs ?? plan.requestTimeoutMs;
    this.app = new LoadAppClient(plan, target, address, { timeoutMs, signal });
    this.dynamo = new LoadDynamoClient(plan, target, location.regionsByProximity, address, {
      runId: options.runId,
      nowMs: options.nowMs,
      timeoutMs,
      signal,
      failover: { ...defaultFailoverPolicy, ...options.failover },
    });
  }

  async run(): Promise<void> {
    for (const op of this.plan.ops) {
      if (this.signal.aborted) return;
      await sleepUntil(op.atMs, this.options.nowMs, this.signal);
      if (this.signal.aborted) return;
      const startMs = this.options.nowMs();
      const outcome = isDynamoOp(op) ? await this.dynamo.run(op) : await this.app.run(op);
      this.record(this.toRecord(op, startMs, this.options.nowMs(), outcome));
    }
  }

  close(): void {
    this.app.close();
    this.dynamo.close();
  }

  private toRecord(op: PlannedOp, startMs: number, endMs: number, outcome: OpOutcome): OpRecord {
    const { write, read, increment, ...result } = outcome;
    return {
      client: this.plan.client,
      location: this.plan.location,
      entry: isDynamoOp(op) ? 'dynamodb' : this.plan.entry,
      kind: op.kind,
      plannedMs: op.atMs,
      startMs,
      endMs,
      ...result,
      ...(write ? { write } : {}),
      ...(read ? { read } : {}),
      ...(increment ? { increment } : {}),
    };
  }
}

/** Waits for the planned time; returns at once when it has passed or the run is stopped. */
async function sleepUntil(atMs: number, nowMs: () => number, signal: AbortSignal): Promise<void> {
  // Timers may fire a little early (whole milliseconds): wait again until the time has come.
  for (let waitMs = atMs - nowMs(); waitMs > 0 && !signal.aborted; waitMs = atMs - nowMs()) {
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.ceil(waitMs));
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
