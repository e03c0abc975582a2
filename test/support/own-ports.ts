/**
 * A world on ports of its own, for tests and benchmarks that run next to others: a block of 16
 * consecutive ports free on the global host and on every region address, below Linux's ephemeral
 * range (32768+) so other processes' outgoing connections can't take them meanwhile, and the
 * topology file that puts the world there.
 * Layout of a block: global admin, edge, dns, accelerator, dashboard at base..base+4; per region
 * dynamodb base+10, replication base+11, app instances from base+12, load balancer base+14.
 */
import { createServer } from 'node:net';
import { defaultTopology } from '../../src/world/topology/index.js';

const blockSize = 16;
const firstBaseCandidate = 20_000;
const lastBaseCandidate = 32_000;
const baseStep = 20;

function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

async function blockFree(hosts: string[], base: number): Promise<boolean> {
  for (let port = base; port < base + blockSize; port++) {
    for (const host of hosts) if (!(await portFree(host, port))) return false;
  }
  return true;
}

/** The first free block, starting from a place that differs per process (`salt`) to avoid races. */
export async function pickPortBase(regionNames: readonly string[], salt = process.pid): Promise<number> {
  const regions = defaultTopology().regions.filter((region) => regionNames.includes(region.name));
  const hosts = ['127.0.0.1', ...regions.flatMap((region) => [region.address, region.wanAddress])];
  const candidates = (lastBaseCandidate - firstBaseCandidate) / baseStep;
  const start = (salt * 97) % candidates;
  for (let attempt = 0; attempt < candidates; attempt++) {
    const base = firstBaseCandidate + ((start + attempt) % candidates) * baseStep;
    if (await blockFree(hosts, base)) return base;
  }
  throw new Error(`no block of ${blockSize} free ports found`);
}

export interface OwnPortsWorld {
  name: string;
  base: number;
  regions: readonly string[];
  /** Reference app instances per region (0: no app and no load balancer). */
  appInstances: number;
}

/** The topology file of a fast-profile world on the block at `base`. */
export function ownPortsTopologyYaml(world: OwnPortsWorld): string {
  const { base } = world;
  return `version: 1
name: ${world.name}
regions:
${world.regions.map((name) => `  - name: ${name}`).join('\n')}
timing: { profile: fast, timeScale: 1 }
services:
  dynamodb: { port: ${base + 10} }
  replication: { port: ${base + 11} }
  app: { instances: ${world.appInstances}, basePort: ${base + 12} }
  loadBalancer: { port: ${base + 14}, algorithm: round_robin }
global:
  host: 127.0.0.1
  adminPort: ${base}
  edgePort: ${base + 1}
  dnsPort: ${base + 2}
  acceleratorPort: ${base + 3}
  dashboardPort: ${base + 4}
`;
}
