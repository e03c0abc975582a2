import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openRegionStore } from '../../../../src/dataplane/storage/index.js';

const writerScript = fileURLToPath(new URL('./crash-writer.js', import.meta.url));
const acknowledgedBeforeKill = 2000;

test('every write acknowledged before kill -9 is there after reopening', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'pangea-crash-'));
  try {
    const child = spawn(process.execPath, [writerScript, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    const acknowledged: string[] = [];
    for await (const line of createInterface({ input: child.stdout })) {
      if (line === 'ready') continue;
      acknowledged.push(line);
      if (acknowledged.length === acknowledgedBeforeKill) child.kill('SIGKILL');
    }
    assert.equal(await exited, 'SIGKILL');
    assert.ok(acknowledged.length >= acknowledgedBeforeKill);

    const store = await openRegionStore({ dataDir });
    try {
      const table = store.getTableMeta('Crash');
      assert.ok(table, 'the table meta survived');
      const missing = acknowledged.filter((key) => !store.getItem(table, { pk: { S: key } }));
      assert.deepEqual(missing, []);
      // The reopened store is writable.
      await store.transact((tx) => tx.putItem(table, { pk: { S: 'after-crash' } }));
      assert.ok(store.getItem(table, { pk: { S: 'after-crash' } }));
    } finally {
      await store.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
