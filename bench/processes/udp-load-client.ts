/**
 * UDP load generator for bench:traffic, in its own process so the server under test does not share
 * an event loop (or a core) with its client. Keeps `inFlight` copies of one query outstanding for
 * `durationMs` and reports the answers received. Sent over IPC:
 *   in:  { port, host, localAddress, queryHex, inFlight, durationMs, warmupMs }
 *   out: { answers, elapsedMs }
 */
import { createSocket } from 'node:dgram';

export interface LoadRequest {
  host: string;
  port: number;
  localAddress: string;
  queryHex: string;
  inFlight: number;
  durationMs: number;
  warmupMs: number;
}

export interface LoadResult {
  answers: number;
  elapsedMs: number;
}

const topUpEveryMs = 5;

async function run(request: LoadRequest): Promise<LoadResult> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind({ address: request.localAddress, port: 0 }, resolve));
  const query = Buffer.from(request.queryHex, 'hex');
  const send = () => socket.send(query, request.port, request.host);
  let received = 0;
  let sent = 0;
  let running = true;
  socket.on('message', () => {
    received++;
    if (!running) return;
    sent++;
    send();
  });
  // A dropped datagram would shrink the window for good: top it up every few milliseconds.
  const topUp = setInterval(() => {
    for (let missing = request.inFlight - (sent - received); missing > 0; missing--, sent++) send();
  }, topUpEveryMs);
  await new Promise((resolve) => setTimeout(resolve, request.warmupMs));
  const answersBefore = received;
  const startedMs = performance.now();
  await new Promise((resolve) => setTimeout(resolve, request.durationMs));
  const answers = received - answersBefore;
  const elapsedMs = performance.now() - startedMs;
  running = false;
  clearInterval(topUp);
  socket.close();
  return { answers, elapsedMs };
}

process.on('message', (request: LoadRequest) => {
  void run(request).then((result) => process.send?.(result));
});
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true });
