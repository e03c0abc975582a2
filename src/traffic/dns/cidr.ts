/**
 * IPv4 prefixes of any length (/0 to /32). The world's own parser stops at /8 because location
 * ranges never go wider; Route 53 CIDR collections and EDNS Client Subnet may.
 */
import { isIPv4 } from 'node:net';

export interface Ipv4Prefix {
  /** The network address as an unsigned 32-bit number. */
  base: number;
  prefixLength: number;
}

export function ipv4ToUint(address: string): number {
  return address.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
}

/** Parses "a.b.c.d/len"; undefined when malformed. Host bits are masked off. */
export function parseIpv4Prefix(text: string): Ipv4Prefix | undefined {
  const [address, lengthText, extra] = text.trim().split('/');
  if (extra !== undefined || !address || !isIPv4(address) || !lengthText || !/^\d{1,2}$/.test(lengthText)) {
    return undefined;
  }
  const prefixLength = Number(lengthText);
  if (prefixLength > 32) return undefined;
  return { base: maskIpv4(ipv4ToUint(address), prefixLength), prefixLength };
}

export function maskIpv4(value: number, prefixLength: number): number {
  if (prefixLength <= 0) return 0;
  const size = 2 ** (32 - prefixLength);
  return Math.floor(value / size) * size;
}

export function prefixContains(prefix: Ipv4Prefix, address: number): boolean {
  return maskIpv4(address, prefix.prefixLength) === prefix.base;
}
