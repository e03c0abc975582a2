/** Carts (hash key userId, range key productId): one item per product in a user's cart. */
import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { conflict, isConditionFailed } from '../errors.js';

export interface CartLine {
  userId: string;
  productId: string;
  quantity: number;
  updatedAtMs: number;
}

export const maxQuantityPerLine = 99;

export class CartRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly now: () => number = Date.now,
  ) {}

  async list(userId: string): Promise<CartLine[]> {
    const result = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'userId = :userId',
        ExpressionAttributeValues: { ':userId': userId },
      }),
    );
    return (result.Items ?? []) as CartLine[];
  }

  /** Adds to the line atomically (ADD), refusing to pass the per-line limit. */
  async add(userId: string, productId: string, quantity: number): Promise<CartLine> {
    try {
      const result = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { userId, productId },
          UpdateExpression: 'ADD quantity :quantity SET updatedAtMs = :now',
          ConditionExpression: 'attribute_not_exists(quantity) OR quantity <= :room',
          ExpressionAttributeValues: {
            ':quantity': quantity,
            ':now': this.now(),
            ':room': maxQuantityPerLine - quantity,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return result.Attributes as CartLine;
    } catch (error) {
      if (isConditionFailed(error)) {
        throw conflict(`A cart line holds at most ${maxQuantityPerLine} units.`);
      }
      throw error;
    }
  }

  async setQuantity(userId: string, productId: string, quantity: number): Promise<void> {
    if (quantity === 0) return this.remove(userId, productId);
    const line: CartLine = { userId, productId, quantity, updatedAtMs: this.now() };
    await this.doc.send(new PutCommand({ TableName: this.table, Item: line }));
  }

  async remove(userId: string, productId: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: { userId, productId } }));
  }

  async clear(userId: string, productIds: readonly string[]): Promise<void> {
    // BatchWriteItem takes at most 25 requests.
    for (let start = 0; start < productIds.length; start += 25) {
      const chunk = productIds.slice(start, start + 25);
      let requests: Record<string, unknown>[] | undefined = chunk.map((productId) => ({
        DeleteRequest: { Key: { userId, productId } },
      }));
      for (let attempt = 0; requests && requests.length > 0 && attempt < 5; attempt++) {
        const result = await this.doc.send(
          new BatchWriteCommand({ RequestItems: { [this.table]: requests as never } }),
        );
        requests = result.UnprocessedItems?.[this.table] as Record<string, unknown>[] | undefined;
      }
    }
  }
}
