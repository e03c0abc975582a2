/**
 * Shared data-plane model: the DynamoDB wire shapes that every layer (protocol, operations,
 * expressions, storage) agrees on. Values stay in their wire form (B as base64 strings, N as
 * decimal strings) so nothing is converted twice between the JSON body, storage and responses.
 */

export type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: string }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] }
  | { M: Record<string, AttributeValue> }
  | { L: AttributeValue[] }
  | { BOOL: boolean }
  | { NULL: true };

export type AttributeType = 'S' | 'N' | 'B' | 'SS' | 'NS' | 'BS' | 'M' | 'L' | 'BOOL' | 'NULL';
export type ScalarKeyType = 'S' | 'N' | 'B';

export type Item = Record<string, AttributeValue>;

export interface KeySchemaElement {
  AttributeName: string;
  KeyType: 'HASH' | 'RANGE';
}

export interface AttributeDefinition {
  AttributeName: string;
  AttributeType: ScalarKeyType;
}

export interface Projection {
  ProjectionType: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  NonKeyAttributes?: string[];
}

export interface IndexMeta {
  IndexName: string;
  KeySchema: KeySchemaElement[];
  Projection: Projection;
  /** Stable internal id used as the storage prefix; survives renames of nothing, never reused. */
  indexId: number;
  kind: 'GSI' | 'LSI';
  IndexStatus?: 'CREATING' | 'UPDATING' | 'DELETING' | 'ACTIVE';
  ProvisionedThroughput?: { ReadCapacityUnits: number; WriteCapacityUnits: number };
  OnDemandThroughput?: { MaxReadRequestUnits?: number; MaxWriteRequestUnits?: number };
  Backfilling?: boolean;
}

/**
 * What a region persists about a table. PascalCase fields mirror AWS's TableDescription so
 * DescribeTable is mostly a copy; camelCase fields are Pangea-internal.
 */
export interface TableMeta {
  TableName: string;
  TableId: string;
  TableArn: string;
  TableStatus: 'CREATING' | 'UPDATING' | 'DELETING' | 'ACTIVE';
  /** Epoch seconds (fractional), as the JSON protocol sends timestamps. */
  CreationDateTime: number;
  AttributeDefinitions: AttributeDefinition[];
  KeySchema: KeySchemaElement[];
  BillingMode: 'PROVISIONED' | 'PAY_PER_REQUEST';
  ProvisionedThroughput?: {
    ReadCapacityUnits: number;
    WriteCapacityUnits: number;
    NumberOfDecreasesToday?: number;
    LastIncreaseDateTime?: number;
    LastDecreaseDateTime?: number;
  };
  OnDemandThroughput?: { MaxReadRequestUnits?: number; MaxWriteRequestUnits?: number };
  GlobalSecondaryIndexes: IndexMeta[];
  LocalSecondaryIndexes: IndexMeta[];
  StreamSpecification?: { StreamEnabled: boolean; StreamViewType?: string };
  LatestStreamLabel?: string;
  LatestStreamArn?: string;
  TableClass?: 'STANDARD' | 'STANDARD_INFREQUENT_ACCESS';
  DeletionProtectionEnabled: boolean;
  SSEDescription?: Record<string, unknown>;
  /** Time to live: the attribute and whether expiry is on (DescribeTimeToLive). */
  timeToLive?: { attributeName: string; status: 'ENABLING' | 'ENABLED' | 'DISABLING' | 'DISABLED' };
  tags: Record<string, string>;
  /** Stable internal id used as the storage key prefix (never reused within a region). */
  tableNumber: number;
  /**
   * Global tables: '2019.11.21' (UpdateTable ReplicaUpdates) or '2017.11.29' (CreateGlobalTable);
   * absent for a regional table. DescribeTable reports it as GlobalTableVersion.
   */
  globalTableVersion?: '2019.11.21' | '2017.11.29';
  /** Every replica of a global table, this region's included, as DescribeTable's Replicas. */
  replicas?: ReplicaMeta[];
}

/** A replica of a global table (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ReplicaDescription.html). */
export interface ReplicaMeta {
  RegionName: string;
  ReplicaStatus: 'CREATING' | 'CREATION_FAILED' | 'UPDATING' | 'DELETING' | 'ACTIVE' | 'REGION_DISABLED';
  ReplicaStatusDescription?: string;
  /** Backfill progress of a CREATING replica, 0..100 (ReplicaStatusPercentProgress). */
  ReplicaStatusPercentProgress?: string;
}

/**
 * A DynamoDB error with AWS's code (the part after `#` in `__type`), message and HTTP status.
 * `extra` holds additional body fields, e.g. CancellationReasons or Item.
 */
export class DynamoError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = code;
  }
}

export const validationError = (message: string): DynamoError =>
  new DynamoError('ValidationException', message);

export const resourceNotFound = (message = 'Requested resource not found'): DynamoError =>
  new DynamoError('ResourceNotFoundException', message);
