/**
 * Scan: every item of the table or index, one page at a time, optionally one segment of a
 * parallel scan. https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Scan.html
 * Parallel scans: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Scan.html#Scan.ParallelScan
 */
import { validationError } from '../../model.js';
import { Constraints, integerMember } from '../tables/validation.js';
import type { OperationHandler, OperationInput } from '../types.js';
import { requireItemTable } from './common.js';
import { readProjection } from './projection.js';
import {
  checkPlaceholdersUsed,
  checkRequestShape,
  openScope,
  readFilter,
  respond,
} from './query-scan-read.js';
import {
  checkAttributesToGet,
  checkConditionalOperator,
  checkLegacyConditions,
  checkLimit,
  checkReturnConsumedCapacity,
  checkSharedConstraints,
  checkTableName,
  type ReadRequest,
  readRequest,
} from './query-scan-request.js';
import { resolveSelection } from './query-scan-select.js';
import { checkConsistentRead, requireIndex, validateStartKeyShape } from './query-scan-target.js';

const expressionParameters = ['ProjectionExpression', 'FilterExpression'] as const;
const legacyParameters = ['AttributesToGet', 'ScanFilter', 'ConditionalOperator'] as const;

/** API limits of a parallel scan: Segment 0..999999, TotalSegments 1..1000000. */
const maxTotalSegments = 1_000_000;

interface Segmenting {
  segment: number | undefined;
  totalSegments: number | undefined;
}

/** Stage 1, in the order AWS lists Scan's violations. */
function checkConstraints(input: OperationInput, request: ReadRequest, segmenting: Segmenting): void {
  const constraints = new Constraints();
  checkSharedConstraints(constraints, request);
  constraints.range('totalSegments', segmenting.totalSegments, 1, maxTotalSegments);
  checkReturnConsumedCapacity(constraints, request);
  checkTableName(constraints, input);
  checkConditionalOperator(constraints, request);
  checkLegacyConditions(constraints, 'scanFilter', request.legacyFilter);
  constraints.range('segment', segmenting.segment, 0, maxTotalSegments - 1);
  checkLimit(constraints, request);
  checkAttributesToGet(constraints, request);
  constraints.throwIfAny();
}

/** Segment and TotalSegments come together, and the segment is one of the total. */
function checkSegments({ segment, totalSegments }: Segmenting): void {
  if (segment !== undefined && totalSegments === undefined) {
    throw validationError(
      'The TotalSegments parameter is required but was not present in the request when Segment parameter is present',
    );
  }
  if (totalSegments !== undefined && segment === undefined) {
    throw validationError(
      'The Segment parameter is required but was not present in the request when parameter TotalSegments is present',
    );
  }
  if (segment !== undefined && totalSegments !== undefined && segment >= totalSegments) {
    throw validationError(
      'The Segment parameter is zero-based and must be less than parameter TotalSegments: ' +
        `Segment: ${segment} is not less than TotalSegments: ${totalSegments}`,
    );
  }
}

export const scan: OperationHandler = async (ctx, input) => {
  const request = readRequest('Scan', input);
  const segmenting: Segmenting = {
    segment: integerMember(input, 'Segment'),
    totalSegments: integerMember(input, 'TotalSegments'),
  };
  checkConstraints(input, request, segmenting);

  const startKey = checkRequestShape(input, request, expressionParameters, legacyParameters);
  checkSegments(segmenting);
  const scope = openScope(input, expressionParameters);
  const filter = readFilter(request, scope);
  const paths = readProjection(input, scope);
  checkPlaceholdersUsed(input, scope);

  const table = requireItemTable(ctx, request.tableName);
  const index = request.indexName === undefined ? undefined : requireIndex(table, request.indexName);
  checkConsistentRead(index, request.consistentRead);
  if (startKey) validateStartKeyShape('Scan', table, index, startKey);
  const selection = resolveSelection(table, index, request.select, paths);

  const source = ctx.store.scan(table, {
    ...(index ? { indexName: index.IndexName } : {}),
    ...(segmenting.totalSegments !== undefined
      ? { segment: segmenting.segment, totalSegments: segmenting.totalSegments }
      : {}),
    ...(startKey ? { exclusiveStartKey: startKey } : {}),
  });
  return respond(ctx, request, { table, index, filter, selection }, source);
};
