/**
 * SigV4 verification against reference signatures made by the AWS SDK's own signer
 * (@smithy/signature-v4), so the two implementations are checked against each other.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { SignatureV4 } from '@smithy/signature-v4';
import { DynamoError } from '../../../../src/dataplane/model.js';
import {
  credentialRegion,
  parseSigV4,
  type SignedRequest,
  uriEscape,
  verifySigV4,
} from '../../../../src/dataplane/protocol/sigv4.js';

function toBytes(data: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

class Sha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {}
}

const signingDate = new Date('2024-01-02T03:04:05Z');
const secretKey = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const credentials: Record<string, string> = { AKIDEXAMPLE: secretKey };
const body = '{"TableName":"games","Key":{"id":{"S":"g-1"}}}';

function signer(region = 'eu-west-1', secretAccessKey = secretKey) {
  return new SignatureV4({
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey },
    region,
    service: 'dynamodb',
    sha256: Sha256,
  });
}

function baseRequest(path = '/') {
  return {
    method: 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 8000,
    path,
    query: {} as Record<string, string>,
    headers: {
      host: '127.0.0.1:8000',
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.GetItem',
      'amz-sdk-request': 'attempt=1;   max=3',
    } as Record<string, string>,
    body,
  };
}

function toSigned(
  request: { method: string; path: string; query?: Record<string, unknown>; headers: Record<string, string> },
  sentBody = body,
): SignedRequest {
  const query = Object.entries(request.query ?? {})
    .map(([key, value]) => `${uriEscape(key)}=${uriEscape(String(value))}`)
    .join('&');
  return {
    method: request.method,
    url: query ? `${request.path}?${query}` : request.path,
    rawHeaders: Object.entries(request.headers).flat(),
    body: Buffer.from(sentBody, 'utf8'),
  };
}

async function signedRequest(
  options: { region?: string; secret?: string; path?: string } = {},
): Promise<SignedRequest> {
  const signed = await signer(options.region, options.secret).sign(baseRequest(options.path), {
    signingDate,
  });
  return toSigned(signed as never);
}

const lowerHeaders = (request: SignedRequest) => {
  const headers: Record<string, string> = {};
  for (let i = 0; i < request.rawHeaders.length; i += 2)
    headers[request.rawHeaders[i]!.toLowerCase()] = request.rawHeaders[i + 1]!;
  return headers;
};

const verifyOptions = {
  credentials,
  region: 'eu-west-1',
  service: 'dynamodb',
  nowMs: signingDate.getTime() + 60_000,
};

function verify(request: SignedRequest, options: Partial<typeof verifyOptions> = {}): void {
  const auth = parseSigV4(lowerHeaders(request), request.url);
  verifySigV4(auth, request, { ...verifyOptions, ...options });
}

function rejects(fn: () => void, code: string, message?: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof DynamoError, String(error));
    assert.equal(error.code, code);
    assert.equal(error.statusCode, 400);
    if (message) assert.match(error.message, message);
    return true;
  });
}

describe('SigV4 parsing', () => {
  test('reads the credential scope of a signed request', async () => {
    const request = await signedRequest();
    const auth = parseSigV4(lowerHeaders(request), request.url);
    assert.equal(auth.accessKeyId, 'AKIDEXAMPLE');
    assert.equal(auth.region, 'eu-west-1');
    assert.equal(auth.service, 'dynamodb');
    assert.equal(auth.scopeDate, '20240102');
    assert.equal(auth.requestDate, '20240102T030405Z');
    assert.ok(auth.signedHeaders.includes('host'));
    assert.equal(credentialRegion(lowerHeaders(request), request.url), 'eu-west-1');
  });

  test('a missing or non-AWS4 Authorization is a missing token', () => {
    rejects(
      () => parseSigV4({}, '/'),
      'MissingAuthenticationTokenException',
      /^Request is missing Authentication Token$/,
    );
    rejects(() => parseSigV4({ authorization: 'Bearer abc' }, '/'), 'MissingAuthenticationTokenException');
  });

  test('an incomplete Authorization lists what is missing', () => {
    rejects(
      () => parseSigV4({ authorization: 'AWS4-HMAC-SHA256 Signature=abc' }, '/'),
      'IncompleteSignatureException',
      /requires 'Credential' parameter\. .*requires 'SignedHeaders' parameter\. .*'X-Amz-Date' or a 'Date' header\. Authorization=AWS4-HMAC-SHA256 Signature=abc$/,
    );
  });

  test('a credential needs five parts', () => {
    rejects(
      () =>
        parseSigV4(
          {
            authorization: 'AWS4-HMAC-SHA256 Credential=a/b/c/d, SignedHeaders=host, Signature=x',
            'x-amz-date': '20240102T030405Z',
          },
          '/',
        ),
      'IncompleteSignatureException',
      /exactly 5 slash-delimited elements.*got 'a\/b\/c\/d'/,
    );
  });

  test('header and query authentication together are refused', () => {
    rejects(
      () =>
        parseSigV4(
          { authorization: 'AWS4-HMAC-SHA256 Credential=a/b/c/d/e' },
          '/?X-Amz-Algorithm=AWS4-HMAC-SHA256',
        ),
      'InvalidSignatureException',
      /Found both/,
    );
  });

  test('credentialRegion finds no region without a credential', () => {
    assert.equal(credentialRegion({}, '/'), undefined);
    assert.equal(credentialRegion({ authorization: 'AWS4-HMAC-SHA256 Signature=x' }, '/'), undefined);
    assert.equal(
      credentialRegion({}, '/?X-Amz-Credential=AK%2F20240102%2Fap-south-1%2Fdynamodb%2Faws4_request'),
      'ap-south-1',
    );
  });
});

describe('SigV4 verification', () => {
  test('accepts what the AWS SDK signer signed', async () => {
    verify(await signedRequest());
  });

  test('accepts odd paths signed by the SDK', async () => {
    verify(await signedRequest({ path: '/a b/c%2Fd/' }));
  });

  test('accepts a presigned request', async () => {
    const presigned = await signer().presign(baseRequest(), { signingDate, expiresIn: 300 });
    verify(toSigned(presigned as never));
  });

  test('a changed body no longer matches, and the error shows the expected strings', async () => {
    const request = await signedRequest();
    request.body = Buffer.from(body.replace('g-1', 'g-2'), 'utf8');
    rejects(
      () => verify(request),
      'InvalidSignatureException',
      /^The request signature we calculated does not match the signature you provided\. Check your AWS Secret Access Key and signing method\. Consult the service documentation for details\.\n\nThe Canonical String for this request should have been\n'POST\n\/\n/,
    );
  });

  test('a wrong secret does not match', async () => {
    const request = await signedRequest({ secret: 'nope' });
    rejects(() => verify(request), 'InvalidSignatureException', /does not match/);
  });

  test('an unknown access key is an unrecognized client', async () => {
    const request = await signedRequest();
    rejects(
      () => verify(request, { credentials: { OTHER: 'x' } }),
      'UnrecognizedClientException',
      /^The security token included in the request is invalid\.$/,
    );
  });

  test('a signature older than 15 minutes has expired', async () => {
    const request = await signedRequest();
    rejects(
      () => verify(request, { nowMs: signingDate.getTime() + 16 * 60_000 }),
      'InvalidSignatureException',
      /^Signature expired: 20240102T030405Z is now earlier than 20240102T030505Z \(20240102T032005Z - 15 min\.\)$/,
    );
  });

  test('a signature from more than 15 minutes in the future is not yet current', async () => {
    const request = await signedRequest();
    rejects(
      () => verify(request, { nowMs: signingDate.getTime() - 16 * 60_000 }),
      'InvalidSignatureException',
      /^Signature not yet current: 20240102T030405Z is still later than 20240102T030305Z \(20240102T024805Z \+ 15 min\.\)$/,
    );
  });

  test('a credential scoped to another region is refused', async () => {
    const request = await signedRequest({ region: 'us-east-1' });
    rejects(
      () => verify(request),
      'InvalidSignatureException',
      /^Credential should be scoped to a valid region, not 'us-east-1'\. $/,
    );
  });

  test('Host must be signed', async () => {
    const request = await signedRequest();
    const auth = parseSigV4(lowerHeaders(request), request.url);
    auth.signedHeaders = auth.signedHeaders.filter((name) => name !== 'host');
    rejects(
      () => verifySigV4(auth, request, verifyOptions),
      'InvalidSignatureException',
      /'Host' must be a 'SignedHeader'/,
    );
  });

  test('a malformed date is refused', async () => {
    const request = await signedRequest();
    const auth = parseSigV4(lowerHeaders(request), request.url);
    auth.requestDate = '2024-01-02';
    rejects(
      () => verifySigV4(auth, request, verifyOptions),
      'IncompleteSignatureException',
      /ISO-8601 'basic format'\. Got '2024-01-02'/,
    );
  });

  test('an expired presigned request is refused', async () => {
    const presigned = await signer().presign(baseRequest(), { signingDate, expiresIn: 30 });
    rejects(() => verify(toSigned(presigned as never)), 'InvalidSignatureException', /^Signature expired/);
  });
});
