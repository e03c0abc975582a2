/**
 * bench:wan — configured vs measured one-way delay of every link of the default world.
 * The fabric runs in its own process (as in the world controller); this process plays both ends:
 * a sender bound to the source place's address and an echo server standing in for the region.
 * Each direction is measured on its own (send -> arrive, and echo -> arrive back), 300 frames per
 * link on an established connection, and compared with the same exchange over bare loopback.
 */
import { fork } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { locationAddress } from '../src/wan/client.js';
import { buildLinks } from '../src/wan/model.js';
import { defaultTopology } from '../src/world/topology/index.js';
import type { RegionSpec } from '../src/world/topology/types.js';

const framesPerLink = 300;
const frameGapMs = 3;
const frameBytes = 16;
const warmUpSequence = 0xffffffff;

interface Samples {
  forwardMs: number[];
  backwardMs: number[];
}

const topology = defaultTopology();
const port = topology.regions[0]?.services.dynamodb.port ?? 8000;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Echo servers at each region's own address: what the fabric relays to. */
async function startEchoServers(arrivals: Map<string, number>): Promise<net.Server[]> {
  return Promise.all(
    topology.regions.map(
      (region) =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer({ noDelay: true }, (socket) => {
            let pending = Buffer.alloc(0);
            socket.on('data', (chunk: Buffer) => {
              const nowMs = performance.now();
              pending = Buffer.concat([pending, chunk]);
              while (pending.length >= frameBytes) {
                const frame = pending.subarray(0, frameBytes);
                pending = pending.subarray(frameBytes);
                arrivals.set(frame.toString('hex'), nowMs);
                frame.writeDoubleLE(performance.now(), 8);
                socket.write(frame);
              }
            });
            socket.on('error', () => socket.destroy());
          });
          server.once('error', reject);
          server.listen(port, region.address, () => resolve(server));
        }),
    ),
  );
}

function measure(
  fromAddress: string,
  target: RegionSpec,
  viaWan: boolean,
  arrivals: Map<string, number>,
  linkId: number,
): Promise<Samples> {
  return new Promise((resolve, reject) => {
    const host = viaWan ? target.wanAddress : target.address;
    const socket = net.connect({ host, port, localAddress: fromAddress, noDelay: true });
    const sentAt = new Map<number, number>();
    const samples: Samples = { forwardMs: [], backwardMs: [] };
    let pending = Buffer.alloc(0);
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      const nowMs = performance.now();
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= frameBytes) {
        const frame = pending.subarray(0, frameBytes);
        pending = pending.subarray(frameBytes);
        const echoedAtMs = frame.readDoubleLE(8);
        frame.writeDoubleLE(0, 8);
        const sequence = frame.readUInt32LE(4);
        if (sequence === warmUpSequence) {
          void sendFrames();
          continue;
        }
        const arrivedAtMs = arrivals.get(frame.toString('hex'));
        const sentAtMs = sentAt.get(sequence);
        if (arrivedAtMs !== undefined && sentAtMs !== undefined) {
          samples.forwardMs.push(arrivedAtMs - sentAtMs);
          samples.backwardMs.push(nowMs - echoedAtMs);
        }
        if (samples.forwardMs.length === framesPerLink) {
          socket.destroy();
          resolve(samples);
        }
      }
    });
    // One round trip first, so the modelled TCP handshake is behind us and every frame measured
    // travels an established connection.
    socket.on('connect', () => {
      const warm = Buffer.alloc(frameBytes);
      warm.writeUInt32LE(linkId, 0);
      warm.writeUInt32LE(warmUpSequence, 4);
      socket.write(warm);
    });
    const sendFrames = async () => {
      for (let sequence = 0; sequence < framesPerLink; sequence++) {
        const frame = Buffer.alloc(frameBytes);
        frame.writeUInt32LE(linkId, 0);
        frame.writeUInt32LE(sequence, 4);
        sentAt.set(sequence, performance.now());
        socket.write(frame);
        await new Promise((r) => setTimeout(r, frameGapMs));
      }
    };
  });
}

const fabricProcess = fork(fileURLToPath(new URL('./wan-fabric-process.js', import.meta.url)));
await new Promise<void>((resolve, reject) => {
  fabricProcess.once('message', () => resolve());
  fabricProcess.once('exit', (code) =>
    reject(new Error(`fabric process exited (${code}); is a world running?`)),
  );
});
const arrivals = new Map<string, number>();
const servers = await startEchoServers(arrivals);

const addressOf = (place: string): string => {
  const region = topology.regions.find((candidate) => candidate.name === place);
  if (region) return region.address;
  const location = topology.locations.find((candidate) => candidate.name === place);
  if (!location) throw new Error(place);
  return locationAddress(location, 7);
};

const links = buildLinks(topology).filter((link) => link.kind !== 'region-location');
const rows: string[][] = [];
let worstP50Ms = 0;
let worstP99Ms = 0;
const batchSize = 6;
for (let start = 0; start < links.length; start += batchSize) {
  const batch = links.slice(start, start + batchSize);
  const results = await Promise.all(
    batch.map(async (link, index) => {
      const target = topology.regions.find((region) => region.name === link.to) as RegionSpec;
      const wan = await measure(addressOf(link.from), target, true, arrivals, start + index + 1);
      const back = buildLinks(topology).find(
        (candidate) => candidate.from === link.to && candidate.to === link.from,
      );
      return { link, back, wan };
    }),
  );
  for (const { link, back, wan } of results) {
    for (const [from, to, configuredMs, samples] of [
      [link.from, link.to, link.latencyMs, wan.forwardMs],
      [link.to, link.from, back?.latencyMs ?? Number.NaN, wan.backwardMs],
    ] as const) {
      const p50 = percentile([...samples], 50);
      const p99 = percentile([...samples], 99);
      worstP50Ms = Math.max(worstP50Ms, Math.abs(p50 - configuredMs));
      worstP99Ms = Math.max(worstP99Ms, Math.abs(p99 - configuredMs));
      rows.push([
        `${from} -> ${to}`,
        configuredMs.toFixed(1),
        p50.toFixed(2),
        p99.toFixed(2),
        (p50 - configuredMs).toFixed(2),
        (p99 - configuredMs).toFixed(2),
        (p50 / configuredMs).toFixed(3),
      ]);
    }
  }
}

const region = topology.regions[0] as RegionSpec;
const baseline = await measure('127.0.0.1', region, false, arrivals, 9999);
const widths = [36, 12, 10, 10, 10, 10, 8];
const line = (cells: string[]) =>
  cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 8) : cell.padStart(widths[i] ?? 8))).join('');
console.log(`bench:wan — ${framesPerLink} frames per link, one-way delays in ms, default world`);
console.log(line(['link', 'configured', 'p50', 'p99', 'p50 err', 'p99 err', 'ratio']));
for (const row of rows) console.log(line(row));
console.log(
  `\nbaseline (bare loopback, no WAN): one-way p50 ${percentile(baseline.forwardMs, 50).toFixed(3)} ms, p99 ${percentile(baseline.forwardMs, 99).toFixed(3)} ms`,
);
console.log(
  `worst |measured - configured|: p50 ${worstP50Ms.toFixed(2)} ms (target <= 2), p99 ${worstP99Ms.toFixed(2)} ms (target <= 5)`,
);
console.log(worstP50Ms <= 2 && worstP99Ms <= 5 ? 'targets met' : 'TARGETS MISSED');
for (const server of servers) server.close();
fabricProcess.kill();
process.exit(0);
