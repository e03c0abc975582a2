/**
 * `pangea dns query`: a real DNS query to the world's server, sent from an address inside a client
 * location's range so the answer is the one Route 53 would give a resolver there. Output is dig's.
 */
import { createSocket } from 'node:dgram';
import net from 'node:net';
import dnsPacket, { type Answer, type DecodedPacket } from 'dns-packet';
import { PangeaError } from '../shared/errors.js';

export interface DnsQuery {
  name: string;
  type: string;
  server: { host: string; port: number };
  /** Source address (a location's client address, or 127.0.0.1 for "no location"). */
  fromAddress: string;
  tcp: boolean;
  timeoutMs: number;
}

export interface DnsReply {
  packet: DecodedPacket;
  elapsedMs: number;
  sizeBytes: number;
}

const rcodeNames = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

export async function queryDns(query: DnsQuery): Promise<DnsReply> {
  const id = Math.floor(Math.random() * 65536);
  const message = dnsPacket.encode({
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name: query.name, type: query.type as never, class: 'IN' }],
  });
  const startedMs = performance.now();
  const bytes = await (query.tcp ? sendTcp(query, message) : sendUdp(query, message));
  return {
    packet: dnsPacket.decode(bytes),
    elapsedMs: performance.now() - startedMs,
    sizeBytes: bytes.length,
  };
}

function timeoutError(query: DnsQuery): PangeaError {
  return new PangeaError(
    'DnsTimeout',
    `no answer from ${query.server.host}:${query.server.port} within ${query.timeoutMs} ms`,
  );
}

function sendUdp(query: DnsQuery, message: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(timeoutError(query));
    }, query.timeoutMs);
    socket.once('error', (error) => {
      clearTimeout(timer);
      socket.close();
      reject(new PangeaError('DnsQueryFailed', `DNS query failed: ${error.message}`));
    });
    socket.once('message', (reply) => {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    });
    socket.bind({ address: query.fromAddress, port: 0 }, () =>
      socket.send(message, query.server.port, query.server.host),
    );
  });
}

function sendTcp(query: DnsQuery, message: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({
      host: query.server.host,
      port: query.server.port,
      localAddress: query.fromAddress,
    });
    let pending = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(timeoutError(query));
    }, query.timeoutMs);
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(new PangeaError('DnsQueryFailed', `DNS query failed: ${error.message}`));
    });
    socket.on('connect', () => {
      const frame = Buffer.alloc(2 + message.length);
      frame.writeUInt16BE(message.length, 0);
      message.copy(frame, 2);
      socket.write(frame);
    });
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      if (pending.length < 2 || pending.length < 2 + pending.readUInt16BE(0)) return;
      clearTimeout(timer);
      socket.destroy();
      resolve(pending.subarray(2, 2 + pending.readUInt16BE(0)));
    });
  });
}

export function rcodeOf(packet: DecodedPacket): string {
  return rcodeNames[(packet.flags ?? 0) & 0xf] ?? String((packet.flags ?? 0) & 0xf);
}

function recordData(answer: Answer): string {
  const data = (answer as { data?: unknown }).data;
  if (typeof data === 'string') return /^(CNAME|NS|PTR)$/.test(answer.type) ? `${data}.` : data;
  if (Buffer.isBuffer(data)) return `"${data.toString()}"`;
  if (Array.isArray(data)) return data.map((part) => `"${String(part)}"`).join(' ');
  if (answer.type === 'SOA' && data && typeof data === 'object') {
    const soa = data as Record<string, unknown>;
    return `${soa.mname}. ${soa.rname}. ${soa.serial} ${soa.refresh} ${soa.retry} ${soa.expire} ${soa.minimum}`;
  }
  if (answer.type === 'MX' && data && typeof data === 'object') {
    const mx = data as { preference: number; exchange: string };
    return `${mx.preference} ${mx.exchange}.`;
  }
  return JSON.stringify(data);
}

function recordLine(answer: Answer): string {
  const ttl = (answer as { ttl?: number }).ttl ?? 0;
  return `${answer.name}.\t${ttl}\tIN\t${answer.type}\t${recordData(answer)}`;
}

/** `+short`: just the data of the answers. */
export function renderShort(reply: DnsReply): string {
  return (reply.packet.answers ?? []).map((answer) => recordData(answer)).join('\n');
}

/** dig's default layout, with a line saying where the query came from. */
export function renderDig(reply: DnsReply, query: DnsQuery, fromLocation: string | undefined): string {
  const { packet } = reply;
  const flags = packet.flags ?? 0;
  const flagNames = [
    'qr',
    flags & dnsPacket.AUTHORITATIVE_ANSWER ? 'aa' : '',
    flags & dnsPacket.TRUNCATED_RESPONSE ? 'tc' : '',
    flags & dnsPacket.RECURSION_DESIRED ? 'rd' : '',
  ].filter(Boolean);
  const section = (title: string, records: Answer[] | undefined) =>
    records && records.length > 0 ? [`;; ${title} SECTION:`, ...records.map(recordLine), ''] : [];
  return [
    `; <<>> pangea dns query <<>> ${query.name} ${query.type}${fromLocation ? ` from ${fromLocation}` : ''}`,
    `;; ->>HEADER<<- opcode: QUERY, status: ${rcodeOf(packet)}, id: ${packet.id ?? 0}`,
    `;; flags: ${flagNames.join(' ')}; QUERY: ${packet.questions?.length ?? 0}, ANSWER: ${packet.answers?.length ?? 0}, AUTHORITY: ${packet.authorities?.length ?? 0}, ADDITIONAL: ${packet.additionals?.length ?? 0}`,
    '',
    ';; QUESTION SECTION:',
    ...(packet.questions ?? []).map((question) => `;${question.name}.\t\tIN\t${question.type}`),
    '',
    ...section('ANSWER', packet.answers),
    ...section('AUTHORITY', packet.authorities),
    `;; Query time: ${Math.round(reply.elapsedMs)} msec`,
    `;; SERVER: ${query.server.host}#${query.server.port}(${query.server.host}) (${query.tcp ? 'TCP' : 'UDP'})`,
    `;; FROM: ${query.fromAddress}${fromLocation ? ` (location ${fromLocation})` : ' (no location)'}`,
    `;; MSG SIZE  rcvd: ${reply.sizeBytes}`,
  ].join('\n');
}
