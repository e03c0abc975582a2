/** Raw HTTP exchanges with a DynamoDB endpoint, for protocol-level assertions. */
import http from 'node:http';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface RawRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string | number>;
  body?: string | Buffer;
  agent?: http.Agent | false;
  timeoutMs?: number;
}

export function rawRequest(url: string, request: RawRequest = {}): Promise<RawResponse> {
  const target = new URL(url);
  const headers: Record<string, string | number> = { ...request.headers };
  // Frame every body explicitly: Node sends a GET's body unframed otherwise.
  const framed = Object.keys(headers).some((name) => /^(content-length|transfer-encoding)$/i.test(name));
  if (request.body !== undefined && !framed) headers['Content-Length'] = Buffer.byteLength(request.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: request.method ?? 'POST',
        path: request.path ?? '/',
        headers,
        agent: request.agent ?? false,
        timeout: request.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(request.body);
  });
}

/** Headers of a request the way an SDK would sign it (signature not checked unless the server verifies). */
export function dynamoHeaders(
  operation: string,
  region = 'us-east-1',
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    'Content-Type': 'application/x-amz-json-1.0',
    'X-Amz-Target': `DynamoDB_20120810.${operation}`,
    'X-Amz-Date': '20240102T030405Z',
    Authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/${region}/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`,
    ...extra,
  };
}
