/** How Pangea's own tools become a client at a location: bind to an address in its range. */
import http from 'node:http';
import net from 'node:net';
import { addressInCidr, parseCidr } from '../world/topology/addresses.js';
import type { LocationSpec, RegionSpec } from '../world/topology/types.js';

export function locationAddress(location: LocationSpec, clientIndex = 0): string {
  const cidr = parseCidr(location.addressRange);
  if (!cidr) throw new Error(`location ${location.name} has a bad address range`);
  return addressInCidr(cidr, clientIndex);
}

/** A TCP connection from a location (or from inside another region) to a region's service, through the WAN. */
export function connectThroughWan(fromAddress: string, region: RegionSpec, port: number): net.Socket {
  return net.connect({ host: region.wanAddress, port, localAddress: fromAddress, noDelay: true });
}

/** An HTTP agent whose connections originate at the given address (and so pay that place's links). */
export function agentFrom(fromAddress: string, maxSockets = 64): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets, localAddress: fromAddress });
}
