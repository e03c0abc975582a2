/**
 * A minimal reader for the one message shape resolvers and dig send almost always: a QUERY header,
 * one question with an uncompressed name, no answer or authority records, and at most one
 * additional record which is an OPT at the root (RFC 6891 §6.1.2), options walked only to find
 * Client Subnet (RFC 7871 §6). It only locates fields and allocates nothing.
 *
 * Why not dns-packet here: decoding builds an object graph (strings per label, an object per
 * record and option) that the answer cache does not need; the cache key is the question's own
 * bytes. Anything outside this shape (compression pointers in the question, several questions or
 * OPTs, answer records in a query, trailing bytes, an option running past the end) is left to
 * dns-packet and the general responder, which owns every error rcode — so rejecting a message
 * here is never an answer, only "take the general path".
 */

const headerBytes = 12;
const maxNameBytes = 255;
const maxLabelBytes = 63;
const optType = 41;
const ecsOptionCode = 8;
const keepAliveOptionCode = 11;
const keyTagOptionCode = 14;
/** Our EDNS handling without OPT: the classic UDP limit (RFC 1035 §4.2.1). */
const classicUdpLimitBytes = 512;

/** Field positions of one simple query; reused across messages so that parsing allocates nothing. */
export class SimpleQueryView {
  /** The question (name, type, class) lies at [headerBytes, questionEnd). */
  questionEnd = 0;
  questionType = 0;
  questionClass = 0;
  hasEdns = false;
  ednsPayloadBytes = classicUdpLimitBytes;
  ednsVersion = 0;
  /** Offset and length of the Client Subnet option's data; length -1 when there is none. */
  subnetOffset = 0;
  subnetLength = -1;

  /** True when `message` has the simple shape; then the fields describe it. */
  read(message: Buffer): boolean {
    if (message.length < headerBytes) return false;
    const questions = message.readUInt16BE(4);
    const answers = message.readUInt16BE(6);
    const authorities = message.readUInt16BE(8);
    const additionals = message.readUInt16BE(10);
    if (questions !== 1 || answers !== 0 || authorities !== 0 || additionals > 1) return false;
    const nameEnd = uncompressedNameEnd(message, headerBytes);
    if (nameEnd < 0 || nameEnd + 4 > message.length) return false;
    this.questionEnd = nameEnd + 4;
    this.questionType = message.readUInt16BE(nameEnd);
    this.questionClass = message.readUInt16BE(nameEnd + 2);
    this.hasEdns = false;
    this.ednsPayloadBytes = classicUdpLimitBytes;
    this.ednsVersion = 0;
    this.subnetLength = -1;
    if (additionals === 0) return this.questionEnd === message.length;
    return this.readOpt(message, this.questionEnd);
  }

  /** Root name, type OPT, then class = payload size, TTL = extended rcode, version, flags. */
  private readOpt(message: Buffer, offset: number): boolean {
    const fixedBytes = 11; // root name (1) type (2) class (2) ttl (4) rdlength (2)
    if (offset + fixedBytes > message.length || message[offset] !== 0) return false;
    if (message.readUInt16BE(offset + 1) !== optType) return false;
    const dataLength = message.readUInt16BE(offset + 9);
    const dataStart = offset + fixedBytes;
    if (dataStart + dataLength !== message.length) return false;
    this.hasEdns = true;
    this.ednsPayloadBytes = message.readUInt16BE(offset + 3);
    this.ednsVersion = message[offset + 6] as number;
    return this.readOptions(message, dataStart, message.length);
  }

  private readOptions(message: Buffer, start: number, end: number): boolean {
    let offset = start;
    while (offset < end) {
      if (offset + 4 > end) return false;
      const code = message.readUInt16BE(offset);
      const length = message.readUInt16BE(offset + 2);
      if (offset + 4 + length > end || !codecReadsWithin(code, length)) return false;
      if (code === ecsOptionCode) {
        if (this.subnetLength >= 0) return false; // two subnets: FORMERR, the general path's call
        this.subnetOffset = offset + 4;
        this.subnetLength = length;
      }
      offset += 4 + length;
    }
    return true;
  }
}

/**
 * dns-packet reads two bytes for a KEEP-ALIVE timeout and per KEY-TAG tag: with an odd length it
 * reads past the option (an error at the end of the message, FORMERR on the general path).
 */
function codecReadsWithin(code: number, length: number): boolean {
  if (code === keepAliveOptionCode) return length !== 1;
  if (code === keyTagOptionCode) return length % 2 === 0;
  return true;
}

/** End offset of a name made of plain labels (no compression pointer), or -1. */
function uncompressedNameEnd(message: Buffer, start: number): number {
  let offset = start;
  for (;;) {
    const length = message[offset];
    if (length === undefined || length > maxLabelBytes) return -1;
    offset += 1 + length;
    if (offset - start > maxNameBytes) return -1;
    if (length === 0) return offset;
  }
}
