/** The counter demo: what last-writer-wins does to concurrent increments across regions. */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../deps.js';
import { badRequest } from '../errors.js';
import { type CounterMode, counterModes } from '../repositories/stock.js';
import { stockBody } from '../views/pages.js';
import { bodyOf, integerField, route, send } from './http.js';

/** Increments run a few at a time, so even one region shows read-modify-write races. */
const parallelIncrements = 4;

async function incrementMany(deps: AppDeps, mode: CounterMode, times: number): Promise<void> {
  let remaining = times;
  const worker = async () => {
    while (remaining > 0) {
      remaining -= 1;
      await deps.stock.increment(mode);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallelIncrements, times) }, worker));
}

export function stockRoutes(app: FastifyInstance, deps: AppDeps): void {
  route(app, 'GET', '/stock', async (request, reply) => {
    const demo = await deps.stock.readDemo();
    return send(deps, request, reply, {
      json: { region: deps.config.region, counters: demo },
      title: 'Stock counters and last-writer-wins',
      body: () => stockBody(demo, deps.config.region),
    });
  });

  route(app, 'POST', '/stock/increment', async (request, reply) => {
    const body = bodyOf(request);
    const mode = body.mode;
    if (typeof mode !== 'string' || !(counterModes as readonly string[]).includes(mode)) {
      throw badRequest(`mode must be one of ${counterModes.join(', ')}.`, { field: 'mode' });
    }
    const times = integerField(body, 'times', { min: 1, max: 100 }, 1);
    await incrementMany(deps, mode as CounterMode, times);
    const demo = await deps.stock.readDemo();
    return send(deps, request, reply, {
      json: { region: deps.config.region, mode, times, counters: demo },
      redirect: '/stock',
    });
  });
}
