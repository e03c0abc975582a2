/**
 * The WAN fabric: for every service port of every region, a listener on the region's WAN address
 * (127.0.<n>.2) that relays to the region (127.0.<n>.1) through the directed links of the model.
 * Who is calling is read from the source address: 127.0.<m>.x is region m, a location's range is
 * that location; anything else (127.0.0.1, a developer's shell) is local and passes unshaped.
 */
import net from 'node:net';
import type { Clock } from '../shared/clock.js';
import { PangeaError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { Random } from '../shared/random.js';
import { didYouMean } from '../shared/text.js';
import { cidrContains, parseCidr } from '../world/topology/addresses.js';
import type { RegionSpec, Topology } from '../world/topology/types.js';
import { DelayLine } from './delay-line.js';
import { buildLinks, type LinkParams, type LinkState, linkKey } from './model.js';

export interface FabricOptions {
  clock: Clock;
  random: Random;
  logger: Logger;
}

interface Place {
  name: string;
}

interface Connection {
  toRegion: DelayLine;
  toSource: DelayLine;
  destroy(): void;
}

export class WanFabric {
  private readonly links = new Map<string, LinkState>();
  private readonly servers: net.Server[] = [];
  private readonly connections = new Set<Connection>();
  private readonly locationRanges;

  constructor(
    private readonly topology: Topology,
    private readonly options: FabricOptions,
  ) {
    for (const link of buildLinks(topology)) this.links.set(linkKey(link.from, link.to), link);
    this.locationRanges = topology.locations.map((location) => ({
      name: location.name,
      cidr: parseCidr(location.addressRange),
    }));
  }

  /** Listens on every region's WAN address for each of its service ports. */
  async start(): Promise<void> {
    for (const region of this.topology.regions) {
      const { dynamodb, replication, loadBalancer } = region.services;
      for (const port of [dynamodb.port, replication.port, loadBalancer.port]) {
        this.servers.push(await this.listen(region, port));
      }
    }
  }

  async close(): Promise<void> {
    for (const connection of this.connections) connection.destroy();
    await Promise.all(this.servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }

  listLinks(): LinkState[] {
    return [...this.links.values()].map((link) => ({ ...link }));
  }

  getLink(from: string, to: string): LinkState {
    const link = this.links.get(linkKey(from, to));
    if (!link) throw this.unknownLink(from, to);
    return link;
  }

  setLink(from: string, to: string, change: Partial<Omit<LinkParams, 'partitioned'>>): LinkState {
    const link = this.getLink(from, to);
    Object.assign(
      link,
      Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined)),
    );
    return { ...link };
  }

  /** Blocks a→b, and b→a unless one-way. Bytes are held (not dropped): TCP retransmits after a heal. */
  partition(a: string, b: string, oneWay: boolean): LinkState[] {
    const changed = [this.getLink(a, b)];
    if (!oneWay) changed.push(this.getLink(b, a));
    for (const link of changed) link.partitioned = true;
    return changed.map((link) => ({ ...link }));
  }

  /** Heals both directions between a and b, or every link when no pair is given. */
  heal(a?: string, b?: string): LinkState[] {
    const targets = a && b ? [this.getLink(a, b), this.getLink(b, a)] : [...this.links.values()];
    const healed = targets.filter((link) => link.partitioned);
    for (const link of healed) link.partitioned = false;
    if (healed.length > 0) {
      for (const connection of this.connections) {
        connection.toRegion.rescheduleAfterHeal();
        connection.toSource.rescheduleAfterHeal();
      }
    }
    return healed.map((link) => ({ ...link }));
  }

  /** Heals one direction only (from -> to); the other direction keeps its state. */
  healLink(from: string, to: string): LinkState {
    const link = this.getLink(from, to);
    if (link.partitioned) {
      link.partitioned = false;
      for (const connection of this.connections) {
        connection.toRegion.rescheduleAfterHeal();
        connection.toSource.rescheduleAfterHeal();
      }
    }
    return { ...link };
  }

  /** The place a source address belongs to, if it is modelled. */
  placeOf(address: string): Place | undefined {
    const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
    const regionMatch = /^127\.0\.(\d+)\.\d+$/.exec(plain);
    if (regionMatch) {
      const region = this.topology.regions.find((candidate) => candidate.number === Number(regionMatch[1]));
      return region ? { name: region.name } : undefined;
    }
    const location = this.locationRanges.find((range) => range.cidr && cidrContains(range.cidr, plain));
    return location ? { name: location.name } : undefined;
  }

  private unknownLink(from: string, to: string): PangeaError {
    const places = [
      ...this.topology.regions.map((r) => r.name),
      ...this.topology.locations.map((l) => l.name),
    ];
    const unknown = [from, to].find((name) => !places.includes(name));
    if (unknown) {
      return new PangeaError(
        'UnknownPlace',
        `unknown region or location "${unknown}"${didYouMean(unknown, places)}`,
      );
    }
    return new PangeaError(
      'UnknownLink',
      `there is no link from ${from} to ${to} (links join regions, and locations to regions)`,
    );
  }

  private listen(region: RegionSpec, port: number): Promise<net.Server> {
    const server = net.createServer({ noDelay: true }, (socket) => this.accept(socket, region, port));
    return new Promise((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        reject(
          new PangeaError(
            'PortInUse',
            `cannot listen on ${region.wanAddress}:${port} for the WAN link into ${region.name}: ${error.code ?? error.message}`,
          ),
        );
      });
      server.listen(port, region.wanAddress, () => resolve(server));
    });
  }

  private accept(client: net.Socket, region: RegionSpec, port: number): void {
    const source = this.placeOf(client.remoteAddress ?? '');
    const upstream = net.connect({ host: region.address, port, noDelay: true });
    if (!source || source.name === region.name) {
      client.pipe(upstream).pipe(client);
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
      return;
    }
    this.shape(
      client,
      upstream,
      this.getLink(source.name, region.name),
      this.getLink(region.name, source.name),
    );
  }

  private shape(client: net.Socket, upstream: net.Socket, forward: LinkState, backward: LinkState): void {
    const { clock, random } = this.options;
    // The client saw an instant loopback handshake; its first bytes wait one modelled round trip.
    const openAtMs = clock.nowMs() + forward.latencyMs + backward.latencyMs;
    let destroyed = false;
    const connection: Connection = {
      toRegion: new DelayLine({
        clock,
        random,
        openAtMs,
        link: () => forward,
        deliver: (chunk) => (chunk ? upstream.write(chunk) : upstream.end()),
        onPressure: (paused) => (paused ? client.pause() : client.resume()),
        onGiveUp: () => connection.destroy(),
      }),
      toSource: new DelayLine({
        clock,
        random,
        link: () => backward,
        deliver: (chunk) => (chunk ? client.write(chunk) : client.end()),
        onPressure: (paused) => (paused ? upstream.pause() : upstream.resume()),
        onGiveUp: () => connection.destroy(),
      }),
      destroy: () => {
        if (destroyed) return;
        destroyed = true;
        this.connections.delete(connection);
        connection.toRegion.close();
        connection.toSource.close();
        client.destroy();
        upstream.destroy();
      },
    };
    this.connections.add(connection);
    client.on('data', (chunk: Buffer) => connection.toRegion.push(chunk));
    client.on('end', () => connection.toRegion.push(null));
    upstream.on('data', (chunk: Buffer) => connection.toSource.push(chunk));
    upstream.on('end', () => connection.toSource.push(null));
    // A refused or reset upstream reaches the client one modelled trip later, as a reset would.
    upstream.on('error', () => {
      clock.setTimer(() => connection.destroy(), backward.latencyMs);
    });
    client.on('error', () => connection.destroy());
    const closeWhenBothEnded = () => {
      if (client.destroyed && upstream.destroyed) connection.destroy();
    };
    client.on('close', () => {
      if (connection.toRegion.pendingBytes === 0) upstream.end();
      closeWhenBothEnded();
    });
    upstream.on('close', closeWhenBothEnded);
  }
}
