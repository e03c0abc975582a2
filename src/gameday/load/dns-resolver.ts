/**
 * A client's stub resolver: real DNS queries (UDP, dns-packet) sent from the client's own address,
 * so the Route 53-like server answers for the client's location, and the answer cached for its TTL
 * as a resolver would (at least 0 s, at most 60 s, so a long TTL can't pin a client for the whole
 * run). Failures are operation errors: `DnsTimeout` (no answer in time), `DnsNoAnswer` (an answer
 * without an address: NXDOMAIN, SERVFAIL, an empty answer), `DnsQueryFailed` (the socket failed).
 */

import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import dnsPacket, { type DecodedPacket } from 'dns-packet';
import { LoadOpError, requestDeadline } from './errors.js';

export interface DnsServer {
  host: string;
  port: number;
}

export interface DnsAddress {
  address: string;
  ttlSeconds: number;
}

export const maxCachedTtlSeconds = 60;

const rcodeNames = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

/** One A query from `fromAddress`; resolves the first address of the answer. */
export function queryAddress(
  server: DnsServer,
  hostname: string,
  fromAddress: string,
  timeoutMs: number,
  runSignal: AbortSignal,
): Promise<DnsAddress> {
  const id = randomInt(0, 65536);
  const message = dnsPacket.encode({
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name: hostname, type: 'A', class: 'IN' }],
  });
  const deadline = requestDeadline(runSignal, timeoutMs);
  return new Promise<DnsAddress>((resolve, reject) => {
    const socket = createSocket('udp4');
    let settled = false;
    const finish = (outcome: { address: DnsAddress } | { error: LoadOpError }) => {
      if (settled) return;
      settled = true;
      deadline.dispose();
      deadline.signal.removeEventListener('abort', onAbort);
      socket.close();
      if ('address' in outcome) resolve(outcome.address);
      else reject(outcome.error);
    };
    const onAbort = () => {
      const code = deadline.timedOut ? 'DnsTimeout' : 'Aborted';
      finish({
        error: new LoadOpError(code, `DNS ${hostname}: no answer from ${server.host}:${server.port}`),
      });
    };
    if (deadline.signal.aborted) {
      onAbort();
      return;
    }
    deadline.signal.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (error) =>
      finish({ error: new LoadOpError('DnsQueryFailed', `DNS ${hostname}: ${error.message}`) }),
    );
    socket.on('message', (bytes) => {
      let packet: DecodedPacket;
      try {
        packet = dnsPacket.decode(bytes);
      } catch {
        return; // not a DNS message: keep waiting for ours
      }
      if (packet.id !== id || packet.type !== 'response') return;
      const answer = addressOf(packet);
      if (answer) finish({ address: answer });
      else {
        const rcode = rcodeNames[(packet.flags ?? 0) & 0xf] ?? String((packet.flags ?? 0) & 0xf);
        finish({ error: new LoadOpError('DnsNoAnswer', `DNS ${hostname}: ${rcode} without an address`) });
      }
    });
    socket.bind({ address: fromAddress, port: 0 }, () => {
      if (!settled) socket.send(message, server.port, server.host);
    });
  });
}

function addressOf(packet: DecodedPacket): DnsAddress | null {
  if (((packet.flags ?? 0) & 0xf) !== 0) return null;
  for (const answer of packet.answers ?? []) {
    if (answer.type === 'A' && typeof answer.data === 'string') {
      return { address: answer.data, ttlSeconds: answer.ttl ?? 0 };
    }
  }
  return null;
}

/** The client's cache of one name's answer. */
export class CachingResolver {
  private cached: { address: string; expiresAtMs: number } | null = null;

  constructor(
    private readonly server: DnsServer,
    private readonly hostname: string,
    private readonly fromAddress: string,
    private readonly monotonicMs: () => number = () => performance.now(),
  ) {}

  async resolve(timeoutMs: number, runSignal: AbortSignal): Promise<string> {
    const now = this.monotonicMs();
    if (this.cached && now < this.cached.expiresAtMs) return this.cached.address;
    this.cached = null;
    const answer = await queryAddress(this.server, this.hostname, this.fromAddress, timeoutMs, runSignal);
    const ttlSeconds = Math.min(maxCachedTtlSeconds, Math.max(0, answer.ttlSeconds));
    if (ttlSeconds > 0)
      this.cached = { address: answer.address, expiresAtMs: this.monotonicMs() + ttlSeconds * 1000 };
    return answer.address;
  }
}
