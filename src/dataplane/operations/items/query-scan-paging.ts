/**
 * One page of a Query or Scan, read lazily from the store's iterator. A page stops after Limit
 * items were read or once 1 MB was read, both counted before the filter is applied; either way
 * the response carries a LastEvaluatedKey (even if nothing follows).
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Scan.html#Scan.Pagination
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.FilterExpression.html
 */
import { type ConditionNode, evaluateCondition, projectItem } from '../../expressions/index.js';
import type { Item } from '../../model.js';
import { itemSizeBytes } from '../../values/index.js';
import type { Selection } from './query-scan-select.js';
import { lastEvaluatedKeyOf } from './query-scan-target.js';

/** AWS's page cap on data read: 1 MB. */
export const maxPageBytes = 1024 * 1024;

export interface PagePlan {
  /** Table items, or the index's projected items, in key order from the start key on. */
  source: Iterable<Item>;
  limit: number | undefined;
  filter: ConditionNode | undefined;
  selection: Selection;
  /** Attributes copied into LastEvaluatedKey. */
  startKeyNames: readonly string[];
  /** For an LSI that must return unprojected attributes: reads the whole item from the table. */
  fetchFromTable: ((indexItem: Item) => Item | undefined) | undefined;
}

export interface Page {
  items: Item[];
  count: number;
  scannedCount: number;
  lastEvaluatedKey: Item | undefined;
  /** Bytes read from the table or index being read, for capacity. */
  bytesRead: number;
  /** Bytes of table items fetched on behalf of an LSI. */
  tableFetchBytes: number;
}

export function readPage(plan: PagePlan): Page {
  const page: Page = {
    items: [],
    count: 0,
    scannedCount: 0,
    lastEvaluatedKey: undefined,
    bytesRead: 0,
    tableFetchBytes: 0,
  };
  let last: Item | undefined;
  for (const stored of plan.source) {
    last = stored;
    page.scannedCount += 1;
    page.bytesRead += itemSizeBytes(stored);
    const item = plan.fetchFromTable ? fetch(plan.fetchFromTable, stored, page) : stored;
    if (item && (!plan.filter || evaluateCondition(plan.filter, item))) {
      page.count += 1;
      if (plan.selection.kind !== 'count') page.items.push(shape(item, plan.selection));
    }
    if (pageIsFull(plan, page)) {
      page.lastEvaluatedKey = lastEvaluatedKeyOf(last, plan.startKeyNames);
      break;
    }
  }
  return page;
}

function fetch(
  fetchFromTable: (indexItem: Item) => Item | undefined,
  stored: Item,
  page: Page,
): Item | undefined {
  const item = fetchFromTable(stored);
  if (item) page.tableFetchBytes += itemSizeBytes(item);
  return item;
}

const pageIsFull = (plan: PagePlan, page: Page): boolean =>
  (plan.limit !== undefined && page.scannedCount >= plan.limit) || page.bytesRead >= maxPageBytes;

function shape(item: Item, selection: Selection): Item {
  return selection.kind === 'paths' ? projectItem(item, selection.paths) : item;
}

/** The paging part of the response: Items unless only the count was asked for. */
export function pageOutput(page: Page, selection: Selection): Record<string, unknown> {
  const output: Record<string, unknown> = {};
  if (selection.kind !== 'count') output.Items = page.items;
  output.Count = page.count;
  output.ScannedCount = page.scannedCount;
  if (page.lastEvaluatedKey) output.LastEvaluatedKey = page.lastEvaluatedKey;
  return output;
}
