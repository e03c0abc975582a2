/** Spawns `dynamodb-server-process` and waits for its URL. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServerProcessOptions } from './dynamodb-server-process.js';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote to stderr so far (logged errors and stacks). */
  stderr(): string;
  alive(): boolean;
  stop(): Promise<void>;
}

const launcher = fileURLToPath(new URL('./dynamodb-server-process.js', import.meta.url));

export function spawnDynamoDbServer(
  options: ServerProcessOptions = {},
  startTimeoutMs = 20_000,
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [launcher, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server process did not start in ${startTimeoutMs} ms; stderr:\n${stderr}`));
    }, startTimeoutMs);
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const newline = stdout.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      const { url } = JSON.parse(stdout.slice(0, newline)) as { url: string };
      resolve({
        url,
        child,
        stderr: () => stderr,
        alive: () => child.exitCode === null && child.signalCode === null,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server process exited (${code ?? signal}) before starting; stderr:\n${stderr}`));
    });
  });
}
