/** What a game day asks of the running world, through its admin API. */
import { requestAdmin } from '../../world/admin-request.js';
import type { ConflictEntry } from '../../world/replication.js';
import type { WorldStatus } from '../../world/status.js';
import type { FaultRecord } from '../faults/runner.js';

export class WorldAdmin {
  constructor(readonly baseUrl: string) {}

  status(): Promise<WorldStatus> {
    return requestAdmin<WorldStatus>(this.baseUrl, 'GET', '/v1/status', undefined, 5_000);
  }

  injectFault(action: string, parameters: Record<string, unknown>, durationMs: number): Promise<FaultRecord> {
    return requestAdmin<FaultRecord>(this.baseUrl, 'POST', '/v1/faults', { action, parameters, durationMs });
  }

  async faults(): Promise<FaultRecord[]> {
    return (
      await requestAdmin<{ faults: FaultRecord[] }>(this.baseUrl, 'GET', '/v1/faults', undefined, 5_000)
    ).faults;
  }

  stopFault(id: string): Promise<FaultRecord> {
    return requestAdmin<FaultRecord>(this.baseUrl, 'DELETE', `/v1/faults/${encodeURIComponent(id)}`);
  }

  async conflicts(table: string, limit: number): Promise<ConflictEntry[]> {
    const query = `?table=${encodeURIComponent(table)}&limit=${limit}`;
    return (await requestAdmin<{ conflicts: ConflictEntry[] }>(this.baseUrl, 'GET', `/v1/conflicts${query}`))
      .conflicts;
  }
}
