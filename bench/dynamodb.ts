/**
 * bench:dynamodb — GetItem, PutItem (durable) and Query against one Pangea region endpoint, next to
 * the transport's ceiling (a bare Node HTTP server parsing the same JSON) and dynalite (in-memory),
 * in the same run. Each target runs in its own process; load comes from autocannon in this one.
 * Peak: 5 s with 16 connections, after a 1 s warm-up, repeated BENCH_ROUNDS times (default 3) with
 * the targets interleaved; the median round is reported. Then 5 s at half of Pangea's median peak
 * rate for latency percentiles.
 *
 * Fairness on small machines: the load generator (this process) and the servers would otherwise
 * fight over the same cores, so a target's score would depend on how much CPU autocannon happened
 * to leave it. When the machine has at least two cores, this process is pinned to core 0 and
 * every target to core 1 (Linux `taskset`): each target, bare ceiling included, gets one whole
 * core, and the load generator another. Every thread of a process is pinned (`taskset -a`): Node's
 * helper threads (garbage collection, libuv's pool, lmdb's) otherwise keep the affinity they were
 * created with, which put the targets' helpers on the load generator's core. BENCH_PIN=0 turns
 * pinning off (e.g. when other work shares the machine and a pinned process could not move away).
 */
import { execFileSync, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BatchWriteItemCommand, CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import autocannon from 'autocannon';

type Operation = 'GetItem' | 'PutItem' | 'Query';
const durationS = Number(process.env.BENCH_DURATION_S ?? 5);
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const warmUpS = 1;
const loadGeneratorCore = 0;
const targetCore = 1;
const connections = 16;
const partitions = 50;
const itemsPerPartition = 20;
const payload = 'x'.repeat(200);

interface Target {
  name: string;
  url: string;
  stop(): void;
}

/**
 * Cores this process may use, read before it pins itself: afterwards availableParallelism() reports
 * the one core it is pinned to, and the targets would silently stay on that core too.
 */
const coresAvailable = availableParallelism();

/** Pins a process, all its threads, to one core; false when pinning is unavailable (no taskset, one core). */
function pinToCore(pid: number, core: number): boolean {
  if (process.env.BENCH_PIN === '0' || coresAvailable < 2) return false;
  try {
    execFileSync('taskset', ['-a', '-pc', String(core), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function startProcess(name: string, script: string, args: string[]): Promise<Target> {
  const child = fork(fileURLToPath(new URL(`./processes/${script}.js`, import.meta.url)), args, {
    stdio: 'inherit',
  });
  if (child.pid !== undefined) pinToCore(child.pid, targetCore);
  return new Promise((resolve, reject) => {
    child.once('message', (message: { url: string }) =>
      resolve({ name, url: message.url, stop: () => child.kill() }),
    );
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
}

async function prepare(url: string): Promise<void> {
  const client = new DynamoDBClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  await client.send(
    new CreateTableCommand({
      TableName: 'Bench',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, 200));
  for (let p = 0; p < partitions; p++) {
    const requests = Array.from({ length: itemsPerPartition }, (_, s) => ({
      PutRequest: { Item: { pk: { S: `p${p}` }, sk: { S: `s${s}` }, payload: { S: payload } } },
    }));
    for (let start = 0; start < requests.length; start += 25) {
      await client.send(
        new BatchWriteItemCommand({ RequestItems: { Bench: requests.slice(start, start + 25) } }),
      );
    }
  }
  client.destroy();
}

let counter = 0;
function body(operation: Operation): string {
  counter++;
  const p = counter % partitions;
  const s = (counter * 7) % itemsPerPartition;
  switch (operation) {
    case 'GetItem':
      return JSON.stringify({ TableName: 'Bench', Key: { pk: { S: `p${p}` }, sk: { S: `s${s}` } } });
    case 'PutItem':
      return JSON.stringify({
        TableName: 'Bench',
        Item: { pk: { S: `p${p}` }, sk: { S: `w${counter}` }, payload: { S: payload } },
      });
    case 'Query':
      return JSON.stringify({
        TableName: 'Bench',
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': { S: `p${p}` } },
        Limit: 10,
      });
  }
}

function headers(operation: Operation): Record<string, string> {
  const date = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
  return {
    'content-type': 'application/x-amz-json-1.0',
    'x-amz-target': `DynamoDB_20120810.${operation}`,
    'x-amz-date': date,
    authorization: `AWS4-HMAC-SHA256 Credential=bench/${date.slice(0, 8)}/us-east-1/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`,
  };
}

interface Result {
  requestsPerS: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

async function load(
  url: string,
  operation: Operation,
  overallRate?: number,
  duration = durationS,
): Promise<Result> {
  const result = await autocannon({
    url,
    method: 'POST',
    connections,
    duration,
    overallRate,
    headers: headers(operation),
    requests: [{ setupRequest: (request) => ({ ...request, body: body(operation) }) }],
  });
  return {
    requestsPerS: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

/** The round with the median throughput (its latencies come with it). */
function median(results: Result[]): Result {
  const sorted = [...results].sort((a, b) => a.requestsPerS - b.requestsPerS);
  return sorted[Math.floor((sorted.length - 1) / 2)] as Result;
}

/** Peak throughput of every target: warm-up, then `rounds` interleaved runs, medians. */
async function peaks(operation: Operation): Promise<Record<string, Result>> {
  for (const target of targets) await load(target.url, operation, undefined, warmUpS);
  const runs: Record<string, Result[]> = {};
  for (let round = 0; round < rounds; round++) {
    for (const target of targets) {
      const result = await load(target.url, operation);
      runs[target.name] = [...(runs[target.name] ?? []), result];
    }
  }
  return Object.fromEntries(Object.entries(runs).map(([name, results]) => [name, median(results)]));
}

const pinned = pinToCore(process.pid, loadGeneratorCore);
const dataDir = mkdtempSync(join(tmpdir(), 'pangea-bench-'));
const targets = [
  await startProcess('bare HTTP', 'bare-server', ['18001']),
  await startProcess('pangea', 'pangea-dynamodb', ['18000', dataDir]),
  await startProcess('dynalite', 'dynalite', ['18002']),
];
try {
  await prepare(targets[1]?.url ?? '');
  await prepare(targets[2]?.url ?? '');
  const rows: string[][] = [];
  const summary: string[] = [];
  for (const operation of ['GetItem', 'PutItem', 'Query'] as const) {
    const peak = await peaks(operation);
    for (const target of targets) {
      const r = peak[target.name] as Result;
      rows.push([
        operation,
        target.name,
        r.requestsPerS.toFixed(0),
        String(r.p50Ms),
        String(r.p99Ms),
        String(r.errors),
      ]);
    }
    const pangea = peak.pangea as Result;
    const half = await load(
      targets[1]?.url ?? '',
      operation,
      Math.max(1, Math.floor(pangea.requestsPerS / 2)),
    );
    rows.push([
      operation,
      'pangea @ half peak',
      half.requestsPerS.toFixed(0),
      String(half.p50Ms),
      String(half.p99Ms),
      String(half.errors),
    ]);
    const vsBare = pangea.requestsPerS / (peak['bare HTTP']?.requestsPerS ?? 1);
    const vsDynalite = pangea.requestsPerS / (peak.dynalite?.requestsPerS ?? 1);
    summary.push(
      `${operation}: pangea/bare ${vsBare.toFixed(2)}, pangea/dynalite ${vsDynalite.toFixed(2)}, p99 at half peak ${half.p99Ms} ms`,
    );
  }
  const widths = [9, 20, 10, 8, 8, 8];
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 8) : cell.padStart(widths[i] ?? 8))).join(' ');
  console.log(
    `bench:dynamodb — ${connections} connections, ${durationS} s per run, median of ${rounds} rounds, latencies in ms`,
  );
  console.log(
    pinned
      ? `load generator pinned to core ${loadGeneratorCore}, each target to core ${targetCore}`
      : 'not pinned (BENCH_PIN=0, no taskset or one core): targets share cores with the load generator',
  );
  console.log(
    `load average at the end: ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')}`,
  );
  console.log(line(['operation', 'target', 'req/s', 'p50', 'p99', 'errors']));
  for (const row of rows) console.log(line(row));
  console.log('');
  for (const text of summary) console.log(text);
  console.log('targets: GetItem >= 0.85 of bare, PutItem >= 0.70 of bare, p99 < 5 ms at half peak');
} finally {
  for (const target of targets) target.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(0);
