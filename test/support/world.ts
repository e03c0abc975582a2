/** A real world started with `pangea up --detach` in a temporary directory, for integration tests. */
import { rmSync } from 'node:fs';
import type { WorldStatus } from '../../src/world/status.js';
import { makeWorkDir, regionProcessesOf, runCli, runCliOk, waitFor } from './cli.js';

export interface TestWorld {
  dir: string;
  status(): Promise<WorldStatus>;
  cli(args: string[]): Promise<string>;
  down(): Promise<void>;
}

export async function startWorld(extraArgs: string[] = [], dir = makeWorkDir()): Promise<TestWorld> {
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
