/**
 * Child process for the kill -9 test: writes items forever, in waves of concurrent transactions,
 * and prints each key only after its transact promise resolved. The parent kills it mid-stream.
 * Usage: node crash-writer.js <dataDir>
 */
import { openRegionStore } from '../../../../src/dataplane/storage/index.js';
import { tableMeta } from './helpers.js';

const waveSize = 64;

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  if (!dataDir) throw new Error('usage: crash-writer <dataDir>');
  const store = await openRegionStore({ dataDir });
  const table = tableMeta('Crash', await store.allocateNumber(), { partition: ['pk', 'S'] });
  await store.putTableMeta(table);
  process.stdout.write('ready\n');
  for (let wave = 0; ; wave++) {
    await Promise.all(
      Array.from({ length: waveSize }, async (_, index) => {
        const key = `w${wave}-${index}`;
        await store.transact((tx) => tx.putItem(table, { pk: { S: key }, payload: { S: 'x'.repeat(200) } }));
        process.stdout.write(`${key}\n`);
      }),
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
