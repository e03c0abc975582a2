/** Admin API routes of the global traffic layer (documented in README.md, "Admin API"). */
import { PangeaError } from '../shared/errors.js';
import type { Route } from './admin-api.js';
import type { World } from './world.js';

const name = '([A-Za-z0-9._:-]+)';

function listField(body: Record<string, unknown>, field: string): unknown[] {
  const value = body[field];
  if (!Array.isArray(value)) throw new PangeaError('InvalidArgument', `the body needs "${field}": a list`);
  return value;
}

export function trafficRoutes(world: World): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/v1\/health-checks$/,
      handler: async () => ({
        healthChecks: world.traffic.healthChecks(),
        configs: world.traffic.healthCheckConfigs(),
      }),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/v1/health-checks/${name}$`),
      handler: async ({ params: [id = ''] }) => world.traffic.healthCheck(id),
    },
    {
      method: 'PUT',
      pattern: /^\/v1\/health-checks$/,
      handler: async ({ body }) => ({
        configs: world.traffic.replaceHealthChecks(listField(body, 'healthChecks')),
      }),
    },
    { method: 'GET', pattern: /^\/v1\/dns\/zones$/, handler: async () => world.traffic.hostedZones() },
    {
      method: 'PUT',
      pattern: /^\/v1\/dns\/zones$/,
      handler: async ({ body }) => {
        const hostedZones = world.traffic.replaceHostedZones(
          listField(body, 'hostedZones'),
          body.cidrCollections ?? [],
        );
        world.logger.info({ zones: hostedZones.map((zone) => zone.Name) }, 'dns zones replaced');
        return { hostedZones };
      },
    },
    { method: 'GET', pattern: /^\/v1\/dns\/stats$/, handler: async () => world.traffic.dnsStats() },
    { method: 'GET', pattern: /^\/v1\/accelerator$/, handler: async () => world.traffic.acceleratorStatus() },
    {
      method: 'PUT',
      pattern: /^\/v1\/accelerator$/,
      handler: async ({ body }) => world.traffic.replaceAccelerator(body),
    },
    {
      method: 'PUT',
      pattern: new RegExp(`^/v1/accelerator/endpoint-groups/${name}$`),
      handler: async ({ params: [region = ''], body }) => world.traffic.changeEndpointGroup(region, body),
    },
  ];
}
