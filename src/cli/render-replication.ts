/** Human output for global-table replication: lag and backlog per pair, pause state, conflicts. */
import type { ConflictEntry, ReplicationStatus } from '../world/replication.js';
import { table } from './table.js';

const ms = (value: number | null | undefined): string => (value == null ? '-' : `${Math.round(value)}`);

/** The pairs that carry or carried traffic (a world without global tables prints nothing). */
export function renderReplication(status: ReplicationStatus): string | undefined {
  const active = status.pairs.filter(
    (pair) => (pair.pendingReplicationCount ?? 0) > 0 || pair.replicationLatencyMs?.average != null,
  );
  const paused = status.regions.filter((region) => region.pause && region.pause !== 'running');
  if (active.length === 0 && paused.length === 0) return undefined;
  const lines = [
    '',
    'replication (ReplicationLatency over the last minute, PendingReplicationCount now)',
    table([
      ['SOURCE', 'DESTINATION', 'LAG AVG MS', 'LAG MAX MS', 'PENDING', 'LAST ERROR'],
      ...active.map((pair) => [
        pair.source,
        pair.destination,
        ms(pair.replicationLatencyMs?.average),
        ms(pair.replicationLatencyMs?.max),
        pair.pendingReplicationCount == null ? '-' : String(pair.pendingReplicationCount),
        pair.lastError ?? '',
      ]),
    ]),
  ];
  for (const region of paused) {
    lines.push(
      `${region.name}: replication ${region.pause}${region.pauseEndsAt ? ` until ${region.pauseEndsAt}` : ''}`,
    );
  }
  return lines.join('\n');
}

export function renderConflicts(conflicts: ConflictEntry[]): string {
  if (conflicts.length === 0) return 'no conflicts recorded';
  return table([
    ['DETECTED', 'REGION', 'TABLE', 'KEY', 'WINNER', 'LOSER'],
    ...conflicts.map((conflict) => [
      new Date(conflict.detectedAtMs).toISOString(),
      conflict.region,
      conflict.table,
      JSON.stringify(conflict.key),
      `${String(conflict.winner.region)} ${String(conflict.winner.version)}`,
      `${String(conflict.loser.region)} ${String(conflict.loser.version)}`,
    ]),
  ]);
}
