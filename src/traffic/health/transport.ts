/**
 * The checkers' transport through the WAN fabric. Connecting to a region's WAN face is an instant
 * loopback handshake, while the fabric models the real one by holding the first bytes for one round
 * trip. A health check needs the handshake itself (a TCP check is nothing else), so this transport
 * reports a connection as established one modelled round trip after the loopback connect, and never
 * while the link is partitioned in either direction (the SYN or the SYN-ACK would be lost) — which
 * Route 53 reports as a connection time-out.
 */
import net from 'node:net';
import { Duplex } from 'node:stream';
import type { Clock } from '../../shared/clock.js';
import type { LinkState } from '../../wan/model.js';
import { type Connect, connected, directConnect, type TransportConnection } from './probe.js';

/** What the transport reads from the fabric (a `WanFabric` has both). */
export interface WanLinkView {
  placeOf(address: string): { name: string } | undefined;
  getLink(from: string, to: string): LinkState;
}

export function wanConnect(links: WanLinkView, clock: Clock): Connect {
  return (fromAddress, host, port) => {
    const from = links.placeOf(fromAddress)?.name;
    const to = links.placeOf(host)?.name;
    // Unmodelled places pass the fabric unshaped, and so does traffic inside a region.
    if (!from || !to || from === to) return directConnect(fromAddress, host, port);
    const forward = links.getLink(from, to);
    const backward = links.getLink(to, from);
    if (forward.partitioned || backward.partitioned) return neverConnects();
    const socket = net.connect({ host, port, localAddress: fromAddress, noDelay: true });
    const established = connected(socket).then(() =>
      afterHandshake(
        socket,
        clock,
        forward.latencyMs + backward.latencyMs,
        () => !forward.partitioned && !backward.partitioned,
      ),
    );
    return { socket, established };
  };
}

/** A connection whose handshake never completes: writes vanish (the request waits for a SYN-ACK). */
function neverConnects(): TransportConnection {
  const socket = new Duplex({ read() {}, write: (_chunk, _encoding, callback) => callback() });
  return { socket, established: new Promise<void>(() => {}) };
}

/** Resolves one round trip after the loopback connect, unless the fabric reset the connection meanwhile. */
function afterHandshake(
  socket: net.Socket,
  clock: Clock,
  roundTripMs: number,
  linkOpen: () => boolean,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const refused = () => {
      clock.clearTimer(timer);
      reject(Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' }));
    };
    const timer = clock.setTimer(() => {
      socket.off('close', refused);
      // A partition that began during the handshake loses it: stay pending, the probe times out.
      if (linkOpen() && !socket.destroyed) resolve();
    }, roundTripMs);
    socket.once('close', refused);
  });
}
