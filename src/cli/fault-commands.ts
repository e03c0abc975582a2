/**
 * `pangea fault ...`: faults named after AWS FIS actions, injected into the running world and
 * undone by it after their duration (or now, with `fault stop`).
 */
import { type Command, InvalidArgumentError } from 'commander';
import { faultActions } from '../gameday/faults/catalogue.js';
import type { FaultRecord } from '../gameday/faults/runner.js';
import { callAdmin } from './admin-client.js';
import { table } from './table.js';

function nonNegative(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new InvalidArgumentError('expected a number >= 0');
  return number;
}

function wholeMs(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new InvalidArgumentError('expected whole milliseconds >= 1');
  return number;
}

function target(record: FaultRecord): string {
  const { region, to } = record.parameters;
  if (region === undefined) return '-';
  return to === undefined ? String(region) : `${region} -> ${to}`;
}

function describe(record: FaultRecord): string {
  const end = record.endedAt ? `ended ${record.endedAt}` : `ends ${record.endsAt}`;
  return `${record.id} ${record.action} ${target(record)}: ${record.state}, ${end}${record.error ? ` (${record.error})` : ''}`;
}

interface InjectOptions {
  region?: string;
  to?: string;
  durationMs: number;
  delayMs?: number;
  jitterMs?: number;
  lossPct?: number;
}

export function registerFaultCommands(program: Command, cwd: string): void {
  const fault = program.command('fault').description('inject faults named after AWS FIS actions');
  fault
    .command('list')
    .description('active and ended faults with start, end and undo')
    .option('--json', 'JSON output')
    .action(async (options: { json?: boolean }) => {
      const result = await callAdmin<{ faults: FaultRecord[] }>(cwd, 'GET', '/v1/faults');
      if (options.json) return void process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      if (result.faults.length === 0) return void process.stdout.write('no faults\n');
      const rows = result.faults.map((r) => [
        r.id,
        r.action,
        target(r),
        r.state,
        r.startedAt,
        r.endedAt ?? `(ends ${r.endsAt})`,
        r.error ?? r.undo,
      ]);
      process.stdout.write(
        `${table([['id', 'action', 'target', 'state', 'started', 'ended', 'undo'], ...rows])}\n`,
      );
    });
  fault
    .command('inject <action>')
    .description(`start a fault that undoes itself after its duration; actions: ${faultActions.join(', ')}`)
    .option('--region <r>', 'the region the fault acts on (outbound from it for network faults)')
    .option('--to <r>', 'network faults: the destination region, or all (default all)')
    .option('--duration-ms <n>', 'undo after this long', wholeMs, 60_000)
    .option('--delay-ms <n>', 'task-network-latency: added one-way delay (default 200)', nonNegative)
    .option('--jitter-ms <n>', 'task-network-latency: added jitter (default 10)', nonNegative)
    .option('--loss-pct <n>', 'task-network-packet-loss: added loss percentage (default 7)', nonNegative)
    .option('--json', 'JSON output')
    .action(async (action: string, options: InjectOptions & { json?: boolean }) => {
      const parameters = {
        region: options.region,
        to: options.to,
        delayMilliseconds: options.delayMs,
        jitterMilliseconds: options.jitterMs,
        lossPercent: options.lossPct,
      };
      const record = await callAdmin<FaultRecord>(cwd, 'POST', '/v1/faults', {
        action,
        parameters: Object.fromEntries(Object.entries(parameters).filter(([, value]) => value !== undefined)),
        durationMs: options.durationMs,
      });
      process.stdout.write(options.json ? `${JSON.stringify(record, null, 2)}\n` : `${describe(record)}\n`);
    });
  fault
    .command('stop <id>')
    .description('stop a fault early: undo it now')
    .action(async (id: string) => {
      const record = await callAdmin<FaultRecord>(cwd, 'DELETE', `/v1/faults/${encodeURIComponent(id)}`);
      process.stdout.write(`${describe(record)}\n`);
    });
}
