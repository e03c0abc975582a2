/**
 * The operation registry: every DynamoDB_20120810 operation Pangea serves, by the name that
 * follows the dot in X-Amz-Target (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Operations_Amazon_DynamoDB.html).
 * Operations not listed here are answered by the protocol layer as unknown.
 * The item operations come from ./items/.
 */
import { createGlobalTable } from './global-tables/create-global-table.js';
import { describeGlobalTable } from './global-tables/describe-global-table.js';
import { describeGlobalTableSettings } from './global-tables/describe-global-table-settings.js';
import { listGlobalTables } from './global-tables/list-global-tables.js';
import { updateGlobalTable } from './global-tables/update-global-table.js';
import { batchGetItem } from './items/batch-get-item.js';
import { batchWriteItem } from './items/batch-write-item.js';
import { deleteItem } from './items/delete-item.js';
import { getItem } from './items/get-item.js';
import { putItem } from './items/put-item.js';
import { query } from './items/query.js';
import { scan } from './items/scan.js';
import { transactGetItems } from './items/transact-get-items.js';
import { transactWriteItems } from './items/transact-write-items.js';
import { updateItem } from './items/update-item.js';
import { createTable } from './tables/create-table.js';
import { deleteTable } from './tables/delete-table.js';
import { describeEndpoints } from './tables/describe-endpoints.js';
import { describeLimits } from './tables/describe-limits.js';
import { describeTable } from './tables/describe-table.js';
import { describeTimeToLive } from './tables/describe-time-to-live.js';
import { listTables } from './tables/list-tables.js';
import { listTagsOfResource } from './tables/list-tags-of-resource.js';
import { tagResource } from './tables/tag-resource.js';
import { untagResource } from './tables/untag-resource.js';
import { updateTable } from './tables/update-table.js';
import { updateTimeToLive } from './tables/update-time-to-live.js';
import type { OperationHandler } from './types.js';

export const operations: Record<string, OperationHandler> = {
  CreateTable: createTable,
  DescribeTable: describeTable,
  UpdateTable: updateTable,
  DeleteTable: deleteTable,
  ListTables: listTables,
  UpdateTimeToLive: updateTimeToLive,
  DescribeTimeToLive: describeTimeToLive,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsOfResource: listTagsOfResource,
  DescribeLimits: describeLimits,
  DescribeEndpoints: describeEndpoints,
  PutItem: putItem,
  GetItem: getItem,
  UpdateItem: updateItem,
  DeleteItem: deleteItem,
  BatchGetItem: batchGetItem,
  BatchWriteItem: batchWriteItem,
  TransactWriteItems: transactWriteItems,
  TransactGetItems: transactGetItems,
  Query: query,
  Scan: scan,
  CreateGlobalTable: createGlobalTable,
  UpdateGlobalTable: updateGlobalTable,
  DescribeGlobalTable: describeGlobalTable,
  ListGlobalTables: listGlobalTables,
  DescribeGlobalTableSettings: describeGlobalTableSettings,
};
