/**
 * Response compression as DynamoDB does it: only when the client's Accept-Encoding allows gzip or
 * deflate, and only for bodies above 4 KiB; the x-amz-crc32 header is then the CRC of the
 * compressed bytes. Botocore and the JS SDK v3 send no Accept-Encoding, so they get plain JSON.
 * Negotiation rules (quality values, explicit codings before `*`, earlier before later on ties,
 * `identity` ignored) follow the behaviour recorded against DynamoDB in ScyllaDB's Alternator
 * compatibility tests (test/alternator/test_compressed_response.py), and
 * https://godocs.io/github.com/aws/aws-sdk-go-v2/service/dynamodb/internal/customizations
 * (the checksum covers the gzipped bytes).
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';

export type ResponseEncoding = 'gzip' | 'deflate';

export const compressionThresholdBytes = 4096;

const codings: readonly ResponseEncoding[] = ['gzip', 'deflate'];
const gzip = promisify(zlib.gzip);
const deflate = promisify(zlib.deflate);

interface Preference {
  quality: number;
  /** Position in the header; wildcard preferences rank after every explicit one of equal quality. */
  rank: number;
}

/** q values above 1 count as 1, unparseable ones as 1 and negative ones as 0 (DynamoDB's leniency). */
function qualityOf(params: string[]): number {
  for (const param of params) {
    const equals = param.indexOf('=');
    if (equals < 0 || param.slice(0, equals).trim().toLowerCase() !== 'q') continue;
    const value = param.slice(equals + 1).trim();
    if (value.startsWith('-')) return 0;
    if (!/^\d+(\.\d*)?$/.test(value)) return 1;
    return Math.min(1, Number(value));
  }
  return 1;
}

/** The encoding to use for a response, or undefined for none. */
export function negotiateEncoding(acceptEncoding: string | undefined): ResponseEncoding | undefined {
  if (!acceptEncoding) return undefined;
  const explicit = new Map<string, Preference>();
  let wildcard: Preference | undefined;
  acceptEncoding.split(',').forEach((entry, index) => {
    const [name = '', ...params] = entry.split(';');
    const coding = name.trim().toLowerCase();
    const preference = { quality: qualityOf(params), rank: index };
    if (coding === '*') wildcard ??= { ...preference, rank: 1_000_000 + index };
    else if (!explicit.has(coding)) explicit.set(coding, preference);
  });
  let best: { coding: ResponseEncoding; preference: Preference } | undefined;
  for (const coding of codings) {
    const preference = explicit.get(coding) ?? wildcard;
    if (!preference || preference.quality <= 0) continue;
    const better =
      !best ||
      preference.quality > best.preference.quality ||
      (preference.quality === best.preference.quality && preference.rank < best.preference.rank);
    if (better) best = { coding, preference };
  }
  return best?.coding;
}

export function compress(body: Buffer, encoding: ResponseEncoding): Promise<Buffer> {
  return encoding === 'gzip' ? gzip(body) : deflate(body);
}
