/** A real world started with `pangea up --detach` in a temporary directory, for integration tests. */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorldStatus } from '../../src/world/status.js';
import { defaultTopologyYaml } from '../../src/world/topology/index.js';
import { isAlive, makeWorkDir, regionProcessesOf, runCli, runCliOk, waitFor } from './cli.js';

export interface TestWorld {
  dir: string;
  status(): Promise<WorldStatus>;
  cli(args: string[]): Promise<string>;
  down(): Promise<void>;
}

const appLine = 'app: { instances: 2, basePort: 8100 }';

/** The default topology without the reference app (no app instances, no load balancers). */
export const appLessTopologyYaml = defaultTopologyYaml.replace(
  appLine,
  'app: { instances: 0, basePort: 8100 }',
);

/**
 * Starts a world in `dir`. Unless the directory already has a pangea.yaml or `apps` is set, the
 * world runs the default topology without the reference app: tests of the data plane, the
 * supervisor and the WAN then see only their own tables, processes and logs.
 */
export async function startWorld(
  extraArgs: string[] = [],
  dir = makeWorkDir(),
  options: { apps?: boolean } = {},
): Promise<TestWorld> {
  if (appLessTopologyYaml === defaultTopologyYaml) throw new Error(`the default topology lost "${appLine}"`);
  const topologyPath = join(dir, 'pangea.yaml');
  if (!options.apps && !existsSync(topologyPath)) writeFileSync(topologyPath, appLessTopologyYaml);
  await runCliOk(['up', '--detach', ...extraArgs], dir);
  const world: TestWorld = {
    dir,
    status: async () => JSON.parse(await runCliOk(['status', '--json'], dir)) as WorldStatus,
    cli: (args) => runCliOk(args, dir),
    async down() {
      await runCli(['down'], dir);
      await waitFor(() => regionProcessesOf(dir).length === 0, 10_000, 'region processes to exit');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/**
 * Ends a test's world: `down`; when `up` failed part way (no world) or `down` fails, ends the
 * processes the test started by pid (regions of `dir` and the controller), so nothing is left.
 */
export async function endWorld(world: TestWorld | undefined, dir: string, controllerPid = 0): Promise<void> {
  if (!world) {
    for (const pid of regionProcessesOf(dir)) process.kill(pid, 'SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
    return;
  }
  try {
    await world.down();
  } catch (error) {
    for (const pid of [...regionProcessesOf(dir), controllerPid]) {
      if (pid > 0 && isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** The app instances' latest warning and error lines, to explain a world that does not get ready. */
export function appProblems(dir: string): string {
  const logs = join(dir, '.pangea', 'logs');
  if (!existsSync(logs)) return '';
  return readdirSync(logs)
    .filter((file) => file.includes('-app-'))
    .flatMap((file) =>
      readFileSync(join(logs, file), 'utf8')
        .split('\n')
        .filter((line) => /"level":(40|50|60)/.test(line) && !line.includes('NodeVersionSupportWarning'))
        .slice(-5)
        .map((line) => `${file}: ${line.slice(0, 400)}`),
    )
    .join('\n');
}
