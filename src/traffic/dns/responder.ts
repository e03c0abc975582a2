/**
 * One DNS message in, one message out (or nothing): header checks, EDNS and Client Subnet, the
 * routing answer, response codes and UDP truncation. No sockets here, so it can be fuzzed directly.
 *
 * - FORMERR for messages that do not parse or carry other than one question (RFC 1035 §4.1.1);
 *   malformed ECS options (RFC 7871 §6) and more than one OPT (RFC 6891 §6.1.1) too.
 * - NOTIMP for opcodes other than QUERY; REFUSED outside our zones and for zone transfers.
 * - BADVERS for EDNS versions above 0 (RFC 6891 §6.1.3).
 * - Over UDP, a response longer than 512 bytes, or than the requester's EDNS payload size, goes out
 *   empty with TC set so the client retries over TCP (RFC 1035 §4.2.1, RFC 6891 §6.2.5).
 * - ECS is echoed with family, source prefix and address, and our scope (RFC 7871 §7.2.1).
 * Messages shorter than a header, and responses (QR set), are dropped: answering them would let
 * two servers reflect errors at each other.
 */
import dnsPacket, { type Answer, type DecodedPacket, type Packet, type Question } from 'dns-packet';
import { ipv4ToUint, maskIpv4 } from './cidr.js';
import { type ClientAddress, type Resolution, type RoutingEnvironment, resolveQuery } from './routing.js';

export type Transport = 'udp' | 'tcp';

export const classicUdpLimitBytes = 512;
export const headerBytes = 12;

const rcodeValues = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
export type Rcode = keyof typeof rcodeValues | 'BADVERS';

const qrFlag = 0x8000;
const authoritativeFlag = 0x0400;
const truncatedFlag = 0x0200;
const recursionDesiredFlag = 0x0100;
const ecsOptionCode = 8;
const ednsBadVersExtendedRcode = 1; // BADVERS = 16 = extended rcode 1 << 4 | header rcode 0

export interface ResponderSettings {
  /** The UDP payload size we advertise and accept at most (1232 avoids IP fragmentation). */
  maxUdpPayloadBytes: number;
}

export interface Response {
  bytes: Buffer;
  rcode: Rcode;
  truncated: boolean;
}

interface ClientSubnet {
  family: number;
  sourcePrefixLength: number;
  /** The option's address bytes as received, echoed back verbatim. */
  addressBytes: Buffer;
  ipv4?: string;
}

interface EdnsRequest {
  payloadBytes: number;
  version: number;
  subnet?: ClientSubnet;
}

class MalformedQuery extends Error {}

export function respond(
  message: Buffer,
  sourceAddress: string,
  transport: Transport,
  env: RoutingEnvironment,
  settings: ResponderSettings,
): Response | undefined {
  if (message.length < headerBytes || (message.readUInt16BE(2) & qrFlag) !== 0) return undefined;
  const id = message.readUInt16BE(0);
  const flags = message.readUInt16BE(2);
  const opcode = (flags >> 11) & 0xf;
  if (opcode !== 0) return headerOnly(id, flags, 'NOTIMP');
  let query: DecodedPacket;
  try {
    query = dnsPacket.decode(message);
  } catch {
    return headerOnly(id, flags, 'FORMERR');
  }
  try {
    return answer(query, flags, sourceAddress, transport, env, settings);
  } catch (error) {
    if (error instanceof MalformedQuery) return headerOnly(id, flags, 'FORMERR');
    return headerOnly(id, flags, 'SERVFAIL');
  }
}

function answer(
  query: DecodedPacket,
  requestFlags: number,
  sourceAddress: string,
  transport: Transport,
  env: RoutingEnvironment,
  settings: ResponderSettings,
): Response {
  const question = query.questions?.length === 1 ? query.questions[0] : undefined;
  if (!question) throw new MalformedQuery();
  const edns = readEdns(query.additionals ?? []);
  const base = { id: query.id ?? 0, requestFlags, question, edns, settings };
  if (edns && edns.version > 0) return build({ ...base, rcode: 'BADVERS' }, transport);
  if (question.class !== 'IN') return build({ ...base, rcode: 'REFUSED' }, transport);
  if (['AXFR', 'IXFR'].includes(question.type)) return build({ ...base, rcode: 'REFUSED' }, transport);
  const client = clientAddress(sourceAddress, edns?.subnet);
  const queryType: string = question.type;
  const resolution =
    queryType === 'ANY'
      ? minimalAnyResponse(env, question.name, client)
      : resolveQuery(env, question.name, question.type, client);
  return build({ ...base, rcode: resolution.rcode, resolution }, transport);
}

/** RFC 8482: answer ANY with one synthesized HINFO instead of every record set. */
function minimalAnyResponse(env: RoutingEnvironment, name: string, client: ClientAddress): Resolution {
  const probe = resolveQuery(env, name, 'SOA', client);
  if (probe.rcode !== 'NOERROR') return probe;
  return {
    rcode: 'NOERROR',
    answers: [{ name, type: 'HINFO', ttlSeconds: 3600, data: { cpu: 'RFC8482', os: '' } as never }],
    authorities: [],
    scopePrefixLength: 0,
  };
}

function readEdns(additionals: Answer[]): EdnsRequest | undefined {
  const opts = additionals.filter((record) => record.type === 'OPT');
  if (opts.length === 0) return undefined;
  const opt = opts[0];
  if (opts.length > 1 || !opt || opt.type !== 'OPT' || (opt.name !== '.' && opt.name !== ''))
    throw new MalformedQuery();
  const subnets = (opt.options ?? []).filter((option) => option.code === ecsOptionCode);
  if (subnets.length > 1) throw new MalformedQuery();
  const subnetOption = subnets[0] as { data?: Buffer } | undefined;
  return {
    payloadBytes: opt.udpPayloadSize ?? classicUdpLimitBytes,
    version: opt.ednsVersion ?? 0,
    ...(subnetOption ? { subnet: parseClientSubnet(subnetOption.data ?? Buffer.alloc(0)) } : {}),
  };
}

/** RFC 7871 §6: family 1 or 2, address exactly ceil(prefix/8) bytes, no bits set past the prefix. */
function parseClientSubnet(data: Buffer): ClientSubnet {
  if (data.length < 4) throw new MalformedQuery();
  const family = data.readUInt16BE(0);
  const sourcePrefixLength = data.readUInt8(2);
  const addressBytes = data.subarray(4);
  const maxBits = family === 1 ? 32 : family === 2 ? 128 : -1;
  if (maxBits < 0 || sourcePrefixLength > maxBits) throw new MalformedQuery();
  if (addressBytes.length !== Math.ceil(sourcePrefixLength / 8)) throw new MalformedQuery();
  const spareBits = addressBytes.length * 8 - sourcePrefixLength;
  const last = addressBytes[addressBytes.length - 1];
  if (last !== undefined && spareBits > 0 && (last & ((1 << spareBits) - 1)) !== 0)
    throw new MalformedQuery();
  if (family !== 1) return { family, sourcePrefixLength, addressBytes };
  const octets = [0, 1, 2, 3].map((index) => addressBytes[index] ?? 0);
  return { family, sourcePrefixLength, addressBytes, ipv4: octets.join('.') };
}

/**
 * The subnet decides when the resolver sent one with a non-zero prefix; /0 means "do not tailor
 * to my clients", so the resolver's own address is used (RFC 7871 §7.1.2).
 */
function clientAddress(sourceAddress: string, subnet: ClientSubnet | undefined): ClientAddress {
  if (subnet && subnet.sourcePrefixLength > 0) {
    if (!subnet.ipv4) return { prefixLength: subnet.sourcePrefixLength };
    return { address: subnet.ipv4, prefixLength: subnet.sourcePrefixLength };
  }
  const ipv4 = sourceAddress.startsWith('::ffff:') ? sourceAddress.slice(7) : sourceAddress;
  return /^\d+\.\d+\.\d+\.\d+$/.test(ipv4) ? { address: ipv4, prefixLength: 32 } : { prefixLength: 32 };
}

interface BuildInput {
  id: number;
  requestFlags: number;
  question: Question;
  edns: EdnsRequest | undefined;
  settings: ResponderSettings;
  rcode: Rcode;
  resolution?: Resolution;
}

function build(input: BuildInput, transport: Transport): Response {
  const { resolution, edns } = input;
  const rcodeBits = input.rcode === 'BADVERS' ? 0 : rcodeValues[input.rcode];
  const flags = authoritativeFlag | (input.requestFlags & recursionDesiredFlag) | rcodeBits;
  const opt = edns ? [optRecord(input, resolution?.scopePrefixLength ?? 0)] : [];
  const packet: Packet = {
    id: input.id,
    type: 'response',
    flags,
    questions: [input.question],
    answers: (resolution?.answers ?? []).map(toWire),
    authorities: (resolution?.authorities ?? []).map(toWire),
    additionals: opt,
  };
  const bytes = dnsPacket.encode(packet);
  const limit = transport === 'udp' ? udpLimit(input) : Number.POSITIVE_INFINITY;
  if (bytes.length <= limit) return { bytes, rcode: input.rcode, truncated: false };
  const truncated = dnsPacket.encode({
    ...packet,
    flags: flags | truncatedFlag,
    answers: [],
    authorities: [],
  });
  return { bytes: truncated, rcode: input.rcode, truncated: true };
}

function udpLimit(input: BuildInput): number {
  if (!input.edns) return classicUdpLimitBytes;
  return Math.max(classicUdpLimitBytes, Math.min(input.edns.payloadBytes, input.settings.maxUdpPayloadBytes));
}

function optRecord(input: BuildInput, scopePrefixLength: number): Answer {
  const subnet = input.edns?.subnet;
  const options = subnet ? [echoedSubnet(subnet, scopePrefixLength)] : [];
  return {
    name: '.',
    type: 'OPT',
    udpPayloadSize: input.settings.maxUdpPayloadBytes,
    extendedRcode: input.rcode === 'BADVERS' ? ednsBadVersExtendedRcode : 0,
    ednsVersion: 0,
    flags: 0,
    options,
  } as Answer;
}

/** Family, source prefix and address as received; our scope; scope 0 for a /0 query. */
function echoedSubnet(subnet: ClientSubnet, scopePrefixLength: number): { code: number; data: Buffer } {
  const scope = subnet.sourcePrefixLength === 0 || subnet.family !== 1 ? 0 : scopePrefixLength;
  const head = Buffer.alloc(4);
  head.writeUInt16BE(subnet.family, 0);
  head.writeUInt8(subnet.sourcePrefixLength, 2);
  head.writeUInt8(scope, 3);
  return { code: ecsOptionCode, data: Buffer.concat([head, subnet.addressBytes]) };
}

function toWire(record: { name: string; type: string; ttlSeconds: number; data: unknown }): Answer {
  return {
    name: record.name,
    type: record.type,
    ttl: record.ttlSeconds,
    class: 'IN',
    data: record.data,
  } as Answer;
}

/** A bare header (no sections): for messages we could not parse or will not process. */
function headerOnly(id: number, requestFlags: number, rcode: keyof typeof rcodeValues): Response {
  const bytes = Buffer.alloc(headerBytes);
  bytes.writeUInt16BE(id, 0);
  const echoed = requestFlags & (0x7800 | recursionDesiredFlag); // opcode and RD
  bytes.writeUInt16BE(qrFlag | echoed | rcodeValues[rcode], 2);
  return { bytes, rcode, truncated: false };
}

/** Masks an IPv4 address to a prefix: used by tests and callers building ECS subnets. */
export function ipv4Subnet(address: string, prefixLength: number): string {
  const value = maskIpv4(ipv4ToUint(address), prefixLength);
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}
