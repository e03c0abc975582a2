/** Turns the world's status into a game-day sample and conflict log entries into a summary. */
import type { ConflictEntry } from '../../world/replication.js';
import type { WorldStatus } from '../../world/status.js';
import type { ConflictSummary, WorldSample } from '../model.js';

/** A Route 53 health check belongs to a region when its id starts with the region's name (`us-east-1-alb`). */
function regionHealth(status: WorldStatus, region: string): boolean | null {
  const checks = (status.traffic?.healthChecks ?? []).filter((check) => check.id.startsWith(`${region}-`));
  if (checks.length === 0) return null;
  return checks.every((check) => check.healthy);
}

export function sampleOf(status: WorldStatus, tMs: number): WorldSample {
  const regions: WorldSample['regions'] = {};
  for (const region of status.regions) {
    const inbound = status.replication.pairs.filter((pair) => pair.destination === region.name);
    const outbound = status.replication.pairs.filter((pair) => pair.source === region.name);
    const lags = inbound
      .map((pair) => pair.replicationLatencyMs?.max ?? null)
      .filter((value): value is number => value !== null);
    const pending = outbound
      .map((pair) => pair.pendingReplicationCount)
      .filter((value): value is number => value !== null);
    regions[region.name] = {
      running: region.state === 'running' && region.ready,
      healthy: regionHealth(status, region.name),
      replicationLagMs: lags.length > 0 ? Math.max(...lags) : null,
      pendingReplication: pending.length > 0 ? pending.reduce((sum, value) => sum + value, 0) : null,
    };
  }
  return { tMs, regions };
}

const sampleLimit = 20;

function regionOf(side: Record<string, unknown>): string {
  return typeof side.region === 'string' ? side.region : '?';
}

/**
 * Writes discarded by last-writer-wins during the run. A conflict is logged by every region that
 * saw both versions, so entries are counted once per discarded version.
 */
export function summariseConflicts(entries: ConflictEntry[], sinceEpochMs: number): ConflictSummary {
  const seen = new Set<string>();
  const summary: ConflictSummary = { total: 0, byTable: {}, samples: [] };
  for (const entry of entries) {
    if (entry.detectedAtMs < sinceEpochMs) continue;
    const identity = JSON.stringify([entry.table, entry.key, entry.loser.version ?? null]);
    if (seen.has(identity)) continue;
    seen.add(identity);
    summary.total += 1;
    summary.byTable[entry.table] = (summary.byTable[entry.table] ?? 0) + 1;
    if (summary.samples.length < sampleLimit)
      summary.samples.push({
        table: entry.table,
        key: JSON.stringify(entry.key),
        winnerRegion: regionOf(entry.winner),
        loserRegion: regionOf(entry.loser),
      });
  }
  return summary;
}
