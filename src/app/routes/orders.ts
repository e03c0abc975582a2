/** Order history, one order, and status changes with optimistic locking. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../deps.js';
import { badRequest, notFound } from '../errors.js';
import { isOrderStatus, orderStatuses } from '../orders.js';
import { orderBody, ordersBody } from '../views/pages.js';
import { bodyOf, integerField, orderIdPattern, pathParam, requireSession, route, send } from './http.js';

function orderIdOf(request: FastifyRequest): string {
  const orderId = pathParam(request, 'orderId', orderIdPattern);
  if (!orderId) throw notFound('No such order.');
  return orderId;
}

export function orderRoutes(app: FastifyInstance, deps: AppDeps): void {
  route(app, 'GET', '/orders', async (request, reply) => {
    const { userId } = requireSession(request);
    const orders = await deps.orders.list(userId);
    const homeRegion = deps.router.homeRegion(userId);
    return send(deps, request, reply, {
      json: { homeRegion, orders },
      title: 'Your orders',
      body: () => ordersBody(orders, homeRegion),
    });
  });

  route(app, 'GET', '/orders/:orderId', async (request, reply) => {
    const order = await deps.orders.get(requireSession(request).userId, orderIdOf(request));
    return send(deps, request, reply, { json: { order }, title: 'Order', body: () => orderBody(order) });
  });

  const updateStatus = async (request: FastifyRequest, reply: FastifyReply) => {
    const { userId } = requireSession(request);
    const orderId = orderIdOf(request);
    const body = bodyOf(request);
    if (!isOrderStatus(body.status)) {
      throw badRequest(`status must be one of ${orderStatuses.join(', ')}.`, { field: 'status' });
    }
    const expectedVersion =
      body.expectedVersion === undefined
        ? undefined
        : integerField(body, 'expectedVersion', { min: 1, max: 1e9 });
    const result = await deps.orders.updateStatus(userId, orderId, body.status, expectedVersion);
    return send(deps, request, reply, { json: result, redirect: `/orders/${orderId}` });
  };
  app.post('/orders/:orderId/status', updateStatus);
  app.post('/api/orders/:orderId/status', updateStatus);
  app.put('/api/orders/:orderId/status', updateStatus);
}
