/** Liveness (the process answers) and deep health (database and replication), plus the lag view. */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../deps.js';
import { checkHealth } from '../health.js';

export function healthRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/health/live', async () => ({
    status: 'ok',
    region: deps.config.region,
    instanceId: deps.config.instanceId,
  }));

  app.get('/health', async (_request, reply) => {
    const report = await checkHealth(deps.config, deps.clients, deps.heartbeats, deps.monitor);
    // Never cached: a load balancer must see the current state.
    reply.header('cache-control', 'no-store');
    return reply.code(report.status === 'ok' ? 200 : 503).send(report);
  });

  app.get('/api/replication', async () => ({
    region: deps.config.region,
    instanceId: deps.config.instanceId,
    maxReplicationLagMs: deps.config.maxReplicationLagMs,
    ...deps.monitor.snapshot(),
    homeRegionBreakers: deps.router.breaker.snapshot(),
  }));
}
