/**
 * A stand-in for the region's replication engine in unit tests of the global tables operations:
 * it records every call and keeps the other regions' table metas in memory, applying replica
 * creation, deletion and propagated definitions to them the way the contract describes.
 */
import { DynamoError, type TableMeta } from '../../../../../src/dataplane/model.js';
import type { ReplicationControl } from '../../../../../src/dataplane/operations/types.js';

export interface RecordedCall {
  method: 'createReplica' | 'deleteReplica' | 'propagateTableMeta' | 'describeRemoteTable';
  region?: string;
  table?: TableMeta;
  tableName?: string;
}

export class FakeReplication implements ReplicationControl {
  readonly calls: RecordedCall[] = [];
  /** Region → table name → meta, for the regions other than the one under test. */
  readonly remote = new Map<string, Map<string, TableMeta>>();

  constructor(private readonly peers: string[]) {
    for (const region of peers) this.remote.set(region, new Map());
  }

  peerRegions(): string[] {
    return [...this.peers];
  }

  /** Puts a table into another region, as if created there by hand. */
  addRemoteTable(region: string, table: TableMeta): void {
    const arn = table.TableArn.replace(/dynamodb:[a-z0-9-]+:/, `dynamodb:${region}:`);
    this.tables(region).set(table.TableName, structuredClone({ ...table, TableArn: arn }));
  }

  remoteTable(region: string, tableName: string): TableMeta | undefined {
    return this.tables(region).get(tableName);
  }

  callsOf(method: RecordedCall['method']): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  async createReplica(table: TableMeta, region: string): Promise<void> {
    this.calls.push({ method: 'createReplica', region, table });
    if (this.tables(region).has(table.TableName)) {
      throw new DynamoError(
        'ValidationException',
        `Failed to create a the new replica of table with name: \u2018${table.TableName}\u2019 because one or more replicas already existed as tables.`,
      );
    }
    this.addRemoteTable(region, { ...table, TableStatus: 'CREATING' });
  }

  async deleteReplica(table: TableMeta, region: string): Promise<void> {
    this.calls.push({ method: 'deleteReplica', region, table });
    this.tables(region).delete(table.TableName);
  }

  async propagateTableMeta(table: TableMeta): Promise<void> {
    this.calls.push({ method: 'propagateTableMeta', table: structuredClone(table) });
    for (const replica of table.replicas ?? []) {
      const remote = this.remote.get(replica.RegionName)?.get(table.TableName);
      if (!remote) continue;
      remote.globalTableVersion = table.globalTableVersion;
      remote.replicas = structuredClone(table.replicas);
    }
  }

  async describeRemoteTable(tableName: string, region: string): Promise<TableMeta | undefined> {
    this.calls.push({ method: 'describeRemoteTable', region, tableName });
    return this.remote.get(region)?.get(tableName);
  }

  private tables(region: string): Map<string, TableMeta> {
    const tables = this.remote.get(region);
    if (!tables) throw new Error(`not a peer region: ${region}`);
    return tables;
  }
}
