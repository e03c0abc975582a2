/**
 * DynamoDB clients, one per region, all built from the standard configuration: the SDK reads the
 * endpoint (AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL) and credentials (default provider chain)
 * itself; only the region differs. Remote regions get short timeouts and one retry so that a
 * region that is down costs little before the caller falls back to the local region.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface RegionClients {
  region: string;
  /** Table operations (CreateTable, UpdateTable, DescribeTable). */
  raw: DynamoDBClient;
  /** Item operations with plain JavaScript values. */
  doc: DynamoDBDocumentClient;
}

const localTimeouts = { connectionTimeout: 1000, requestTimeout: 3000, maxAttempts: 3 };
const remoteTimeouts = { connectionTimeout: 800, requestTimeout: 1500, maxAttempts: 2 };

function makeClients(region: string, timeouts: typeof localTimeouts): RegionClients {
  const raw = new DynamoDBClient({
    region,
    maxAttempts: timeouts.maxAttempts,
    requestHandler: {
      connectionTimeout: timeouts.connectionTimeout,
      requestTimeout: timeouts.requestTimeout,
    },
  });
  const doc = DynamoDBDocumentClient.from(raw, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { region, raw, doc };
}

export class DynamoClients {
  private readonly byRegion = new Map<string, RegionClients>();

  constructor(readonly localRegion: string) {}

  local(): RegionClients {
    return this.forRegion(this.localRegion);
  }

  forRegion(region: string): RegionClients {
    let clients = this.byRegion.get(region);
    if (!clients) {
      clients = makeClients(region, region === this.localRegion ? localTimeouts : remoteTimeouts);
      this.byRegion.set(region, clients);
    }
    return clients;
  }

  destroy(): void {
    for (const clients of this.byRegion.values()) clients.raw.destroy();
    this.byRegion.clear();
  }
}
