/**
 * UserSessions (global table, hash key userId, TTL on expiresAt). A user who lands in another
 * region keeps their session because the table replicates; if the replica has not caught up yet
 * the lookup falls back to a strongly consistent read and then retries briefly.
 */
import { createHash, randomUUID } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from '../errors.js';

export interface Session {
  userId: string;
  sessionId: string;
  userName: string;
  createdAtMs: number;
  /** Epoch seconds, the unit DynamoDB TTL reads. */
  expiresAt: number;
  createdInRegion: string;
}

/** A name always maps to the same user (a demo sign-in without passwords). */
export function userIdFor(name: string): string {
  const normalized = name.trim().toLowerCase().replace(/\s+/g, ' ');
  return `u-${createHash('sha256').update(normalized).digest('hex').slice(0, 16)}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits between consistent re-reads while a session written elsewhere replicates here. */
const replicationRetryDelaysMs = [150, 300, 600];

export class SessionRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly region: string,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  async create(userName: string): Promise<Session> {
    const nowMs = this.now();
    const session: Session = {
      userId: userIdFor(userName),
      sessionId: randomUUID(),
      userName: userName.trim(),
      createdAtMs: nowMs,
      expiresAt: Math.floor(nowMs / 1000) + this.ttlSeconds,
      createdInRegion: this.region,
    };
    await this.doc.send(new PutCommand({ TableName: this.table, Item: session }));
    return session;
  }

  /** The live session with this id, or null (missing, replaced by a newer sign-in, or expired). */
  async find(userId: string, sessionId: string): Promise<Session | null> {
    let item = await this.read(userId, false);
    if (this.matches(item, sessionId)) return this.live(item);
    for (const delayMs of [0, ...replicationRetryDelaysMs]) {
      if (delayMs > 0) await sleep(delayMs);
      item = await this.read(userId, true);
      if (this.matches(item, sessionId)) return this.live(item);
    }
    return null;
  }

  async delete(userId: string, sessionId: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { userId },
          // Only this session: a newer sign-in elsewhere must survive an old tab signing out.
          ConditionExpression: 'sessionId = :sessionId',
          ExpressionAttributeValues: { ':sessionId': sessionId },
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }

  private async read(userId: string, consistent: boolean): Promise<Session | undefined> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { userId }, ConsistentRead: consistent }),
    );
    return result.Item as Session | undefined;
  }

  private matches(item: Session | undefined, sessionId: string): item is Session {
    return item !== undefined && item.sessionId === sessionId;
  }

  /** TTL deletes expired items lazily (within days on AWS), so expiry is checked on read. */
  private live(item: Session): Session | null {
    return item.expiresAt * 1000 > this.now() ? item : null;
  }
}
