/** Test worlds and a scripted network for the health-check tests. */
import { Duplex } from 'node:stream';
import type { Connect, TransportConnection } from '../../../../src/traffic/health/probe.js';
import { parseTopology } from '../../../../src/world/topology/index.js';
import type { Topology } from '../../../../src/world/topology/types.js';

const anchors = [
  'us-east-1',
  'eu-central-1',
  'ap-south-1',
  'ap-northeast-1',
  'ap-southeast-2',
  'us-west-2',
  'sa-east-1',
  'us-east-2',
];

/** Locations loc1..locN at 127.<i>.0.0/16; regions us-east-1 (127.0.1.x) and eu-west-1 (127.0.4.x). */
export function testTopology(
  options: { locations?: number; profile?: 'fast' | 'aws-defaults'; timing?: string; basePort?: number } = {},
): Topology {
  const count = options.locations ?? 8;
  const base = options.basePort ?? 20000;
  const locations = Array.from(
    { length: count },
    (_, index) =>
      `  - { name: loc${index + 1}, continent: EU, country: DE, coordinates: { lat: 0, lon: 0 }, addressRange: 127.${index + 1}.0.0/16, anchorRegion: ${anchors[index % anchors.length]}, accessRttMs: 10 }`,
  );
  const yaml = [
    'version: 1',
    'regions: [{ name: us-east-1 }, { name: eu-west-1 }]',
    'locations:',
    ...locations,
    `timing: { profile: ${options.profile ?? 'fast'}${options.timing ? `, ${options.timing}` : ''} }`,
    'services:',
    `  dynamodb: { port: ${base + 1} }`,
    `  replication: { port: ${base + 2} }`,
    `  app: { instances: 1, basePort: ${base + 100} }`,
    `  loadBalancer: { port: ${base + 80}, algorithm: round_robin }`,
  ].join('\n');
  return parseTopology(yaml, 'health-test.yaml');
}

/** What the scripted endpoint does for one connection. */
export type Behaviour =
  | { kind: 'http'; status?: number; reason?: string; body?: string | Buffer; chunked?: boolean }
  | { kind: 'refuse' }
  | { kind: 'hang' }
  | { kind: 'silent' };

export class FakeSocket extends Duplex {
  received = '';
  onRequest: (() => void) | undefined;

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.received += chunk.toString('latin1');
    if (this.received.includes('\r\n\r\n')) this.onRequest?.();
    callback();
  }

  respond(behaviour: Extract<Behaviour, { kind: 'http' }>): void {
    const status = behaviour.status ?? 200;
    const body = Buffer.from(behaviour.body ?? 'ok');
    const head = `HTTP/1.1 ${status} ${behaviour.reason ?? 'OK'}\r\nConnection: close\r\n`;
    if (behaviour.chunked) {
      this.push(`${head}Transfer-Encoding: chunked\r\n\r\n`);
      for (let offset = 0; offset < body.length; offset += 1000) {
        const piece = body.subarray(offset, offset + 1000);
        this.push(`${piece.length.toString(16)}\r\n`);
        this.push(piece);
        this.push('\r\n');
      }
      this.push('0\r\n\r\n');
    } else {
      this.push(`${head}Content-Length: ${body.length}\r\n\r\n`);
      this.push(body);
    }
    this.push(null);
  }
}

/**
 * A network scripted per connection: `behaviour(from, host, port)` decides. Connections that are
 * not `hang` complete their handshake at once; `refuse` fails it.
 */
export function scriptedTransport(behaviour: (from: string, host: string, port: number) => Behaviour): {
  connect: Connect;
  connections: Array<{ from: string; host: string; port: number; socket: FakeSocket }>;
} {
  const connections: Array<{ from: string; host: string; port: number; socket: FakeSocket }> = [];
  const connect: Connect = (from, host, port): TransportConnection => {
    const socket = new FakeSocket();
    connections.push({ from, host, port, socket });
    const plan = behaviour(from, host, port);
    if (plan.kind === 'hang') return { socket, established: new Promise(() => {}) };
    if (plan.kind === 'refuse') {
      return {
        socket,
        established: Promise.reject(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })),
      };
    }
    if (plan.kind === 'http') socket.onRequest = () => socket.respond(plan);
    return { socket, established: Promise.resolve() };
  };
  return { connect, connections };
}

/** Lets pending I/O callbacks and promise chains run (the probes' HTTP parsing is real). */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}
