/** The loopback address plan: regions live in 127.0.<n>.0/24, client locations in their own ranges. */
import { isIPv4 } from 'node:net';

export interface Cidr {
  base: number;
  prefixLength: number;
}

export function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
}

export function numberToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** Parses "a.b.c.d/len"; returns undefined when malformed. */
export function parseCidr(text: string): Cidr | undefined {
  const [address, lengthText] = text.split('/');
  const prefixLength = Number(lengthText);
  if (
    !address ||
    !isIPv4(address) ||
    !Number.isInteger(prefixLength) ||
    prefixLength < 8 ||
    prefixLength > 32
  ) {
    return undefined;
  }
  const size = 2 ** (32 - prefixLength);
  return { base: Math.floor(ipv4ToNumber(address) / size) * size, prefixLength };
}

export function cidrContains(cidr: Cidr, address: string): boolean {
  if (!isIPv4(address)) return false;
  const value = ipv4ToNumber(address);
  return value >= cidr.base && value < cidr.base + 2 ** (32 - cidr.prefixLength);
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  const aEnd = a.base + 2 ** (32 - a.prefixLength);
  const bEnd = b.base + 2 ** (32 - b.prefixLength);
  return a.base < bEnd && b.base < aEnd;
}

/** Address n (0-based) inside a range, wrapping; used to spread a location's clients over its range. */
export function addressInCidr(cidr: Cidr, index: number): string {
  const usable = Math.max(1, 2 ** (32 - cidr.prefixLength) - 2);
  return numberToIpv4(cidr.base + 1 + (index % usable));
}

export const regionSpace = parseCidr('127.0.0.0/16') as Cidr;
export const loopbackSpace = parseCidr('127.0.0.0/8') as Cidr;

export const regionAddress = (regionNumber: number): string => `127.0.${regionNumber}.1`;
export const regionWanAddress = (regionNumber: number): string => `127.0.${regionNumber}.2`;
