/**
 * `pangea gameday <scenario>`: runs a game day against the running world, prints progress and a
 * summary, writes report.json and report.html, and exits non-zero when an objective fails.
 */
import { join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import {
  builtInScenarioNames,
  readScenarioFile,
  renderTextSummary,
  runGameday,
  scenarioPath,
} from '../gameday/index.js';
import { stateDirOf } from '../world/state-dir.js';
import { adminUrl } from './admin-client.js';
import { table } from './table.js';

function seedOption(value: string): number {
  const seed = Number(value);
  if (!Number.isInteger(seed) || seed < 0 || seed > 2147483647)
    throw new InvalidArgumentError('expected a whole number from 0 to 2147483647');
  return seed;
}

interface GamedayCliOptions {
  list?: boolean;
  seed?: number;
  out?: string;
  json?: boolean;
  quiet?: boolean;
}

function listScenarios(): void {
  const rows = builtInScenarioNames().map((name) => {
    const scenario = readScenarioFile(scenarioPath(name));
    const steps = (scenario.steps ?? []).map((step) => step.action).join(', ') || '-';
    return [name, steps, (scenario.description ?? '').trim().split(/(?<=\.)\s/)[0] ?? ''];
  });
  process.stdout.write(`${table([['SCENARIO', 'FAULTS', 'WHAT IT SHOWS'], ...rows])}\n`);
}

export function registerGamedayCommands(program: Command, cwd: string): void {
  program
    .command('gameday [scenario]')
    .description('run a game day: faults + world-wide load, measured RTO/RPO and consistency verdicts')
    .option('--list', 'list the built-in scenarios')
    .option(
      '--seed <n>',
      're-run with the seed of an earlier report: same load and fault schedule',
      seedOption,
    )
    .option('--out <dir>', 'where report.json and report.html go (default .pangea/gamedays/<run id>)')
    .option('--json', 'print the JSON report instead of the summary')
    .option('--quiet', 'no progress lines')
    .action(async (scenario: string | undefined, options: GamedayCliOptions) => {
      if (options.list || !scenario) return listScenarios();
      const interrupt = new AbortController();
      const onSigint = () => interrupt.abort();
      process.once('SIGINT', onSigint);
      try {
        const result = await runGameday({
          adminUrl: adminUrl(cwd),
          scenario,
          seed: options.seed,
          outDir: options.out,
          outRoot: join(stateDirOf(cwd), 'gamedays'),
          signal: interrupt.signal,
          progress: options.quiet || options.json ? undefined : (line) => process.stderr.write(`${line}\n`),
        });
        if (options.json) process.stdout.write(`${JSON.stringify(result.report, null, 2)}\n`);
        else {
          process.stdout.write(renderTextSummary(result.report));
          process.stdout.write(`\nreports: ${result.htmlPath}\n         ${result.jsonPath}\n`);
        }
        if (!result.report.passed) process.exitCode = 1;
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
