/** Admin API routes for global-table replication (documented in README.md, "Admin API"). */
import { PangeaError } from '../shared/errors.js';
import type { Route } from './admin-api.js';
import type { World } from './world.js';

const name = '([A-Za-z0-9._-]+)';
/** FIS allows a pause of up to 12 hours; the continue-for window is at most 5 minutes. */
const pauseDurationMsMax = 12 * 60 * 60 * 1000;
const continueForMsMax = 5 * 60 * 1000;

function optionalMs(body: Record<string, unknown>, field: string, max: number): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw new PangeaError('InvalidArgument', `${field} must be an integer from 0 to ${max}`);
  }
  return value;
}

export function replicationRoutes(world: World): Route[] {
  const { replication, supervisor } = world;
  return [
    { method: 'GET', pattern: /^\/v1\/replication$/, handler: async () => replication.status() },
    {
      method: 'POST',
      pattern: new RegExp(`^/v1/regions/${name}/replication/(pause|resume)$`),
      handler: async ({ params: [region = '', action], body }) => {
        supervisor.regionStatus(region);
        if (action === 'resume') return replication.resume(region);
        const request = {
          durationMs: optionalMs(body, 'durationMs', pauseDurationMsMax),
          continueForMs: optionalMs(body, 'continueForMs', continueForMsMax),
        };
        world.logger.warn({ region, ...request }, 'replication paused');
        return replication.pause(region, request);
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/conflicts$/,
      handler: async ({ query }) => {
        const region = query.get('region') ?? undefined;
        if (region) supervisor.regionStatus(region);
        const limit = Number(query.get('limit') ?? 100) || 100;
        const table = query.get('table') ?? undefined;
        return { conflicts: await replication.conflicts({ region, table, limit }) };
      },
    },
  ];
}
