/**
 * `pangea replication ...` and `pangea conflicts`: global-table replication of the running world.
 * Pause/resume match FIS `aws:dynamodb:global-table-pause-replication` (the replica neither sends
 * nor applies; `--continue-for-ms` models "replication may continue for up to 5 minutes").
 */
import { type Command, InvalidArgumentError } from 'commander';
import type { ConflictEntry, ReplicationStatus } from '../world/replication.js';
import { callAdmin } from './admin-client.js';
import { renderConflicts, renderReplication } from './render-replication.js';

function wholeMs(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw new InvalidArgumentError('expected whole milliseconds >= 0');
  return number;
}

const print = (value: unknown, json: boolean | undefined, human: () => string): void => {
  process.stdout.write(`${json ? JSON.stringify(value, null, 2) : human()}\n`);
};

export function registerReplicationCommands(program: Command, cwd: string): void {
  const replication = program.command('replication').description('global-table replication between regions');
  replication
    .command('status')
    .description('lag and pending changes per region pair, pause state per region')
    .option('--json', 'JSON output')
    .action(async (options: { json?: boolean }) => {
      const status = await callAdmin<ReplicationStatus>(cwd, 'GET', '/v1/replication');
      print(
        status,
        options.json,
        () => renderReplication(status)?.trimStart() ?? 'no replication traffic yet',
      );
    });
  replication
    .command('pause <region>')
    .description('pause replication into and out of a region (FIS global-table-pause-replication)')
    .option('--duration-ms <n>', 'resume by itself after this long', wholeMs)
    .option('--continue-for-ms <n>', 'keep replicating this long after the start (at most 300000)', wholeMs)
    .action(async (region: string, options: { durationMs?: number; continueForMs?: number }) => {
      const result = await callAdmin<{ phase: string }>(
        cwd,
        'POST',
        `/v1/regions/${encodeURIComponent(region)}/replication/pause`,
        options,
      );
      process.stdout.write(`${region}: replication ${result.phase}\n`);
    });
  replication
    .command('resume <region>')
    .description('resume replication of a paused region where it stopped')
    .action(async (region: string) => {
      const result = await callAdmin<{ phase: string }>(
        cwd,
        'POST',
        `/v1/regions/${encodeURIComponent(region)}/replication/resume`,
      );
      process.stdout.write(`${region}: replication ${result.phase}\n`);
    });
  program
    .command('conflicts')
    .description('concurrent writes that last-writer-wins discarded (beyond AWS: AWS keeps no record)')
    .option('--table <name>', 'only this table')
    .option('--region <name>', 'only conflicts detected in this region')
    .option('--limit <n>', 'newest n (at most 1000)', wholeMs, 100)
    .option('--json', 'JSON output')
    .action(async (options: { table?: string; region?: string; limit: number; json?: boolean }) => {
      const query = new URLSearchParams({ limit: String(options.limit) });
      if (options.table) query.set('table', options.table);
      if (options.region) query.set('region', options.region);
      const result = await callAdmin<{ conflicts: ConflictEntry[] }>(cwd, 'GET', `/v1/conflicts?${query}`);
      print(result, options.json, () => renderConflicts(result.conflicts));
    });
}
