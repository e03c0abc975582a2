/** Shared fixtures for the accelerator tests: a small world whose services use the accelerator's test ports. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseTopology } from '../../../../src/world/topology/index.js';
import type { Topology } from '../../../../src/world/topology/types.js';

/**
 * Three regions and two locations with short explicit RTTs (fast tests), every service port inside
 * 22000-22999 at `basePort` + offset, so the WAN fabric's listeners collide with no one else's.
 */
export function testTopology(
  basePort: number,
  accelerator = { healthCheckIntervalMs: 200, thresholdCount: 2 },
): Topology {
  return parseTopology(
    `version: 1
regions: [{ name: us-east-1 }, { name: eu-west-1 }, { name: ap-south-1 }]
locations:
  - { name: europe, continent: EU, country: DE, coordinates: { lat: 50.1, lon: 8.7 }, addressRange: 127.3.0.0/16, rttMs: { eu-west-1: 2, us-east-1: 8, ap-south-1: 12 } }
  - { name: north-america, continent: NA, country: US, coordinates: { lat: 38.9, lon: -77.0 }, addressRange: 127.1.0.0/16, rttMs: { us-east-1: 2, eu-west-1: 8, ap-south-1: 16 } }
services:
  dynamodb: { port: ${basePort + 1} }
  replication: { port: ${basePort + 2} }
  app: { instances: 1, basePort: ${basePort + 50} }
  loadBalancer: { port: ${basePort} }
timing:
  profile: fast
  accelerator: { healthCheckIntervalMs: ${accelerator.healthCheckIntervalMs}, thresholdCount: ${accelerator.thresholdCount} }
global: { acceleratorPort: ${basePort + 90} }
`,
    'accelerator-test.yaml',
  );
}

export interface RegionServer {
  region: string;
  server: http.Server;
  /** /health answers 503 while false. */
  setHealthy(healthy: boolean): void;
  kill(): Promise<void>;
}

/** An HTTP server inside a region (127.0.<n>.1) that answers with its region's name; /health answers 200. */
export async function startRegionServer(
  topology: Topology,
  regionName: string,
  port: number,
): Promise<RegionServer> {
  const region = topology.regions.find((candidate) => candidate.name === regionName);
  if (!region) throw new Error(`no region ${regionName}`);
  let healthy = true;
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const status = request.url === '/health' && !healthy ? 503 : 200;
      response.writeHead(status, { 'content-type': 'text/plain' });
      response.end(regionName);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, region.address, resolve));
  let killed = false;
  return {
    region: regionName,
    server,
    setHealthy: (value) => {
      healthy = value;
    },
    kill: async () => {
      if (killed) return;
      killed = true;
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
    },
  };
}

export interface Reply {
  status: number;
  body: string;
}

export function get(port: number, agent: http.Agent, path = '/', method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path, method, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const portOf = (server: http.Server) => (server.address() as AddressInfo).port;

export const regionNames = ['us-east-1', 'eu-west-1', 'ap-south-1'] as const;

/** One listener over every test region's load balancer, HTTP health checks on /health. */
export function listenerConfig(
  port: number,
  extra: Partial<import('../../../../src/traffic/accelerator/types.js').ListenerConfig> = {},
): import('../../../../src/traffic/accelerator/types.js').AcceleratorConfig {
  return {
    Listeners: [
      {
        PortRanges: [{ FromPort: port, ToPort: port }],
        EndpointGroups: regionNames.map((region) => ({
          EndpointGroupRegion: region,
          HealthCheckProtocol: 'HTTP' as const,
          HealthCheckPath: '/health',
          EndpointConfigurations: [{ EndpointId: `${region}:loadBalancer` }],
        })),
        ...extra,
      },
    ],
  };
}
