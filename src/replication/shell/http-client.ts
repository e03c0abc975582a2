/**
 * JSON over HTTP to a peer's replication endpoint, through a keep-alive agent bound to this
 * region's own address (so in a world the connection crosses the WAN link, with its delay and
 * partitions). Every call has a deadline: a partition holds bytes instead of failing, so only a
 * timeout tells the caller to back off.
 */
import http from 'node:http';
import { ReplicationError } from './protocol.js';

export interface PeerEndpoint {
  region: string;
  host: string;
  port: number;
}

export interface JsonResponse<T> {
  status: number;
  body: T;
}

export class PeerClient {
  readonly agent: http.Agent;

  constructor(
    readonly peer: PeerEndpoint,
    localAddress: string | undefined,
    maxSockets: number,
  ) {
    this.agent = new http.Agent({
      keepAlive: true,
      maxSockets,
      ...(localAddress ? { localAddress } : {}),
    });
  }

  request<T>(
    method: 'GET' | 'POST',
    path: string,
    body: string | undefined,
    timeoutMs: number,
  ): Promise<JsonResponse<T>> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
      const request = http.request(
        {
          host: this.peer.host,
          port: this.peer.port,
          method,
          path,
          agent: this.agent,
          headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            clearTimeout(timer);
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              resolve({ status: response.statusCode ?? 0, body: (text ? JSON.parse(text) : {}) as T });
            } catch {
              reject(new ReplicationError('PeerError', `${this.peer.region} answered with invalid JSON`));
            }
          });
        },
      );
      const timer = setTimeout(() => {
        request.destroy(
          new ReplicationError('PeerUnreachable', `${this.peer.region}: no answer within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      request.on('error', (error) => {
        clearTimeout(timer);
        reject(
          error instanceof ReplicationError
            ? error
            : new ReplicationError('PeerUnreachable', `${this.peer.region}: ${error.message}`),
        );
      });
      request.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
