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
 *
 * Two paths. With an `AnswerCache`, a query of the usual shape (one plain question, at most one
 * OPT; read by `query-wire.ts` without decoding) is answered from a stored encoded response when
 * one fits (see `answer-cache.ts` for why an entry cannot go stale). Everything else, and every
 * cache miss, goes through dns-packet: it decodes and encodes every record type and edge case the
 * RFCs allow, and owns every error rcode, so both paths answer byte for byte alike (the unit tests
 * compare them). A miss stores what the general path encoded.
 */
import dnsPacket, { type Answer, type DecodedPacket, type Packet, type Question } from 'dns-packet';
import { type AnswerCache, type CachedAnswer, RoutingReads } from './answer-cache.js';
import { ipv4ToUint, maskIpv4 } from './cidr.js';
import type { LocatedClient } from './locations.js';
import { SimpleQueryView } from './query-wire.js';
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

const classIn = 1;
/** Query types the cache leaves to the general path: ANY (RFC 8482 synthesis), IXFR, AXFR. */
const uncachedQueryTypes = new Set([255, 251, 252]);
const recursionDesiredBit = recursionDesiredFlag >> 8; // in the second byte of the message

/** The query's position in the cache, and how to patch a stored response for it. */
interface CacheSlot {
  cache: AnswerCache;
  key: string;
  view: SimpleQueryView;
}

/** Parsing scratch, reused by every query: `respond` runs to completion before the next one starts. */
const sharedView = new SimpleQueryView();

export function respond(
  message: Buffer,
  sourceAddress: string,
  transport: Transport,
  env: RoutingEnvironment,
  settings: ResponderSettings,
  cache?: AnswerCache,
): Response | undefined {
  if (message.length < headerBytes || (message.readUInt16BE(2) & qrFlag) !== 0) return undefined;
  const id = message.readUInt16BE(0);
  const flags = message.readUInt16BE(2);
  const opcode = (flags >> 11) & 0xf;
  if (opcode !== 0) return headerOnly(id, flags, 'NOTIMP');
  const slot = cache ? cacheSlot(message, sourceAddress, env, cache) : undefined;
  const hit = slot?.cache.get(slot.key, env.isHealthy);
  if (slot && hit) return fromCache(hit, message, slot.view, transport, settings);
  let query: DecodedPacket;
  try {
    query = dnsPacket.decode(message);
  } catch {
    return headerOnly(id, flags, 'FORMERR');
  }
  try {
    return answer(query, flags, sourceAddress, transport, env, settings, slot);
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
  slot: CacheSlot | undefined,
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
  if (queryType === 'ANY') {
    const resolution = minimalAnyResponse(env, question.name, client);
    return build({ ...base, rcode: resolution.rcode, resolution }, transport);
  }
  const reads = slot ? new RoutingReads(env) : undefined;
  const resolution = resolveQuery(reads?.env ?? env, question.name, question.type, client);
  const input: BuildInput = { ...base, rcode: resolution.rcode, resolution };
  if (slot && reads && !reads.usedRandom && !resolution.dependsOnAddress) remember(slot, input, reads);
  return build(input, transport);
}

// ---------------------------------------------------------------------------------------------
// Answer cache

/** The cache key of a query of the simple shape; undefined sends it down the general path. */
function cacheSlot(
  message: Buffer,
  sourceAddress: string,
  env: RoutingEnvironment,
  cache: AnswerCache,
): CacheSlot | undefined {
  const view = sharedView;
  if (!view.read(message) || view.questionClass !== classIn || view.ednsVersion > 0) return undefined;
  if (uncachedQueryTypes.has(view.questionType)) return undefined;
  let subnet: ClientSubnet | undefined;
  if (view.subnetLength >= 0) {
    try {
      subnet = parseClientSubnet(message.subarray(view.subnetOffset, view.subnetOffset + view.subnetLength));
    } catch {
      return undefined; // the general path answers FORMERR
    }
  }
  const client = clientAddress(sourceAddress, subnet);
  const key = cacheKey(message, view, subnet, client, env.locations.locate(client.address));
  return { cache, key, view };
}

/**
 * Everything the stored response depends on besides the patched ID, RD bit and subnet address:
 * the question's own bytes (case kept), the EDNS shape (OPT present, the echoed option's family and
 * length), the location's range prefix and the client prefix (ECS scope) and the location (routing).
 * The question is self-delimiting and the location name comes last, so no two inputs share a key.
 */
function cacheKey(
  message: Buffer,
  view: SimpleQueryView,
  subnet: ClientSubnet | undefined,
  client: ClientAddress,
  located: LocatedClient,
): string {
  const question = message.toString('latin1', headerBytes, view.questionEnd);
  const edns = !view.hasEdns ? 'none' : subnet ? `ecs${subnet.family}/${subnet.sourcePrefixLength}` : 'opt';
  const prefixes = `${located.rangePrefixLength ?? ''}|${client.prefixLength}`;
  return `${question}|${edns}|${prefixes}|${located.location?.name ?? ''}`;
}

function remember(slot: CacheSlot, input: BuildInput, reads: RoutingReads): void {
  slot.cache.set(slot.key, {
    full: encodeFull(input),
    truncated: encodeTruncated(input),
    rcode: input.rcode,
    healthIds: reads.healthIds,
    healthAnswers: reads.healthAnswers,
  });
}

/** The stored response with this query's ID, RD bit and subnet address (the OPT's last bytes). */
function fromCache(
  entry: CachedAnswer,
  message: Buffer,
  view: SimpleQueryView,
  transport: Transport,
  settings: ResponderSettings,
): Response {
  const limit =
    transport === 'udp'
      ? udpLimitFor(view.hasEdns ? view.ednsPayloadBytes : undefined, settings)
      : Number.POSITIVE_INFINITY;
  const fits = entry.full.length <= limit;
  const template = fits ? entry.full : entry.truncated;
  const bytes = Buffer.allocUnsafe(template.length);
  template.copy(bytes);
  bytes[0] = message[0] as number;
  bytes[1] = message[1] as number;
  bytes[2] =
    ((template[2] as number) & ~recursionDesiredBit) | ((message[2] as number) & recursionDesiredBit);
  const addressBytes = view.subnetLength - 4;
  if (addressBytes > 0) {
    const addressStart = view.subnetOffset + 4;
    message.copy(bytes, bytes.length - addressBytes, addressStart, addressStart + addressBytes);
  }
  return { bytes, rcode: entry.rcode as Rcode, truncated: !fits };
}

// ---------------------------------------------------------------------------------------------
// General path

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
  const bytes = encodeFull(input);
  const limit =
    transport === 'udp' ? udpLimitFor(input.edns?.payloadBytes, input.settings) : Number.POSITIVE_INFINITY;
  if (bytes.length <= limit) return { bytes, rcode: input.rcode, truncated: false };
  return { bytes: encodeTruncated(input), rcode: input.rcode, truncated: true };
}

function encodeFull(input: BuildInput): Buffer {
  const { resolution } = input;
  return dnsPacket.encode({
    ...responseFrame(input, 0),
    answers: (resolution?.answers ?? []).map(toWire),
    authorities: (resolution?.authorities ?? []).map(toWire),
  });
}

/** TC set and no records, so the client retries over TCP (RFC 1035 §4.2.1). */
function encodeTruncated(input: BuildInput): Buffer {
  return dnsPacket.encode({ ...responseFrame(input, truncatedFlag), answers: [], authorities: [] });
}

function responseFrame(input: BuildInput, extraFlags: number): Packet {
  const rcodeBits = input.rcode === 'BADVERS' ? 0 : rcodeValues[input.rcode];
  const flags = authoritativeFlag | (input.requestFlags & recursionDesiredFlag) | rcodeBits | extraFlags;
  const opt = input.edns ? [optRecord(input, input.resolution?.scopePrefixLength ?? 0)] : [];
  return { id: input.id, type: 'response', flags, questions: [input.question], additionals: opt };
}

/** Without EDNS 512 bytes; with it the requester's payload size, within [512, our maximum]. */
function udpLimitFor(ednsPayloadBytes: number | undefined, settings: ResponderSettings): number {
  if (ednsPayloadBytes === undefined) return classicUdpLimitBytes;
  return Math.max(classicUdpLimitBytes, Math.min(ednsPayloadBytes, settings.maxUdpPayloadBytes));
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
