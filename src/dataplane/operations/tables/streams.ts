/**
 * Stream specification reading, checking and labelling, shared by CreateTable and UpdateTable.
 * The label is the stream's creation time in ISO 8601 without a zone, e.g. 2015-05-11T21:21:33.291,
 * and the stream ARN is the table ARN + "/stream/" + label.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_StreamSpecification.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TableDescription.html (LatestStreamLabel)
 */
import type { TableMeta } from '../../model.js';
import { streamViewTypes } from './schema.js';
import { type Constraints, invalidParameters, member } from './validation.js';

export interface StreamInput {
  StreamEnabled?: boolean;
  StreamViewType?: string;
}

export function readStreamSpecification(input: unknown): StreamInput | undefined {
  const spec = member(input, 'StreamSpecification', 'structure');
  if (!spec) return undefined;
  return {
    StreamEnabled: member(spec, 'StreamEnabled', 'boolean'),
    StreamViewType: member(spec, 'StreamViewType', 'string'),
  };
}

export function checkStreamSpecification(constraints: Constraints, spec: StreamInput | undefined): void {
  if (!spec) return;
  constraints.required('streamSpecification.streamEnabled', spec.StreamEnabled);
  constraints.oneOf('streamSpecification.streamViewType', spec.StreamViewType, streamViewTypes);
}

export function streamProblem(spec: StreamInput | undefined): string | undefined {
  if (!spec) return undefined;
  if (spec.StreamEnabled && !spec.StreamViewType) {
    return `${invalidParameters}StreamViewType is required when StreamEnabled is true`;
  }
  if (!spec.StreamEnabled && spec.StreamViewType) {
    return `${invalidParameters}StreamViewType cannot be specified when StreamEnabled is false`;
  }
  return undefined;
}

export const streamLabel = (nowMs: number): string => new Date(nowMs).toISOString().replace(/Z$/, '');

/** The table with a newly enabled stream: a new label and ARN every time a stream is enabled. */
export function withStreamEnabled(table: TableMeta, viewType: string, nowMs: number): TableMeta {
  const label = streamLabel(nowMs);
  return {
    ...table,
    StreamSpecification: { StreamEnabled: true, StreamViewType: viewType },
    LatestStreamLabel: label,
    LatestStreamArn: `${table.TableArn}/stream/${label}`,
  };
}
