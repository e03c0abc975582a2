/**
 * Orders (hash key orderId; GSI byUser: userId + createdAt). Writes take the client of the region
 * that should hold them (region affinity), so every method gets the client to use.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ordersByUserIndex } from '../config.js';
import { isConditionFailed } from '../errors.js';
import type { Order, OrderStatus } from '../orders.js';

export type UpdateOutcome = { kind: 'updated'; order: Order } | { kind: 'conflict' };

export class OrderRepository {
  constructor(private readonly table: string) {}

  /** Puts the order unless its id exists; on a replay answers the order already there. */
  async createIfAbsent(
    doc: DynamoDBDocumentClient,
    order: Order,
  ): Promise<{ order: Order; created: boolean }> {
    try {
      await doc.send(
        new PutCommand({
          TableName: this.table,
          Item: order,
          ConditionExpression: 'attribute_not_exists(orderId)',
        }),
      );
      return { order, created: true };
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      const existing = await this.get(doc, order.orderId, true);
      // The item exists (the condition said so): a strongly consistent read in the same region sees it.
      return { order: existing ?? order, created: false };
    }
  }

  async get(doc: DynamoDBDocumentClient, orderId: string, consistent: boolean): Promise<Order | null> {
    const result = await doc.send(
      new GetCommand({ TableName: this.table, Key: { orderId }, ConsistentRead: consistent }),
    );
    return (result.Item as Order | undefined) ?? null;
  }

  async listByUser(doc: DynamoDBDocumentClient, userId: string, limit = 50): Promise<Order[]> {
    const result = await doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: ordersByUserIndex,
        KeyConditionExpression: 'userId = :userId',
        ExpressionAttributeValues: { ':userId': userId },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (result.Items ?? []) as Order[];
  }

  /** The seeds' optimistic locking: the write applies only if the version is the one expected. */
  async updateStatus(
    doc: DynamoDBDocumentClient,
    orderId: string,
    expectedVersion: number,
    status: OrderStatus,
    writeRegion: string,
    nowIso: string,
  ): Promise<UpdateOutcome> {
    try {
      const result = await doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { orderId },
          UpdateExpression: 'SET #status = :status, version = :next, updatedAt = :now, writeRegion = :region',
          ConditionExpression: 'version = :expected',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': status,
            ':next': expectedVersion + 1,
            ':expected': expectedVersion,
            ':now': nowIso,
            ':region': writeRegion,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { kind: 'updated', order: result.Attributes as Order };
    } catch (error) {
      if (isConditionFailed(error)) return { kind: 'conflict' };
      throw error;
    }
  }
}
