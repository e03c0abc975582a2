/**
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320: the one gzip and java.util.zip use) of the
 * exact response bytes, for the `x-amz-crc32` header the SDKs may check. Node has a native
 * `zlib.crc32` since 20.15 / 22.2; older Node 20 releases fall back to a table-driven loop.
 * https://godocs.io/github.com/aws/aws-sdk-go-v2/service/dynamodb/internal/customizations
 */
import zlib from 'node:zlib';

type Crc32 = (data: Uint8Array | string) => number;

const nativeCrc32 = (zlib as unknown as { crc32?: (data: Uint8Array | string, value?: number) => number })
  .crc32;

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** The portable implementation; exported so tests can check it against the native one. */
export function crc32Table(data: Uint8Array | string): number {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const lookup = crcTable();
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = lookup[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Unsigned CRC-32 of the bytes (a string is taken as UTF-8). */
export const crc32: Crc32 = nativeCrc32 ? (data) => nativeCrc32(data) >>> 0 : crc32Table;
