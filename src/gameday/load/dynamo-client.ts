/**
 * One load client's DynamoDB operations with the AWS SDK v3, straight to a region's endpoint on its
 * WAN face from the client's own address (so the request pays the location's links).
 *
 * One SDK client per region the client uses, made when first needed: region = that region, static
 * dummy credentials, one attempt (the load measures; SDK retries would hide failures and could
 * apply a write twice), and a keep-alive agent bound to the client's address with connect and
 * request timeouts of the spec's requestTimeoutMs. The region comes from RegionFailover
 * (failover.ts): the nearest region, moving on after repeated failures.
 *
 * Table: the target's (gamedayTable by default).
 * - ddb-put: PutItem {pk: set#<run>, sk: element, writtenBy, writtenAtMs} (a write of dynamoSetName)
 * - ddb-read: Query pk = set#<run>, every page (at most maxReadPages) → a read of dynamoSetName
 * - ddb-increment: UpdateItem ADD n :1 on pk = counter#<run>, sk = 'shared' or 'region-<region>'
 */
import { Agent, type ClientRequestArgs } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  type AttributeValue,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { counterPartition, dynamoSetName, setPartition } from '../model.js';
import { classifyFailure, isIndeterminate, LoadOpError, requestDeadline } from './errors.js';
import { type FailoverPolicy, RegionFailover } from './failover.js';
import type { OpOutcome } from './outcome.js';
import type { ClientPlan, PlannedOp } from './plan.js';
import type { LoadTarget, LoadTargetRegion } from './target.js';

/** A full read stops here rather than answer a partial set (which would look like lost writes). */
export const maxReadPages = 100;

const dummyCredentials = { accessKeyId: 'pangea-load', secretAccessKey: 'pangea-load' };

/**
 * Remembers whether the last connection it opened got established: with one request at a time per
 * agent, a failure after a new connection that never connected means the request never left.
 */
class ConnectionTrackingAgent extends Agent {
  opened = 0;
  lastEstablished = true;

  override createConnection(
    options: ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const socket = super.createConnection(options, callback);
    this.opened += 1;
    this.lastEstablished = false;
    socket?.once('connect', () => {
      this.lastEstablished = true;
    });
    return socket;
  }
}

interface RegionClient {
  sdk: DynamoDBClient;
  agent: ConnectionTrackingAgent;
}

export interface DynamoSettings {
  runId: string;
  nowMs: () => number;
  timeoutMs: number;
  signal: AbortSignal;
  failover: FailoverPolicy;
}

export type DynamoOp = Extract<PlannedOp, { kind: 'ddb-put' | 'ddb-read' | 'ddb-increment' }>;

export class LoadDynamoClient {
  private readonly clients = new Map<string, RegionClient>();
  private readonly failover: RegionFailover | null;
  private readonly regions: Map<string, LoadTargetRegion>;
  private readonly table: string;

  constructor(
    private readonly plan: ClientPlan,
    target: LoadTarget,
    regionsByProximity: readonly string[],
    private readonly localAddress: string,
    private readonly settings: DynamoSettings,
  ) {
    this.regions = new Map(target.regions.map((region) => [region.name, region]));
    this.table = target.table;
    const usable = regionsByProximity.filter((name) => this.regions.get(name)?.dynamodbPort != null);
    this.failover = usable.length > 0 ? new RegionFailover(usable, settings.failover, settings.nowMs) : null;
  }

  async run(op: DynamoOp): Promise<OpOutcome> {
    if (!this.failover) return this.failed(op, null, new LoadOpError('NoRegion', 'no region has DynamoDB'));
    const region = this.failover.current();
    const outcome = await this.runIn(region, op);
    if (outcome.ok) this.failover.succeeded();
    else this.failover.failed(outcome.error ?? 'Error');
    return outcome;
  }

  close(): void {
    for (const client of this.clients.values()) {
      client.sdk.destroy();
      client.agent.destroy();
    }
    this.clients.clear();
  }

  private async runIn(region: string, op: DynamoOp): Promise<OpOutcome> {
    const succeeded = (data: Pick<OpOutcome, 'write' | 'read' | 'increment'>): OpOutcome => ({
      ok: true,
      status: 200,
      error: null,
      indeterminate: false,
      region,
      ...data,
    });
    try {
      if (op.kind === 'ddb-read') {
        const elements = await this.readSet(region);
        return succeeded({ read: { set: dynamoSetName(this.settings.runId), elements } });
      }
      if (op.kind === 'ddb-put') await this.put(region, op.element);
      else await this.increment(region, this.counterName(region));
      return succeeded(this.dataOf(op, region));
    } catch (error) {
      return this.failed(op, region, error);
    }
  }

  private failed(op: DynamoOp, region: string | null, error: unknown): OpOutcome {
    const facts = error instanceof LoadOpError ? error : classifyFailure(error, { requestSent: true });
    return {
      ok: false,
      status: facts.status,
      error: facts.code,
      indeterminate: isIndeterminate(op.kind, facts),
      region,
      ...this.dataOf(op, region),
    };
  }

  /** What the operation wrote or incremented (a failed read returns no elements, so no read). */
  private dataOf(op: DynamoOp, region: string | null): Pick<OpOutcome, 'write' | 'increment'> {
    if (op.kind === 'ddb-put')
      return { write: { set: dynamoSetName(this.settings.runId), element: op.element } };
    if (op.kind === 'ddb-increment' && region)
      return { increment: { counter: this.counterName(region), amount: 1 } };
    return {};
  }

  private counterName(region: string): string {
    return this.plan.counters === 'shared' ? 'shared' : `region-${region}`;
  }

  private async put(region: string, element: string): Promise<void> {
    await this.call(region, (sdk, abortSignal) =>
      sdk.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            pk: { S: setPartition(this.settings.runId) },
            sk: { S: element },
            writtenBy: { S: this.plan.client },
            writtenAtMs: { N: String(Math.round(this.settings.nowMs())) },
          },
        }),
        { abortSignal },
      ),
    );
  }

  private async increment(region: string, counter: string): Promise<void> {
    await this.call(region, (sdk, abortSignal) =>
      sdk.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: { S: counterPartition(this.settings.runId) }, sk: { S: counter } },
          UpdateExpression: 'ADD n :one',
          ExpressionAttributeValues: { ':one': { N: '1' } },
        }),
        { abortSignal },
      ),
    );
  }

  private async readSet(region: string): Promise<string[]> {
    const elements: string[] = [];
    let start: Record<string, AttributeValue> | undefined;
    for (let page = 0; page < maxReadPages; page++) {
      const answer = await this.call(region, (sdk, abortSignal) =>
        sdk.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': { S: setPartition(this.settings.runId) } },
            ProjectionExpression: 'sk',
            ExclusiveStartKey: start,
          }),
          { abortSignal },
        ),
      );
      for (const item of answer.Items ?? []) if (item.sk?.S !== undefined) elements.push(item.sk.S);
      start = answer.LastEvaluatedKey;
      if (!start) return elements;
    }
    throw new LoadOpError('ReadTooLarge', `the set took more than ${maxReadPages} pages`, {
      requestSent: true,
      answered: true,
    });
  }

  /** One SDK call, bounded by the request timeout and the run's abort, its failure classified. */
  private async call<Output>(
    region: string,
    send: (sdk: DynamoDBClient, abortSignal: AbortSignal) => Promise<Output>,
  ): Promise<Output> {
    const client = this.clientFor(region);
    const openedBefore = client.agent.opened;
    const deadline = requestDeadline(this.settings.signal, this.settings.timeoutMs);
    try {
      return await send(client.sdk, deadline.signal);
    } catch (error) {
      const newConnectionFailed = client.agent.opened > openedBefore && !client.agent.lastEstablished;
      const facts = classifyFailure(error, {
        requestSent: !newConnectionFailed,
        timedOut: deadline.timedOut,
        aborted: deadline.aborted,
      });
      throw new LoadOpError(facts.code, errorText(error), {
        status: facts.status,
        answered: facts.answered,
        requestSent: facts.requestSent,
        region,
      });
    } finally {
      deadline.dispose();
    }
  }

  private clientFor(region: string): RegionClient {
    const existing = this.clients.get(region);
    if (existing) return existing;
    const spec = this.regions.get(region);
    if (!spec?.dynamodbPort) throw new LoadOpError('NoRegion', `${region} has no DynamoDB endpoint`);
    const agent = new ConnectionTrackingAgent({
      keepAlive: true,
      maxSockets: 2,
      localAddress: this.localAddress,
    });
    const sdk = new DynamoDBClient({
      region,
      endpoint: `http://${spec.wanAddress}:${spec.dynamodbPort}`,
      credentials: dummyCredentials,
      maxAttempts: 1,
      requestHandler: {
        httpAgent: agent,
        connectionTimeout: this.settings.timeoutMs,
        requestTimeout: this.settings.timeoutMs,
        throwOnRequestTimeout: true,
      },
    });
    const created = { sdk, agent };
    this.clients.set(region, created);
    return created;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
