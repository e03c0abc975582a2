/**
 * Shared set-up for the item-operation tests: the table harness plus ready-made tables.
 */
import { createTable } from '../../../../../src/dataplane/operations/tables/create-table.js';
import type { OperationInput } from '../../../../../src/dataplane/operations/types.js';
import { type Harness, openHarness } from '../tables/harness.js';

export { rejectsWith } from '../tables/harness.js';
export type { Harness };

export const invalid = 'One or more parameter values were invalid: ';

/** `Users`: hash userId (S); `Events`: hash pk (S) + range sk (N), an LSI and a GSI on status (S). */
export const usersTable: OperationInput = {
  TableName: 'Users',
  AttributeDefinitions: [{ AttributeName: 'userId', AttributeType: 'S' }],
  KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }],
  BillingMode: 'PAY_PER_REQUEST',
};

export const eventsTable: OperationInput = {
  TableName: 'Events',
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'N' },
    { AttributeName: 'status', AttributeType: 'S' },
    { AttributeName: 'rank', AttributeType: 'N' },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  LocalSecondaryIndexes: [
    {
      IndexName: 'byRank',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'rank', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: 'byStatus',
      KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
  BillingMode: 'PAY_PER_REQUEST',
};

export async function openItemHarness(
  tables: OperationInput[] = [usersTable, eventsTable],
): Promise<Harness> {
  const harness = await openHarness();
  for (const table of tables) await harness.call(createTable, table);
  await harness.settle();
  return harness;
}

/** A string of `length` ASCII characters, for item-size tests. */
export const text = (length: number): string => 'x'.repeat(length);
