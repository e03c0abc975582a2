/**
 * Which streams exist and what state they are in.
 *
 * A stream is a (table, label) pair. The table's LatestStreamLabel is its current stream: ENABLED
 * while the table's StreamSpecification says so, DISABLED afterwards. AWS keeps a disabled stream
 * readable for 24 hours, and re-enabling creates a new stream with a new label
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html#Streams.Enabling).
 *
 * TableMeta keeps no history of earlier labels, nor when a stream was disabled, nor the view type
 * of a disabled stream, so Pangea approximates:
 * - an older label is readable while the log still holds records of it (the store trims after 24 h);
 * - the latest label, once disabled, is readable while it holds records or was created < 24 h ago;
 * - a disabled stream's view type is the one last seen while it was enabled (this process), else
 *   inferred from the images its records carry.
 * ListStreams can only list latest labels (the log has no "which labels" query).
 */
import type { TableMeta } from '../../model.js';
import type { StreamLogReader } from '../../storage/types.js';
import type { OperationContext } from '../types.js';
import { formatStreamArn, labelCreationMs, parseStreamArn } from './arn.js';
import { streamLogOf } from './log.js';
import { shardIdFor } from './shard.js';

export type StreamViewType = 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';

/** "data in the stream continues to be readable for 24 hours" after it is disabled. */
export const streamRetentionMs = 24 * 60 * 60 * 1000;

export interface StreamState {
  arn: string;
  label: string;
  table: TableMeta;
  enabled: boolean;
  viewType: StreamViewType;
  creationMs: number;
  shardId: string;
  /** Oldest retained and newest sequence; undefined while the stream holds no records. */
  range: { first: number; last: number } | undefined;
  log: StreamLogReader;
}

/** View types of streams seen enabled, by ARN: disabling drops StreamSpecification from the table. */
const viewTypesSeen = new Map<string, StreamViewType>();
const viewTypesSeenLimit = 10_000;

const viewTypes: readonly string[] = ['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES'];
const isViewType = (value: unknown): value is StreamViewType =>
  typeof value === 'string' && viewTypes.includes(value);

/** The stream an ARN names in this region, or undefined when it does not exist (any more). */
export function findStream(ctx: OperationContext, streamArn: string): StreamState | undefined {
  const parts = parseStreamArn(streamArn);
  if (!parts || parts.region !== ctx.region || parts.accountId !== ctx.accountId) return undefined;
  const table = ctx.store.getTableMeta(parts.tableName);
  if (!table || formatStreamArn(table.TableArn, parts.label) !== streamArn) return undefined;
  return streamState(ctx, table, parts.label);
}

/** The readable stream of `table` with `label`, or undefined. */
export function streamState(ctx: OperationContext, table: TableMeta, label: string): StreamState | undefined {
  const creationMs = labelCreationMs(label);
  if (creationMs === undefined) return undefined;
  const log = streamLogOf(ctx.store);
  const range = log.streamSequenceRange(table.TableName, label);
  const latest = label === table.LatestStreamLabel;
  const enabled = latest && table.StreamSpecification?.StreamEnabled === true;
  const recentlyCreated = latest && ctx.nowMs() - creationMs < streamRetentionMs;
  if (!enabled && range === undefined && !recentlyCreated) return undefined;
  const arn = formatStreamArn(table.TableArn, label);
  const viewType = viewTypeOf(table, arn, enabled, () => inferViewType(log, table.TableName, label));
  return {
    arn,
    label,
    table,
    enabled,
    viewType,
    creationMs,
    shardId: shardIdFor(arn, creationMs),
    range,
    log,
  };
}

function viewTypeOf(
  table: TableMeta,
  arn: string,
  enabled: boolean,
  infer: () => StreamViewType,
): StreamViewType {
  const configured = table.StreamSpecification?.StreamViewType;
  if (enabled && isViewType(configured)) {
    if (!viewTypesSeen.has(arn) && viewTypesSeen.size >= viewTypesSeenLimit) viewTypesSeen.clear();
    viewTypesSeen.set(arn, configured);
    return configured;
  }
  return viewTypesSeen.get(arn) ?? infer();
}

/** The view type whose images the stream's records carry (a sample of the oldest ones). */
function inferViewType(log: StreamLogReader, tableName: string, label: string): StreamViewType {
  const sample = log.streamRecords(tableName, label, -1, 100);
  const hasNew = sample.some((record) => record.newImage !== undefined);
  const hasOld = sample.some((record) => record.oldImage !== undefined);
  if (hasNew && hasOld) return 'NEW_AND_OLD_IMAGES';
  if (hasNew) return 'NEW_IMAGE';
  if (hasOld) return 'OLD_IMAGE';
  return 'KEYS_ONLY';
}

/** Every readable current stream of the region (of one table when `tableName` is given), by ARN. */
export function readableStreams(ctx: OperationContext, tableName?: string): StreamState[] {
  const names = tableName === undefined ? ctx.store.listTableNames() : [tableName];
  const streams: StreamState[] = [];
  for (const name of names) {
    const table = ctx.store.getTableMeta(name);
    if (!table?.LatestStreamLabel) continue;
    const state = streamState(ctx, table, table.LatestStreamLabel);
    if (state) streams.push(state);
  }
  return streams.sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
}
