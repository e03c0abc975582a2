/**
 * Runs one regional DynamoDB endpoint in its own process for integration tests: a temporary data
 * directory, port 0, and the URL printed as one JSON line on stdout. Options arrive as JSON in
 * argv[2]. The process exits when its parent goes away (IPC disconnect) or on SIGTERM, and removes
 * its data directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startDynamoDbServer } from '../../src/dataplane/index.js';

export interface ServerProcessOptions {
  region?: string;
  verifySignatures?: boolean;
  credentials?: Record<string, string>;
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as ServerProcessOptions;
  const dataDir = mkdtempSync(join(tmpdir(), 'pangea-dynamodb-'));
  // Errors (with stacks) go to stderr so a failing test can show them.
  const logger = pino({ level: 'error' }, pino.destination({ dest: 2, sync: true }));
  const server = await startDynamoDbServer({
    host: '127.0.0.1',
    port: 0,
    region: options.region ?? 'us-east-1',
    dataDir,
    logger,
    verifySignatures: options.verifySignatures ?? false,
    credentials: options.credentials ?? {},
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('disconnect', () => void stop());
  process.stdout.write(`${JSON.stringify({ url: server.url, pid: process.pid })}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
