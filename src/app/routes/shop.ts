/** Catalogue, cart and checkout. */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../deps.js';
import { badRequest, notFound } from '../errors.js';
import { isValidIdempotencyKey } from '../orders.js';
import { maxQuantityPerLine } from '../repositories/carts.js';
import { type CartView, cartBody, catalogueBody } from '../views/pages.js';
import {
  bodyOf,
  integerField,
  pathParam,
  productIdPattern,
  requireSession,
  route,
  send,
  stringField,
} from './http.js';

async function productOr404(deps: AppDeps, productId: string | null) {
  const product = productId ? await deps.products.get(productId) : null;
  if (!product) throw notFound('No such product.');
  return product;
}

async function cartView(deps: AppDeps, userId: string): Promise<CartView> {
  const lines = await deps.carts.list(userId);
  const withProducts = await Promise.all(
    lines.map(async (line) => ({ ...line, product: await deps.products.get(line.productId) })),
  );
  const totalCents = withProducts.reduce(
    (sum, line) => sum + (line.product?.priceCents ?? 0) * line.quantity,
    0,
  );
  // A fresh key per rendering of the cart: resubmitting this form replays, a new visit orders anew.
  return { lines: withProducts, totalCents, idempotencyKey: randomUUID() };
}

function idempotencyKeyOf(request: FastifyRequest): string {
  const header = request.headers['idempotency-key'];
  const key = bodyOf(request).idempotencyKey ?? (typeof header === 'string' ? header : undefined);
  if (typeof key !== 'string' || !isValidIdempotencyKey(key)) {
    throw badRequest('An idempotencyKey (8 to 100 letters, digits, - or _) is required to check out.', {
      field: 'idempotencyKey',
    });
  }
  return key;
}

export function shopRoutes(app: FastifyInstance, deps: AppDeps): void {
  const catalogue = async (request: FastifyRequest, reply: FastifyReply) => {
    const [products, stock] = await Promise.all([deps.products.list(), deps.stock.unitsByProduct()]);
    return send(deps, request, reply, {
      json: {
        products: products.map((product) => ({
          ...product,
          stockUnits: stock.get(product.productId) ?? null,
        })),
      },
      title: 'Catalogue',
      body: () => catalogueBody(products, stock, request.session !== null),
    });
  };
  app.get('/', catalogue);
  route(app, 'GET', '/products', catalogue);

  route(app, 'GET', '/products/:productId', async (request, reply) => {
    const product = await productOr404(deps, pathParam(request, 'productId', productIdPattern));
    const stock = await deps.stock.unitsByProduct();
    return send(deps, request, reply, {
      json: { product: { ...product, stockUnits: stock.get(product.productId) ?? null } },
      title: product.name,
      body: () => catalogueBody([product], stock, request.session !== null),
    });
  });

  route(app, 'GET', '/cart', async (request, reply) => {
    const cart = await cartView(deps, requireSession(request).userId);
    return send(deps, request, reply, { json: cart, title: 'Your cart', body: () => cartBody(cart) });
  });

  route(app, 'POST', '/cart/items', async (request, reply) => {
    const { userId } = requireSession(request);
    const body = bodyOf(request);
    const productId = stringField(body, 'productId', productIdPattern, 'not a product id');
    const quantity = integerField(body, 'quantity', { min: 1, max: maxQuantityPerLine }, 1);
    await productOr404(deps, productId);
    const line = await deps.carts.add(userId, productId, quantity);
    return send(deps, request, reply, { status: 201, json: { line }, redirect: '/cart' });
  });

  const setQuantity = async (request: FastifyRequest, reply: FastifyReply) => {
    const { userId } = requireSession(request);
    const product = await productOr404(deps, pathParam(request, 'productId', productIdPattern));
    const quantity = integerField(bodyOf(request), 'quantity', { min: 0, max: maxQuantityPerLine });
    await deps.carts.setQuantity(userId, product.productId, quantity);
    return send(deps, request, reply, {
      json: { productId: product.productId, quantity },
      redirect: '/cart',
    });
  };
  app.post('/cart/items/:productId', setQuantity);
  app.put('/api/cart/items/:productId', setQuantity);

  const remove = async (request: FastifyRequest, reply: FastifyReply) => {
    const { userId } = requireSession(request);
    const productId = pathParam(request, 'productId', productIdPattern);
    if (!productId) throw notFound('No such product.');
    await deps.carts.remove(userId, productId);
    return send(deps, request, reply, { json: { removed: productId }, redirect: '/cart' });
  };
  app.post('/cart/items/:productId/remove', remove);
  app.delete('/api/cart/items/:productId', remove);

  route(app, 'POST', '/checkout', async (request, reply) => {
    const { userId } = requireSession(request);
    const result = await deps.orders.checkout(userId, idempotencyKeyOf(request));
    return send(deps, request, reply, {
      status: result.created ? 201 : 200,
      json: result,
      redirect: `/orders/${result.order.orderId}`,
    });
  });
}
