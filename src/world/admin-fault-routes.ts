/** Admin API routes for faults (FIS-named actions that undo themselves; README.md, "Admin API"). */
import { PangeaError } from '../shared/errors.js';
import type { Route } from './admin-api.js';
import type { World } from './world.js';

export function faultRoutes(world: World): Route[] {
  const { faults } = world;
  return [
    { method: 'GET', pattern: /^\/v1\/faults$/, handler: async () => ({ faults: faults.list() }) },
    {
      method: 'POST',
      pattern: /^\/v1\/faults$/,
      handler: async ({ body }) => {
        if (typeof body.action !== 'string')
          throw new PangeaError('UnknownFaultAction', 'action must name a fault action');
        const parameters = body.parameters ?? {};
        if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters))
          throw new PangeaError('InvalidFaultParameter', 'parameters must be an object');
        return faults.inject({
          action: body.action,
          parameters: parameters as Record<string, unknown>,
          durationMs: body.durationMs as number,
        });
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/v1\/faults\/([A-Za-z0-9._-]+)$/,
      handler: async ({ params: [id = ''] }) => faults.stop(id),
    },
  ];
}
