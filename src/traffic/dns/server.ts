/**
 * The authoritative DNS server: UDP and TCP on one host:port (default 127.0.0.1:8053). Each message
 * goes through `respond`; this file owns only sockets, framing (RFC 1035 §4.2.2 two-byte length
 * prefix), resource bounds and counters. Nothing a client sends can throw out of a handler: the
 * server keeps answering whatever arrives.
 */
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { createServer, isIPv6, type Server, type Socket } from 'node:net';
import { PangeaError } from '../../shared/errors.js';
import { type Logger, silentLogger } from '../../shared/logger.js';
import { type Random, randomSeed, seededRandom } from '../../shared/random.js';
import { AnswerCache } from './answer-cache.js';
import { ZoneCatalog } from './catalog.js';
import { LocationIndex } from './locations.js';
import { type Rcode, respond, type Transport } from './responder.js';
import type { RoutingEnvironment } from './routing.js';
import type { CidrCollection, DnsClientLocation, HealthLookup, HostedZone, LatencyLookup } from './types.js';
import { assertValidZones } from './validate.js';

export interface DnsServerLimits {
  /** EDNS payload we advertise and the largest UDP answer we send. */
  maxUdpPayloadBytes: number;
  maxTcpConnections: number;
  /** A TCP connection with no complete query for this long is closed (RFC 7766 §6.2.3). */
  tcpIdleTimeoutMs: number;
  /** Unparsed plus unsent bytes one TCP connection may hold before it is cut. */
  maxTcpBufferedBytes: number;
  /** Encoded answers kept for reuse (see answer-cache.ts); 0 turns the cache off. */
  answerCacheEntries: number;
}

export const defaultDnsServerLimits: DnsServerLimits = {
  maxUdpPayloadBytes: 1232,
  maxTcpConnections: 256,
  tcpIdleTimeoutMs: 10_000,
  maxTcpBufferedBytes: 256 * 1024,
  answerCacheEntries: 4096,
};

export interface DnsServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8053; 0 picks a free port (UDP binds the same one). */
  port?: number;
  zones: HostedZone[];
  cidrCollections?: CidrCollection[];
  locations: DnsClientLocation[];
  /** Location assumed for sources outside every location range; none = no location. */
  fallbackLocationName?: string;
  /** Fixed for the server's life (the topology's RTTs): cached answers assume it does not change. */
  latencyMs: LatencyLookup;
  /** The health-check component's `isHealthy`; default: every check unknown (healthy). */
  isHealthy?: HealthLookup;
  random?: Random;
  logger?: Logger;
  limits?: Partial<DnsServerLimits>;
}

export interface DnsServerStats {
  /** Messages that got a response, any rcode, both transports. */
  queries: number;
  udpQueries: number;
  tcpQueries: number;
  byRcode: Partial<Record<Rcode, number>>;
  truncated: number;
  /** Messages dropped without a response (shorter than a header, or a response). */
  dropped: number;
  tcpConnectionsRejected: number;
}

export class DnsServer {
  private readonly host: string;
  private readonly requestedPort: number;
  private readonly limits: DnsServerLimits;
  private readonly logger: Logger;
  private env: RoutingEnvironment;
  private readonly cache: AnswerCache | undefined;
  private udp: UdpSocket | undefined;
  private tcp: Server | undefined;
  private readonly connections = new Set<Socket>();
  private boundPort: number | undefined;
  private readonly counters: DnsServerStats = {
    queries: 0,
    udpQueries: 0,
    tcpQueries: 0,
    byRcode: {},
    truncated: 0,
    dropped: 0,
    tcpConnectionsRejected: 0,
  };

  constructor(options: DnsServerOptions) {
    assertValidZones(options.zones, options.cidrCollections ?? []);
    this.host = options.host ?? '127.0.0.1';
    this.requestedPort = options.port ?? 8053;
    this.limits = { ...defaultDnsServerLimits, ...options.limits };
    this.logger = options.logger ?? silentLogger();
    this.env = {
      catalog: new ZoneCatalog(options.zones, options.cidrCollections ?? []),
      locations: new LocationIndex(options.locations, options.fallbackLocationName),
      latencyMs: options.latencyMs,
      isHealthy: options.isHealthy ?? (() => undefined),
      random: options.random ?? seededRandom(randomSeed()),
    };
    const cacheEntries = this.limits.answerCacheEntries;
    this.cache = cacheEntries > 0 ? new AnswerCache(cacheEntries) : undefined;
  }

  /** Replaces every zone at once; in-flight queries finish on the old set. Throws DnsZonesInvalid. */
  updateZones(zones: HostedZone[], cidrCollections: CidrCollection[] = []): void {
    assertValidZones(zones, cidrCollections);
    this.env = { ...this.env, catalog: new ZoneCatalog(zones, cidrCollections) };
    this.cache?.clear();
    this.logger.info({ zones: zones.map((zone) => zone.Name) }, 'dns zones updated');
  }

  get address(): { host: string; port: number } {
    if (this.boundPort === undefined)
      throw new PangeaError('DnsServerNotStarted', 'the DNS server is not listening');
    return { host: this.host, port: this.boundPort };
  }

  get stats(): DnsServerStats {
    return { ...this.counters, byRcode: { ...this.counters.byRcode } };
  }

  async start(): Promise<{ host: string; port: number }> {
    if (this.tcp) return this.address;
    try {
      this.tcp = await this.listenTcp(this.requestedPort);
      const port = (this.tcp.address() as { port: number }).port;
      this.udp = await this.bindUdp(port);
      this.boundPort = port;
    } catch (error) {
      await this.stop();
      throw new PangeaError(
        'DnsServerStartFailed',
        `cannot listen on ${this.host}:${this.requestedPort}: ${(error as Error).message}`,
      );
    }
    this.logger.info(this.address, 'dns server listening');
    return this.address;
  }

  async stop(): Promise<void> {
    for (const connection of this.connections) connection.destroy();
    this.connections.clear();
    const udp = this.udp;
    const tcp = this.tcp;
    this.udp = undefined;
    this.tcp = undefined;
    this.boundPort = undefined;
    await Promise.all([
      udp ? new Promise<void>((resolve) => udp.close(() => resolve())) : undefined,
      tcp ? new Promise<void>((resolve) => tcp.close(() => resolve())) : undefined,
    ]);
  }

  private listenTcp(port: number): Promise<Server> {
    const server = createServer((socket) => this.acceptTcp(socket));
    server.maxConnections = this.limits.maxTcpConnections;
    server.on('drop', () => {
      this.counters.tcpConnectionsRejected++;
    });
    server.on('error', (error) => this.logger.warn({ err: error }, 'dns tcp server error'));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.host, port }, () => {
        server.off('error', reject);
        resolve(server);
      });
    });
  }

  private bindUdp(port: number): Promise<UdpSocket> {
    const socket = createSocket({ type: isIPv6(this.host) ? 'udp6' : 'udp4' });
    socket.on('message', (message, remote) => this.handleUdp(socket, message, remote));
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: this.host, port }, () => {
        socket.off('error', reject);
        socket.on('error', (error) => this.logger.warn({ err: error }, 'dns udp socket error'));
        resolve(socket);
      });
    });
  }

  private handleUdp(socket: UdpSocket, message: Buffer, remote: RemoteInfo): void {
    const response = this.answer(message, remote.address, 'udp');
    // No callback: Node then sends synchronously when the socket can take the datagram, without a
    // request object and a completion tick per answer (a visible share of the server's time in the
    // profile). A failed send is dropped silently, as UDP drops it anyway; the client retries.
    if (response) socket.send(response, remote.port, remote.address);
  }

  private answer(message: Buffer, source: string, transport: Transport): Buffer | undefined {
    let response: ReturnType<typeof respond>;
    try {
      response = respond(message, source, transport, this.env, this.limits, this.cache);
    } catch (error) {
      // respond() guards itself; this is the last line so no input can take the server down.
      this.logger.error({ err: error }, 'dns responder failed');
      response = undefined;
    }
    if (!response) {
      this.counters.dropped++;
      return undefined;
    }
    this.counters.queries++;
    if (transport === 'udp') this.counters.udpQueries++;
    else this.counters.tcpQueries++;
    this.counters.byRcode[response.rcode] = (this.counters.byRcode[response.rcode] ?? 0) + 1;
    if (response.truncated) this.counters.truncated++;
    return response.bytes;
  }

  private acceptTcp(socket: Socket): void {
    this.connections.add(socket);
    socket.setTimeout(this.limits.tcpIdleTimeoutMs);
    socket.setNoDelay(true);
    let pending: Buffer = Buffer.alloc(0);
    const source = socket.remoteAddress ?? '';
    socket.on('timeout', () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.connections.delete(socket));
    socket.on('drain', () => socket.resume());
    socket.on('data', (chunk) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      if (pending.length > this.limits.maxTcpBufferedBytes) {
        socket.destroy();
        return;
      }
      pending = this.answerFrames(socket, pending, source);
    });
  }

  /** Answers every complete frame in `pending`, returns the incomplete rest. */
  private answerFrames(socket: Socket, pending: Buffer, source: string): Buffer {
    let rest: Buffer = pending;
    while (rest.length >= 2 && !socket.destroyed) {
      const length = rest.readUInt16BE(0);
      if (rest.length < 2 + length) break;
      const message = rest.subarray(2, 2 + length);
      rest = rest.subarray(2 + length);
      const response = this.answer(message, source, 'tcp');
      if (!response) continue;
      const frame = Buffer.alloc(2 + response.length);
      frame.writeUInt16BE(response.length, 0);
      response.copy(frame, 2);
      socket.write(frame);
      // A client that sends but never reads must not make us buffer without bound.
      if (socket.writableLength > this.limits.maxTcpBufferedBytes) socket.destroy();
      else if (socket.writableNeedDrain) socket.pause();
    }
    return Buffer.from(rest);
  }
}

export async function startDnsServer(options: DnsServerOptions): Promise<DnsServer> {
  const server = new DnsServer(options);
  await server.start();
  return server;
}
