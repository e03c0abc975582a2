/** Products (hash key productId): the catalogue, read from the local replica. */
import { type DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Product } from '../catalogue.js';

export class ProductRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async list(): Promise<Product[]> {
    const products: Product[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new ScanCommand({ TableName: this.table, ExclusiveStartKey: startKey }),
      );
      products.push(...((page.Items ?? []) as Product[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return products.sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(productId: string): Promise<Product | null> {
    const result = await this.doc.send(new GetCommand({ TableName: this.table, Key: { productId } }));
    return (result.Item as Product | undefined) ?? null;
  }
}
