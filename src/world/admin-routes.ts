/** Admin API routes of a running world (documented in README.md, "Admin API"). */
import { PangeaError } from '../shared/errors.js';
import type { Route } from './admin-api.js';
import { faultRoutes } from './admin-fault-routes.js';
import { replicationRoutes } from './admin-replication-routes.js';
import { trafficRoutes } from './admin-traffic-routes.js';
import { tailLogs } from './logs.js';
import type { World } from './world.js';

const name = '([A-Za-z0-9._-]+)';

function numberField(body: Record<string, unknown>, field: string, max: number): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max) {
    throw new PangeaError('InvalidArgument', `${field} must be a number from 0 to ${max}`);
  }
  return value;
}

export function adminRoutes(world: World): Route[] {
  const { supervisor, fabric } = world;
  return [
    { method: 'GET', pattern: /^\/v1\/status$/, handler: async () => world.status() },
    {
      method: 'POST',
      pattern: new RegExp(`^/v1/regions/${name}/(kill|stop|start)$`),
      handler: async ({ params: [region = '', action] }) => {
        if (action === 'kill') return supervisor.kill(region);
        if (action === 'stop') return supervisor.stop(region);
        return supervisor.start(region);
      },
    },
    { method: 'GET', pattern: /^\/v1\/links$/, handler: async () => ({ links: fabric.listLinks() }) },
    {
      method: 'PUT',
      pattern: new RegExp(`^/v1/links/${name}/${name}$`),
      handler: async ({ params: [from = '', to = ''], body }) => {
        const change = {
          latencyMs: numberField(body, 'latencyMs', 60_000),
          jitterMs: numberField(body, 'jitterMs', 60_000),
          lossPct: numberField(body, 'lossPct', 100),
          bandwidthMbps: numberField(body, 'bandwidthMbps', 1_000_000),
        };
        const links = [fabric.setLink(from, to, change)];
        if (body.bothWays === true) links.push(fabric.setLink(to, from, change));
        world.logger.info({ from, to, change, bothWays: body.bothWays === true }, 'link changed');
        return { links };
      },
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/v1/links/${name}/${name}/partition$`),
      handler: async ({ params: [a = '', b = ''], body }) => {
        const links = fabric.partition(a, b, body.oneWay === true);
        world.logger.warn({ a, b, oneWay: body.oneWay === true }, 'link partitioned');
        return { links };
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/links\/heal$/,
      handler: async ({ body }) => {
        const a = typeof body.a === 'string' ? body.a : undefined;
        const b = typeof body.b === 'string' ? body.b : undefined;
        if ((a === undefined) !== (b === undefined))
          throw new PangeaError('InvalidArgument', 'heal takes two places or none');
        const links = fabric.heal(a, b);
        world.logger.info({ a, b, healed: links.length }, 'links healed');
        return { links };
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/logs$/,
      handler: async ({ query }) => {
        const region = query.get('region') ?? undefined;
        // A region (with its app instances' streams), or one instance's stream: <region>-app-<i>.
        if (region) supervisor.regionStatus(region.replace(/-app-\d+$/, ''));
        const lines = Math.min(10_000, Math.max(1, Number(query.get('lines') ?? 100) || 100));
        return { lines: tailLogs(world.stateDir, region, lines) };
      },
    },
    ...trafficRoutes(world),
    ...replicationRoutes(world),
    ...faultRoutes(world),
    {
      method: 'POST',
      pattern: /^\/v1\/shutdown$/,
      handler: async () => {
        setImmediate(() => void world.stop());
        return { stopping: true };
      },
    },
  ];
}
