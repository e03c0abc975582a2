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

/** A whole number, either sign (a clock offset may be negative). */
function integer(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number)) throw new InvalidArgumentError('expected a whole number');
  return number;
}

function finite(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number)) throw new InvalidArgumentError('expected a number');
  return number;
}

/** A count of instances, or all. */
function instanceCount(value: string): number | 'all' {
  if (value === 'all') return 'all';
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new InvalidArgumentError('expected a whole number >= 1, or all');
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
  instances?: number | 'all';
  scope?: string;
  offsetMs?: number;
  driftPpm?: number;
  periodMs?: number;
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
    .option('--instances <n|all>', 'ecs:stop-task: app instances to stop (default all)', instanceCount)
    .option('--scope <scope>', 'network:disrupt-connectivity: what to cut off (only dynamodb)')
    .option('--offset-ms <n>', 'clock-skew: clock jump in ms, may be negative (|n| <= 3600000)', integer)
    .option('--drift-ppm <n>', 'clock-skew: runs fast (+) or slow (-) by n ppm (|n| <= 100000)', finite)
    .option('--period-ms <n>', 'health-check-flapping: fail/succeed switch period (default 2000)', wholeMs)
    .option('--json', 'JSON output')
    .action(async (action: string, options: InjectOptions & { json?: boolean }) => {
      const parameters = {
        region: options.region,
        to: options.to,
        delayMilliseconds: options.delayMs,
        jitterMilliseconds: options.jitterMs,
        lossPercent: options.lossPct,
        instances: options.instances,
        scope: options.scope,
        offsetMilliseconds: options.offsetMs,
        driftPpm: options.driftPpm,
        periodMilliseconds: options.periodMs,
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
