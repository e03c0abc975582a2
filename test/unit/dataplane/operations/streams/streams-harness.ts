/**
 * Test harness for the Streams operations: the table harness (real store, fake clock) whose store
 * answers the stream log queries from an in-memory log the test fills and trims by hand, so the
 * Streams operations can be tested independently of how the store records changes.
 */

import type { Item } from '../../../../../src/dataplane/model.js';
import { createTable } from '../../../../../src/dataplane/operations/tables/create-table.js';
import { transitionsSettled } from '../../../../../src/dataplane/operations/tables/lifecycle.js';
import { withStreamEnabled } from '../../../../../src/dataplane/operations/tables/streams.js';
import type { OperationInput } from '../../../../../src/dataplane/operations/types.js';
import type {
  RegionStore,
  StreamLogReader,
  StreamRecord,
} from '../../../../../src/dataplane/storage/types.js';
import { type Harness, openHarness, simpleTable } from '../tables/harness.js';

export { rejectsWith } from '../tables/harness.js';

/** An in-memory stream log: records appended by the test, trimmed by the test. */
export class FakeStreamLog implements StreamLogReader {
  private readonly records: StreamRecord[] = [];
  private nextSequence = 100;

  /** Appends a record with the next sequence (gaps of 7 between records, as other tables' records would leave). */
  append(fields: Partial<StreamRecord> & Pick<StreamRecord, 'tableName' | 'streamLabel'>): StreamRecord {
    const sequence = this.nextSequence;
    this.nextSequence += 7;
    const record: StreamRecord = {
      sequence,
      eventName: 'INSERT',
      keys: { pk: { S: `k${sequence}` } },
      approximateCreationMs: Date.UTC(2025, 0, 2, 3, 4, 5, 678),
      sizeBytes: 10,
      originRegion: 'eu-west-1',
      ...fields,
    };
    this.records.push(record);
    return record;
  }

  /** Drops every record with a sequence below `sequence`, as the store's 24-hour trimming does. */
  trimBelow(sequence: number): void {
    const kept = this.records.filter((record) => record.sequence >= sequence);
    this.records.splice(0, this.records.length, ...kept);
  }

  streamRecords(
    tableName: string,
    streamLabel: string,
    afterSequence: number,
    limit: number,
  ): StreamRecord[] {
    return this.of(tableName, streamLabel)
      .filter((record) => record.sequence > afterSequence)
      .slice(0, limit);
  }

  streamSequenceRange(tableName: string, streamLabel: string): { first: number; last: number } | undefined {
    const records = this.of(tableName, streamLabel);
    const first = records[0];
    const last = records.at(-1);
    return first && last ? { first: first.sequence, last: last.sequence } : undefined;
  }

  private of(tableName: string, streamLabel: string): StreamRecord[] {
    return this.records.filter(
      (record) => record.tableName === tableName && record.streamLabel === streamLabel,
    );
  }
}

/** The store with its stream log queries answered by `log`. */
function withFakeLog(store: RegionStore, log: FakeStreamLog): RegionStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'streamRecords') return log.streamRecords.bind(log);
      if (property === 'streamSequenceRange') return log.streamSequenceRange.bind(log);
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export interface StreamsHarness extends Harness {
  log: FakeStreamLog;
  /** Creates a table with a stream of `viewType`; returns its stream ARN and label. */
  createStreamTable(tableName: string, viewType?: string): Promise<{ arn: string; label: string }>;
  setStream(tableName: string, enabled: boolean, viewType?: string): Promise<void>;
}

export async function openStreamsHarness(): Promise<StreamsHarness> {
  const harness = await openHarness();
  const log = new FakeStreamLog();
  harness.ctx.store = withFakeLog(harness.ctx.store, log);
  // Transitions are tracked per store object: the wrapped store's, from now on.
  const settle = () => transitionsSettled(harness.ctx.store);
  return {
    ...harness,
    log,
    settle,
    async close() {
      await settle();
      await harness.close();
    },
    async createStreamTable(tableName, viewType = 'NEW_AND_OLD_IMAGES') {
      const spec: OperationInput = { StreamSpecification: { StreamEnabled: true, StreamViewType: viewType } };
      const created = await harness.call(createTable, simpleTable(tableName, spec));
      await settle();
      const description = created.TableDescription as Record<string, string>;
      return { arn: description.LatestStreamArn ?? '', label: description.LatestStreamLabel ?? '' };
    },
    // As UpdateTable changes the stream (kept independent of UpdateTable's other checks).
    async setStream(tableName, enabled, viewType = 'NEW_AND_OLD_IMAGES') {
      const table = harness.ctx.store.getTableMeta(tableName);
      if (!table) throw new Error(`no table ${tableName}`);
      if (enabled) {
        await harness.ctx.store.putTableMeta(withStreamEnabled(table, viewType, harness.clock.nowMs));
        return;
      }
      const { StreamSpecification, ...disabled } = table;
      await harness.ctx.store.putTableMeta(disabled);
    },
  };
}

export const key = (value: string): Item => ({ pk: { S: value } });
