/**
 * AWS Signature Version 4: parsing the Authorization header (or the presigned query-string form),
 * and, when a region verifies signatures, recomputing the signature from the request.
 *
 * The algorithm (canonical request, string to sign, signing key) follows
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 * and https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html.
 * The order of the checks and the error texts are DynamoDB's (a JSON/"coral" service): e.g.
 * "Signature expired: 20140325T143453Z is now earlier than 20140325T143751Z (20140325T145251Z - 15 min.)"
 * (https://github.com/aws/aws-sdk-js/issues/254), "Credential should be scoped to a valid region, not
 * 'us-east-1'. " (https://github.com/aws/aws-sdk-ruby/issues/508), and the 400 status for all of them.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { DynamoError } from '../model.js';
import { protocolErrors } from './errors.js';

export const sigV4Algorithm = 'AWS4-HMAC-SHA256';
/** The allowed difference between the request's date and the server's clock. */
export const maxClockSkewMs = 15 * 60 * 1000;

export interface SigV4Auth {
  form: 'header' | 'query';
  algorithm: string;
  /** The raw Credential value: keyid/date/region/service/aws4_request. */
  credential: string;
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
  terminator: string;
  /** Lower-cased names, in the order the client listed them. */
  signedHeaders: string[];
  signature: string;
  /** The request time as sent: X-Amz-Date (basic ISO 8601) or, failing that, the Date header. */
  requestDate: string;
  /** Presigned requests only: X-Amz-Expires in seconds. */
  expiresSeconds?: number;
}

/** What verification needs of the request: the bytes as they arrived. */
export interface SignedRequest {
  method: string;
  /** The request target as sent, path and query (e.g. `/` or `/?X-Amz-Algorithm=...`). */
  url: string;
  /** Node's `rawHeaders`: names and values alternating, duplicates kept. */
  rawHeaders: string[];
  body: Buffer;
}

export interface VerifyOptions {
  /** Access key id → secret access key. */
  credentials: Record<string, string>;
  /** The region this endpoint serves: a credential scoped elsewhere is rejected. */
  region: string;
  service: string;
  nowMs: number;
}

type Headers = Record<string, string | string[] | undefined>;

const headerValue = (headers: Headers, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** `key=value` pairs of a raw query string, percent-decoded where the encoding is valid. */
export function parseQuery(url: string): Array<[string, string]> {
  const mark = url.indexOf('?');
  if (mark < 0) return [];
  return url
    .slice(mark + 1)
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const key = equals < 0 ? pair : pair.slice(0, equals);
      const value = equals < 0 ? '' : pair.slice(equals + 1);
      return [safeDecode(key), safeDecode(value)];
    });
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** RFC 3986 encoding of everything but the unreserved characters, as SigV4 requires. */
export function uriEscape(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * The region named in a request's credential scope, read from the Authorization header or the
 * X-Amz-Credential query parameter; undefined when the request carries none. Cheap: the edge
 * calls it for every request before forwarding.
 */
export function credentialRegion(headers: Headers, url: string): string | undefined {
  const authorization = headerValue(headers, 'authorization');
  let credential: string | undefined;
  if (authorization) {
    const match = /Credential=([^,\s]*)/.exec(authorization);
    credential = match?.[1];
  } else if (url.includes('X-Amz-Credential=')) {
    credential = parseQuery(url).find(([key]) => key === 'X-Amz-Credential')?.[1];
  }
  const region = credential?.split('/')[2];
  return region ? region : undefined;
}

/** What splits an Authorization header's parameters: commas and any run of whitespace (`\s`). */
const nonAsciiWhitespace = /\s/;

function isParamSeparator(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if (code === 0x2c || code === 0x20 || (code >= 0x09 && code <= 0x0d)) return true;
  return code >= 0x80 && nonAsciiWhitespace.test(text[index]!);
}

/**
 * The key=value parameters after the algorithm in an Authorization header (the first of a
 * repeated key wins). One scan over the header: it is parsed on every request.
 */
function authorizationParams(authorization: string): Map<string, string> {
  const params = new Map<string, string>();
  const space = authorization.indexOf(' ');
  if (space < 0) return params;
  const length = authorization.length;
  let index = space + 1;
  while (index < length) {
    while (index < length && isParamSeparator(authorization, index)) index++;
    const start = index;
    let equals = -1;
    while (index < length && !isParamSeparator(authorization, index)) {
      if (equals < 0 && authorization.charCodeAt(index) === 0x3d) equals = index;
      index++;
    }
    if (equals > start) {
      const key = authorization.slice(start, equals);
      if (!params.has(key)) params.set(key, authorization.slice(equals + 1, index));
    }
  }
  return params;
}

/** The five parts of a credential scope, trailing slashes ignored; AWS's error for any other count. */
function splitCredential(credential: string): string[] {
  // The common credential has no trailing slash, so skip the regex then.
  const parts = (credential.endsWith('/') ? credential.replace(/\/+$/, '') : credential).split('/');
  if (parts.length !== 5) {
    throw protocolErrors.incompleteSignature(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    );
  }
  return parts;
}

function parseHeaderForm(authorization: string, headers: Headers): SigV4Auth {
  const params = authorizationParams(authorization);
  const credential = params.get('Credential');
  const signature = params.get('Signature');
  const signedHeaders = params.get('SignedHeaders');
  const requestDate = headerValue(headers, 'x-amz-date') ?? headerValue(headers, 'date');
  if (!credential || !signature || !signedHeaders || !requestDate) {
    let message = '';
    if (!credential) message += "Authorization header requires 'Credential' parameter. ";
    if (!signature) message += "Authorization header requires 'Signature' parameter. ";
    if (!signedHeaders) message += "Authorization header requires 'SignedHeaders' parameter. ";
    if (!requestDate) {
      message += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
    }
    throw protocolErrors.incompleteSignature(`${message}Authorization=${authorization}`);
  }
  const parts = splitCredential(credential);
  return {
    form: 'header',
    algorithm: authorization.slice(0, authorization.indexOf(' ')),
    credential,
    accessKeyId: parts[0]!,
    scopeDate: parts[1]!,
    region: parts[2]!,
    service: parts[3]!,
    terminator: parts[4]!,
    signedHeaders: signedHeaders.toLowerCase().split(';'),
    signature,
    requestDate,
  };
}

function parseQueryForm(query: Map<string, string>): SigV4Auth {
  let message = '';
  for (const name of [
    'X-Amz-Algorithm',
    'X-Amz-Credential',
    'X-Amz-Signature',
    'X-Amz-SignedHeaders',
    'X-Amz-Date',
  ]) {
    if (!query.get(name)) message += `AWS query-string parameters must include '${name}'. `;
  }
  if (message) throw protocolErrors.incompleteSignature(`${message}Re-examine the query-string parameters.`);
  const credential = query.get('X-Amz-Credential')!;
  const expires = query.get('X-Amz-Expires');
  const [accessKeyId = '', scopeDate = '', region = '', service = '', terminator = ''] =
    splitCredential(credential);
  return {
    form: 'query',
    algorithm: query.get('X-Amz-Algorithm')!,
    credential,
    accessKeyId,
    scopeDate,
    region,
    service,
    terminator,
    signedHeaders: query.get('X-Amz-SignedHeaders')!.toLowerCase().split(';'),
    signature: query.get('X-Amz-Signature')!,
    requestDate: query.get('X-Amz-Date')!,
    ...(expires !== undefined && /^\d+$/.test(expires) ? { expiresSeconds: Number(expires) } : {}),
  };
}

/**
 * Parses the request's SigV4 authentication, with the checks AWS makes before it looks at keys:
 * present, complete, and a five-part credential. Throws the DynamoError AWS would send.
 */
export function parseSigV4(headers: Headers, url: string): SigV4Auth {
  const authorization = headerValue(headers, 'authorization');
  const hasQueryAuth = url.includes('X-Amz-Algorithm=');
  if (authorization !== undefined && hasQueryAuth) {
    throw protocolErrors.invalidSignature(
      "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
    );
  }
  if (hasQueryAuth) return parseQueryForm(new Map(parseQuery(url)));
  if (!authorization?.trim().startsWith('AWS4-')) throw protocolErrors.missingAuthenticationToken();
  return parseHeaderForm(authorization.trim(), headers);
}

/** `20240102T030405Z` from epoch milliseconds. */
export function basicIsoDate(epochMs: number): string {
  return new Date(epochMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Epoch milliseconds of the request date, accepting X-Amz-Date's basic format or an HTTP Date. */
function requestTimeMs(requestDate: string): number | undefined {
  const basic = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(requestDate);
  if (basic) {
    const [, y, mo, d, h, mi, s] = basic.map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const ms = Date.UTC(y, mo - 1, d, h, mi, s);
    return Number.isNaN(ms) ? undefined : ms;
  }
  // An HTTP Date header is only accepted in its RFC 1123 form ("Tue, 01 Jan 2024 00:00:00 GMT").
  if (!/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(requestDate)) return undefined;
  const ms = Date.parse(requestDate);
  return Number.isNaN(ms) ? undefined : ms;
}

function checkClock(auth: SigV4Auth, requestMs: number, nowMs: number): void {
  const stamp = basicIsoDate(requestMs);
  const now = basicIsoDate(nowMs);
  if (auth.form === 'query' && auth.expiresSeconds !== undefined) {
    if (requestMs + auth.expiresSeconds * 1000 < nowMs) {
      throw protocolErrors.invalidSignature(
        `Signature expired: ${stamp} is now earlier than ${basicIsoDate(nowMs - auth.expiresSeconds * 1000)} (${now} - ${auth.expiresSeconds} sec.)`,
      );
    }
  } else if (requestMs < nowMs - maxClockSkewMs) {
    throw protocolErrors.invalidSignature(
      `Signature expired: ${stamp} is now earlier than ${basicIsoDate(nowMs - maxClockSkewMs)} (${now} - 15 min.)`,
    );
  }
  if (requestMs > nowMs + maxClockSkewMs) {
    throw protocolErrors.invalidSignature(
      `Signature not yet current: ${stamp} is still later than ${basicIsoDate(nowMs + maxClockSkewMs)} (${now} + 15 min.)`,
    );
  }
}

function checkScope(auth: SigV4Auth, requestMs: number, options: VerifyOptions): void {
  let message = '';
  if (auth.region !== options.region)
    message += `Credential should be scoped to a valid region, not '${auth.region}'. `;
  if (auth.service !== options.service)
    message += `Credential should be scoped to correct service: '${options.service}'. `;
  if (auth.terminator !== 'aws4_request') {
    message += `Credential should be scoped with a valid terminator: 'aws4_request', not '${auth.terminator}'. `;
  }
  const day = basicIsoDate(requestMs).slice(0, 8);
  if (auth.scopeDate !== day) {
    message += `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.scopeDate}' != '${day}', from '${auth.requestDate}'.`;
  }
  if (message) throw protocolErrors.invalidSignature(message);
}

/** RFC 3986 normalisation of the path, each segment encoded once more (every service but S3). */
function canonicalUri(url: string): string {
  const mark = url.indexOf('?');
  const path = mark < 0 ? url : url.slice(0, mark);
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = path.endsWith('/') && segments.length > 0 ? '/' : '';
  return `/${segments.map(uriEscape).join('/')}${trailing}`;
}

function canonicalQuery(url: string, form: SigV4Auth['form']): string {
  return parseQuery(url)
    .filter(([key]) => !(form === 'query' && key === 'X-Amz-Signature'))
    .map(([key, value]) => [uriEscape(key), uriEscape(value)] as const)
    .sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

function canonicalHeaders(rawHeaders: string[], signedHeaders: string[]): string {
  const wanted = new Set(signedHeaders);
  const values = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    if (!wanted.has(name)) continue;
    const value = rawHeaders[i + 1]!.trim().replace(/\s+/g, ' ');
    const list = values.get(name);
    if (list) list.push(value);
    else values.set(name, [value]);
  }
  return signedHeaders.map((name) => `${name}:${(values.get(name) ?? []).join(',')}\n`).join('');
}

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer =>
  createHmac('sha256', key).update(data, 'utf8').digest();

const signingKeys = new Map<string, Buffer>();

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"), cached per day. */
function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const cacheKey = `${secret}\n${date}\n${region}\n${service}`;
  let key = signingKeys.get(cacheKey);
  if (!key) {
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
    if (signingKeys.size > 1000) signingKeys.clear();
    signingKeys.set(cacheKey, key);
  }
  return key;
}

function payloadHash(request: SignedRequest): string {
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    if (
      request.rawHeaders[i]!.toLowerCase() === 'x-amz-content-sha256' &&
      request.rawHeaders[i + 1] === 'UNSIGNED-PAYLOAD'
    ) {
      return 'UNSIGNED-PAYLOAD';
    }
  }
  return sha256Hex(request.body);
}

/** The canonical request and string to sign for a request (exported for tests and error texts). */
export function stringsToSign(
  auth: SigV4Auth,
  request: SignedRequest,
): { canonicalRequest: string; stringToSign: string } {
  const signedHeaders = [...auth.signedHeaders].sort();
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalUri(request.url),
    canonicalQuery(request.url, auth.form),
    canonicalHeaders(request.rawHeaders, signedHeaders),
    signedHeaders.join(';'),
    payloadHash(request),
  ].join('\n');
  const requestMs = requestTimeMs(auth.requestDate) ?? 0;
  const scope = `${auth.scopeDate}/${auth.region}/${auth.service}/${auth.terminator}`;
  const stringToSign = [sigV4Algorithm, basicIsoDate(requestMs), scope, sha256Hex(canonicalRequest)].join(
    '\n',
  );
  return { canonicalRequest, stringToSign };
}

function signatureMismatch(canonicalRequest: string, stringToSign: string): DynamoError {
  return protocolErrors.invalidSignature(
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n' +
      `The Canonical String for this request should have been\n'${canonicalRequest}'\n\n` +
      `The String-to-Sign should have been\n'${stringToSign}'\n`,
  );
}

/**
 * Full verification, in AWS's order: date format, clock skew, Host signed, algorithm, scope,
 * access key, signature. Throws the DynamoError AWS would send.
 */
export function verifySigV4(auth: SigV4Auth, request: SignedRequest, options: VerifyOptions): void {
  const requestMs = requestTimeMs(auth.requestDate);
  if (requestMs === undefined) {
    throw protocolErrors.incompleteSignature(
      `Date must be in ISO-8601 'basic format'. Got '${auth.requestDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  checkClock(auth, requestMs, options.nowMs);
  if (!auth.signedHeaders.includes('host')) {
    throw protocolErrors.invalidSignature("'Host' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (auth.algorithm !== sigV4Algorithm) {
    throw protocolErrors.incompleteSignature(
      `Unsupported AWS 'algorithm': '${auth.algorithm}' (only ${sigV4Algorithm} for now). `,
    );
  }
  checkScope(auth, requestMs, options);
  const secret = Object.hasOwn(options.credentials, auth.accessKeyId)
    ? options.credentials[auth.accessKeyId]
    : undefined;
  if (secret === undefined) throw protocolErrors.unrecognizedClient();
  const { canonicalRequest, stringToSign } = stringsToSign(auth, request);
  const expected = createHmac('sha256', signingKey(secret, auth.scopeDate, auth.region, auth.service))
    .update(stringToSign, 'utf8')
    .digest();
  const given = /^[0-9a-f]{64}$/.test(auth.signature) ? Buffer.from(auth.signature, 'hex') : Buffer.alloc(0);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw signatureMismatch(canonicalRequest, stringToSign);
  }
}
