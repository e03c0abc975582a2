/**
 * What a Query or Scan returns: Select, ProjectionExpression / AttributesToGet, and what an index
 * can serve. A GSI can only return what it projects; an LSI fetches the rest from the table.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html#DDB-Query-request-Select
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/LSI.html#LSI.Projections
 */
import type { DocumentPath } from '../../expressions/index.js';
import { type IndexMeta, type TableMeta, validationError } from '../../model.js';
import { invalidParameters, javaList } from '../tables/validation.js';
import type { ReadOperation, Select } from './query-scan-request.js';

/** How each page item is shaped for the response. */
export type Selection =
  | { kind: 'count' }
  | { kind: 'allAttributes' }
  | { kind: 'allProjected' }
  | { kind: 'paths'; paths: DocumentPath[] };

/**
 * AWS's Select checks, which run before the table is looked up. Query reports them inside the
 * framework's "1 validation error detected: " envelope and Scan bare (observed on AWS; the
 * ALL_PROJECTED_ATTRIBUTES message says "Querying" for Scan too).
 */
export function checkSelect(
  operation: ReadOperation,
  select: Select | undefined,
  projectionParameter: 'AttributesToGet' | 'ProjectionExpression' | undefined,
  indexName: string | undefined,
): void {
  const fail = (message: string): never => {
    throw validationError(operation === 'Query' ? `1 validation error detected: ${message}` : message);
  };
  const chosen = select === 'COUNT' ? 'only the Count' : select;
  if (projectionParameter && select !== undefined && select !== 'SPECIFIC_ATTRIBUTES') {
    fail(`Cannot specify the ${projectionParameter} when choosing to get ${chosen}`);
  }
  if (select === 'ALL_PROJECTED_ATTRIBUTES' && indexName === undefined) {
    fail('ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName');
  }
  if (select === 'SPECIFIC_ATTRIBUTES' && !projectionParameter) {
    fail('Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES');
  }
}

/** The top-level attributes an index holds for each item, or undefined when it projects ALL. */
export function projectedAttributes(table: TableMeta, index: IndexMeta): Set<string> | undefined {
  if (index.Projection.ProjectionType === 'ALL') return undefined;
  return new Set([
    ...table.KeySchema.map((element) => element.AttributeName),
    ...index.KeySchema.map((element) => element.AttributeName),
    ...(index.Projection.NonKeyAttributes ?? []),
  ]);
}

const topLevelName = (path: DocumentPath): string => {
  const head = path[0];
  return head?.kind === 'name' ? head.name : '';
};

/** Top-level names the paths read that the index does not hold (none when it projects ALL). */
function missingFromIndex(table: TableMeta, index: IndexMeta, paths: DocumentPath[]): string[] {
  const projected = projectedAttributes(table, index);
  if (!projected) return [];
  const missing = paths.map(topLevelName).filter((name) => !projected.has(name));
  return [...new Set(missing)];
}

/**
 * Resolves the effective selection once the index is known, rejecting what a GSI cannot serve.
 * Defaults: ALL_ATTRIBUTES for a table, ALL_PROJECTED_ATTRIBUTES for an index.
 */
export function resolveSelection(
  table: TableMeta,
  index: IndexMeta | undefined,
  select: Select | undefined,
  paths: DocumentPath[] | undefined,
): Selection {
  if (select === 'COUNT') return { kind: 'count' };
  if (paths) {
    if (index?.kind === 'GSI') rejectUnprojectedPaths(table, index, paths);
    return { kind: 'paths', paths };
  }
  if (!index) return { kind: 'allAttributes' };
  if (select === 'ALL_ATTRIBUTES') {
    if (index.kind === 'GSI' && index.Projection.ProjectionType !== 'ALL') {
      throw validationError(
        `${invalidParameters}Select type ALL_ATTRIBUTES is not supported for global secondary index ` +
          `${index.IndexName} because its projection type is not ALL`,
      );
    }
    return { kind: 'allAttributes' };
  }
  return { kind: 'allProjected' };
}

function rejectUnprojectedPaths(table: TableMeta, index: IndexMeta, paths: DocumentPath[]): void {
  const missing = missingFromIndex(table, index, paths);
  if (missing.length > 0) {
    throw validationError(
      `${invalidParameters}Global secondary index ${index.IndexName} does not project ${javaList(missing)}`,
    );
  }
}

/**
 * True when an LSI page must fetch each item from the table: everything was asked for, or a
 * path names an attribute the index does not project.
 */
export function needsTableFetch(
  table: TableMeta,
  index: IndexMeta | undefined,
  selection: Selection,
): boolean {
  if (index?.kind !== 'LSI' || index.Projection.ProjectionType === 'ALL') return false;
  if (selection.kind === 'allAttributes') return true;
  return selection.kind === 'paths' && missingFromIndex(table, index, selection.paths).length > 0;
}
