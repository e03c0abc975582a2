#!/usr/bin/env node
/** The `pangea` command. Every command except init/up talks to the running world's admin API. */
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { prettyFactory } from 'pino-pretty';
import { errorMessage, isPangeaError, PangeaError } from '../shared/errors.js';
import type { LinkState } from '../wan/model.js';
import { isAlive, readWorldRecord, stateDirOf } from '../world/state-dir.js';
import type { WorldStatus } from '../world/status.js';
import { defaultTopologyYaml } from '../world/topology/index.js';
import { callAdmin } from './admin-client.js';
import { registerFaultCommands } from './fault-commands.js';
import { followLogs } from './follow.js';
import { registerGamedayCommands } from './gameday-commands.js';
import { describeLink, renderStatus } from './render.js';
import { registerReplicationCommands } from './replication-commands.js';
import { registerTrafficCommands } from './traffic-commands.js';
import { up } from './up.js';

const cwd = process.cwd();

function nonNegativeNumber(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new InvalidArgumentError('expected a number >= 0');
  return number;
}

function printLinks(result: { links: LinkState[] }): void {
  if (result.links.length === 0) process.stdout.write('no link changed\n');
  for (const link of result.links) process.stdout.write(`${describeLink(link)}\n`);
}

const program = new Command('pangea')
  .description('A multi-region AWS world on one machine')
  .showSuggestionAfterError(true)
  .configureOutput({ outputError: (text, write) => write(text) });

program
  .command('init')
  .description('write the default topology to pangea.yaml for editing')
  .option('--config <file>', 'where to write it', 'pangea.yaml')
  .option('--force', 'overwrite an existing file')
  .action((options: { config: string; force?: boolean }) => {
    const path = resolve(cwd, options.config);
    if (existsSync(path) && !options.force)
      throw new PangeaError('FileExists', `${path} exists; use --force to overwrite`);
    writeFileSync(path, defaultTopologyYaml);
    process.stdout.write(`wrote ${path}\n`);
  });

program
  .command('up')
  .description('start the world (foreground; Ctrl-C stops it)')
  .option('--detach', 'run in the background; return when every region is ready')
  .option('--config <file>', 'topology file (default: ./pangea.yaml, else the built-in default)')
  .option('--fresh', 'wipe .pangea data and logs first')
  .option('--log-level <level>', 'trace, debug, info, warn, error', 'info')
  .option('--seed <n>', 'seed of the WAN jitter and loss draws')
  .addOption(new Option('--daemon').hideHelp())
  .action(up);

program
  .command('down')
  .description('stop the running world')
  .action(async () => {
    const record = readWorldRecord(stateDirOf(cwd));
    if (!record) throw new PangeaError('NoWorld', `no world is running in ${cwd}`);
    await callAdmin(cwd, 'POST', '/v1/shutdown');
    const deadlineMs = Date.now() + 20_000;
    while (isAlive(record.pid) && Date.now() < deadlineMs) await new Promise((r) => setTimeout(r, 100));
    if (isAlive(record.pid)) process.kill(record.pid, 'SIGKILL');
    process.stdout.write('world stopped\n');
  });

program
  .command('status')
  .description('regions, endpoints and links of the running world')
  .option('--json', 'the stable JSON document')
  .option('--watch', 'redraw every second until Ctrl-C')
  .action(async (options: { json?: boolean; watch?: boolean }) => {
    const draw = async () => {
      const status = await callAdmin<WorldStatus>(cwd, 'GET', '/v1/status');
      if (options.json) process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
      else process.stdout.write(`${options.watch ? '\x1b[2J\x1b[H' : ''}${renderStatus(status)}\n`);
    };
    await draw();
    while (options.watch) {
      await new Promise((r) => setTimeout(r, 1000));
      await draw();
    }
  });

const region = program.command('region').description('kill, stop or start a region');
for (const [action, description] of [
  ['kill', 'kill -9 the whole region process tree (it shows as crashed)'],
  ['stop', 'stop the region gracefully'],
  ['start', 'start a stopped or crashed region'],
] as const) {
  region
    .command(`${action} <region>`)
    .description(description)
    .action(async (name: string) => {
      const result = await callAdmin<{ name: string; state: string }>(
        cwd,
        'POST',
        `/v1/regions/${encodeURIComponent(name)}/${action}`,
      );
      process.stdout.write(`${result.name}: ${result.state}\n`);
    });
}

const link = program.command('link').description('change the WAN links between places');
link
  .command('set <from> <to>')
  .description('set the one-way delay, jitter, loss or bandwidth of the link from -> to')
  .option('--latency-ms <n>', 'one-way delay', nonNegativeNumber)
  .option('--jitter-ms <n>', 'random extra delay, +/- n', nonNegativeNumber)
  .option('--loss-pct <n>', 'packet loss percentage (costs retransmission time)', nonNegativeNumber)
  .option('--bandwidth-mbps <n>', 'bandwidth', nonNegativeNumber)
  .option('--both-ways', 'apply to to -> from as well')
  .action(async (from: string, to: string, options: Record<string, number | boolean | undefined>) => {
    printLinks(await callAdmin(cwd, 'PUT', `/v1/links/${from}/${to}`, options));
  });
link
  .command('partition <a> <b>')
  .description('cut the link between a and b (both directions unless --one-way: a -> b only)')
  .option('--one-way', 'block a -> b only')
  .action(async (a: string, b: string, options: { oneWay?: boolean }) => {
    printLinks(
      await callAdmin(cwd, 'POST', `/v1/links/${a}/${b}/partition`, { oneWay: options.oneWay === true }),
    );
  });
link
  .command('heal [a] [b]')
  .description('heal the link between a and b, or every link')
  .action(async (a?: string, b?: string) => {
    if ((a === undefined) !== (b === undefined))
      throw new PangeaError('InvalidArgument', 'heal takes two places or none');
    printLinks(await callAdmin(cwd, 'POST', '/v1/links/heal', a && b ? { a, b } : {}));
  });
link
  .command('list')
  .description('every link with its current model')
  .option('--json', 'JSON output')
  .action(async (options: { json?: boolean }) => {
    const result = await callAdmin<{ links: LinkState[] }>(cwd, 'GET', '/v1/links');
    if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else printLinks(result);
  });

program
  .command('logs [region]')
  .description("the world's structured logs, one region or all (world = the controller)")
  .option('-n, --lines <n>', 'how many lines', (value) => Math.max(1, Number.parseInt(value, 10) || 100), 100)
  .option('-f, --follow', 'keep printing new lines')
  .option('--json', 'raw JSON lines')
  .action(
    async (stream: string | undefined, options: { lines: number; follow?: boolean; json?: boolean }) => {
      const pretty = prettyFactory({
        colorize: process.stdout.isTTY === true,
        translateTime: 'SYS:HH:MM:ss.l',
      });
      const print = (line: string) => process.stdout.write(options.json ? `${line}\n` : pretty(line));
      const query = `lines=${options.lines}${stream ? `&region=${encodeURIComponent(stream)}` : ''}`;
      const result = await callAdmin<{ lines: Array<{ line: string }> }>(cwd, 'GET', `/v1/logs?${query}`);
      for (const entry of result.lines) print(entry.line);
      if (options.follow) await followLogs(stateDirOf(cwd), stream, print);
    },
  );

registerReplicationCommands(program, cwd);

registerTrafficCommands(program, cwd);

registerFaultCommands(program, cwd);

registerGamedayCommands(program, cwd);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const code = isPangeaError(error) ? error.code : 'Error';
  process.stderr.write(`pangea: ${errorMessage(error)}${code === 'Error' ? '' : ` [${code}]`}\n`);
  process.exitCode = 1;
}
