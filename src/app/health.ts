/**
 * Deep health for load balancers and global health checks: the local DynamoDB answers within a
 * short timeout and the tables exist, and data from the other regions isn't older than
 * APP_MAX_REPLICATION_LAG_MS. Route 53 waits 2 s for an answer, so the check stays well under.
 */
import type { AppConfig } from './config.js';
import type { DynamoClients } from './dynamo.js';
import { errorName, isUnreachable } from './errors.js';
import type { ReplicationMonitor, ReplicationSnapshot } from './replication-monitor.js';
import type { HeartbeatRepository } from './repositories/heartbeat.js';

export interface HealthReport {
  status: 'ok' | 'unhealthy';
  region: string;
  instanceId: string;
  reasons: string[];
  checks: { dynamodb: { ok: boolean; latencyMs: number; error?: string }; replication: ReplicationSnapshot };
}

const dynamoTimeoutMs = 1000;

export async function checkHealth(
  config: AppConfig,
  clients: DynamoClients,
  heartbeats: HeartbeatRepository,
  monitor: ReplicationMonitor,
): Promise<HealthReport> {
  const reasons: string[] = [];
  const startedMs = Date.now();
  let dynamodb: HealthReport['checks']['dynamodb'];
  try {
    await heartbeats.read(clients.local().doc, config.region, false, AbortSignal.timeout(dynamoTimeoutMs));
    dynamodb = { ok: true, latencyMs: Date.now() - startedMs };
  } catch (error) {
    const name = errorName(error);
    dynamodb = { ok: false, latencyMs: Date.now() - startedMs, error: name };
    if (name === 'ResourceNotFoundException') reasons.push('tables are not set up in this region');
    else if (isUnreachable(error)) reasons.push(`local DynamoDB unreachable (${name})`);
    else reasons.push(`local DynamoDB error (${name})`);
  }
  reasons.push(...monitor.lagProblems());
  return {
    status: reasons.length === 0 ? 'ok' : 'unhealthy',
    region: config.region,
    instanceId: config.instanceId,
    reasons,
    checks: { dynamodb, replication: monitor.snapshot() },
  };
}
