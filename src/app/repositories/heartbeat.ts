/** Heartbeats (hash key region): each region's instances rewrite their region's item every interval. */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Heartbeat } from '../lag.js';

export class HeartbeatRepository {
  constructor(private readonly table: string) {}

  async write(doc: DynamoDBDocumentClient, beat: Heartbeat, signal?: AbortSignal): Promise<void> {
    await doc.send(new PutCommand({ TableName: this.table, Item: beat }), { abortSignal: signal });
  }

  async readAll(doc: DynamoDBDocumentClient, signal?: AbortSignal): Promise<Heartbeat[]> {
    const result = await doc.send(new ScanCommand({ TableName: this.table }), { abortSignal: signal });
    return (result.Items ?? []) as Heartbeat[];
  }

  async read(
    doc: DynamoDBDocumentClient,
    region: string,
    consistent: boolean,
    signal?: AbortSignal,
  ): Promise<Heartbeat | null> {
    const result = await doc.send(
      new GetCommand({ TableName: this.table, Key: { region }, ConsistentRead: consistent }),
      { abortSignal: signal },
    );
    return (result.Item as Heartbeat | undefined) ?? null;
  }
}
