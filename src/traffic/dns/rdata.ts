/**
 * Route 53 record values (text, as in ResourceRecords[].Value) to the structured data the packet
 * codec encodes. Parsing happens once, when zones are loaded, so a bad value is a load-time error
 * naming the record and never a failure while answering.
 * Formats: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/ResourceRecordTypes.html
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { CaaData, MxData, SoaData, SrvData } from 'dns-packet';
import type { RecordType } from './types.js';

export type RecordData = string | string[] | MxData | SoaData | SrvData | CaaData;

const hostnamePattern =
  /^(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/i;
const maxNameLength = 253;
const maxUint32 = 4294967295;

/** Lower case, no trailing dot: the key every lookup uses. */
export function normalizeName(name: string): string {
  const trimmed = name.trim().toLowerCase();
  return trimmed.endsWith('.') ? trimmed.slice(0, -1) : trimmed;
}

export function isValidHostname(name: string): boolean {
  const normalized = normalizeName(name);
  return normalized.length > 0 && normalized.length <= maxNameLength && hostnamePattern.test(normalized);
}

/** Returns the parsed data, or a message saying what is wrong with the value. */
export function parseRecordValue(type: RecordType, value: string): RecordData | { error: string } {
  switch (type) {
    case 'A':
      return isIPv4(value) ? value : { error: `"${value}" is not an IPv4 address` };
    case 'AAAA':
      return isIPv6(value) ? value : { error: `"${value}" is not an IPv6 address` };
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return isValidHostname(value) ? normalizeName(value) : { error: `"${value}" is not a domain name` };
    case 'TXT':
      return parseCharacterStrings(value);
    case 'MX':
      return parseMx(value);
    case 'SRV':
      return parseSrv(value);
    case 'SOA':
      return parseSoa(value);
    case 'CAA':
      return parseCaa(value);
  }
}

/** TXT values are one or more quoted strings (each at most 255 bytes); bare text is one string. */
function parseCharacterStrings(value: string): string[] | { error: string } {
  const trimmed = value.trim();
  if (!trimmed.startsWith('"')) return checkStringLengths([trimmed]);
  const strings: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"\s*/gy;
  let match: RegExpExecArray | null = pattern.exec(trimmed);
  let consumed = 0;
  while (match) {
    strings.push((match[1] ?? '').replace(/\\(.)/g, '$1'));
    consumed = pattern.lastIndex;
    match = pattern.exec(trimmed);
  }
  if (consumed !== trimmed.length) return { error: `unbalanced quotes in TXT value ${value}` };
  return checkStringLengths(strings);
}

function checkStringLengths(strings: string[]): string[] | { error: string } {
  const tooLong = strings.find((text) => Buffer.byteLength(text) > 255);
  return tooLong === undefined ? strings : { error: 'a TXT string is longer than 255 bytes; split it' };
}

function fields(value: string): string[] {
  return value.trim().split(/\s+/);
}

function parseUint(text: string | undefined, max: number): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const parsed = Number(text);
  return parsed <= max ? parsed : undefined;
}

function parseMx(value: string): MxData | { error: string } {
  const [preferenceText, exchange, ...rest] = fields(value);
  const preference = parseUint(preferenceText, 65535);
  if (preference === undefined || !exchange || rest.length > 0 || !isValidHostname(exchange)) {
    return { error: `MX value "${value}" must be "<priority 0-65535> <mail server>"` };
  }
  return { preference, exchange: normalizeName(exchange) };
}

function parseSrv(value: string): SrvData | { error: string } {
  const [priorityText, weightText, portText, target, ...rest] = fields(value);
  const priority = parseUint(priorityText, 65535);
  const weight = parseUint(weightText, 65535);
  const port = parseUint(portText, 65535);
  if (priority === undefined || weight === undefined || port === undefined || !target || rest.length > 0) {
    return { error: `SRV value "${value}" must be "<priority> <weight> <port> <target>"` };
  }
  if (target !== '.' && !isValidHostname(target)) return { error: `SRV target "${target}" is not a name` };
  return { priority, weight, port, target: target === '.' ? '' : normalizeName(target) };
}

function parseSoa(value: string): SoaData | { error: string } {
  const [mname, rname, ...numberTexts] = fields(value);
  const numbers = numberTexts.map((text) => parseUint(text, maxUint32));
  if (!mname || !rname || numbers.length !== 5 || numbers.some((number) => number === undefined)) {
    return {
      error: `SOA value "${value}" must be "<mname> <rname> <serial> <refresh> <retry> <expire> <minimum>"`,
    };
  }
  const [serial, refresh, retry, expire, minimum] = numbers as number[];
  return {
    mname: normalizeName(mname),
    rname: normalizeName(rname),
    serial,
    refresh,
    retry,
    expire,
    minimum,
  };
}

function parseCaa(value: string): CaaData | { error: string } {
  const match = /^(\d+)\s+(issue|issuewild|iodef)\s+"?([^"]*)"?$/i.exec(value.trim());
  const flags = parseUint(match?.[1], 255);
  if (!match || flags === undefined) {
    return { error: `CAA value "${value}" must be '<flags> issue|issuewild|iodef "<value>"'` };
  }
  const tag = (match[2] ?? '').toLowerCase() as CaaData['tag'];
  return { flags, tag, value: match[3] ?? '', issuerCritical: (flags & 128) !== 0 };
}
