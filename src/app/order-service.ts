/** Checkout and order status changes: idempotent creation and optimistic-locking updates. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { badRequest, conflict, notFound } from './errors.js';
import {
  canTransition,
  type Order,
  type OrderLine,
  type OrderStatus,
  orderIdFor,
  orderTotalCents,
} from './orders.js';
import type { RegionRouter } from './region-router.js';
import type { CartRepository } from './repositories/carts.js';
import type { OrderRepository } from './repositories/orders.js';
import type { ProductRepository } from './repositories/products.js';

export interface CheckoutResult {
  order: Order;
  created: boolean;
  fellBack: boolean;
}

export interface StatusUpdateResult {
  order: Order;
  attempts: number;
  changed: boolean;
}

/** Attempts of a conditional status write before answering 409. */
export const maxStatusAttempts = 4;
const retryBaseDelayMs = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class OrderService {
  constructor(
    private readonly router: RegionRouter,
    private readonly orders: OrderRepository,
    private readonly carts: CartRepository,
    private readonly products: ProductRepository,
    private readonly localRegion: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async checkout(userId: string, idempotencyKey: string): Promise<CheckoutResult> {
    const orderId = orderIdFor(userId, idempotencyKey);
    const cart = await this.carts.list(userId);
    if (cart.length === 0) {
      // A retry after the first attempt emptied the cart: answer the order it created.
      const routed = await this.router.run(userId, (doc) => this.orders.get(doc, orderId, true));
      if (routed.value) return { order: routed.value, created: false, fellBack: routed.fellBack };
      throw badRequest('Your cart is empty.');
    }
    const lines = await this.orderLines(cart);
    const routed = await this.router.run(userId, (doc, region) =>
      this.orders.createIfAbsent(doc, this.newOrder(orderId, userId, idempotencyKey, lines, region)),
    );
    if (routed.value.created)
      await this.carts.clear(
        userId,
        cart.map((line) => line.productId),
      );
    return { ...routed.value, fellBack: routed.fellBack };
  }

  async get(userId: string, orderId: string): Promise<Order> {
    const routed = await this.router.run(userId, (doc) => this.orders.get(doc, orderId, true));
    if (!routed.value || routed.value.userId !== userId) throw notFound('No such order.');
    return routed.value;
  }

  async list(userId: string): Promise<Order[]> {
    const routed = await this.router.run(userId, (doc) => this.orders.listByUser(doc, userId));
    return routed.value;
  }

  /**
   * Conditional write on `version`. With the caller's expectedVersion, a newer version in the
   * table means the caller's view is stale: 409 at once. Without it, each attempt re-reads and
   * retries (another writer got in first) up to maxStatusAttempts, then 409. An order not yet
   * visible (written in another region, still replicating) is retried after a short wait too.
   */
  async updateStatus(
    userId: string,
    orderId: string,
    target: OrderStatus,
    expectedVersion?: number,
  ): Promise<StatusUpdateResult> {
    const routed = await this.router.run(userId, (doc, region) =>
      this.updateIn(doc, region, userId, orderId, target, expectedVersion),
    );
    return routed.value;
  }

  private async updateIn(
    doc: DynamoDBDocumentClient,
    region: string,
    userId: string,
    orderId: string,
    target: OrderStatus,
    expectedVersion: number | undefined,
  ): Promise<StatusUpdateResult> {
    let current: Order | null = null;
    let attempt = 0;
    while (attempt < maxStatusAttempts) {
      attempt += 1;
      if (attempt > 1) await sleep(retryBaseDelayMs * 2 ** (attempt - 2));
      current = await this.orders.get(doc, orderId, true);
      if (current && current.userId !== userId) throw notFound('No such order.');
      if (!current) continue;
      if (current.status === target && (expectedVersion === undefined || current.version > expectedVersion)) {
        // Already in the target state (e.g. a retried request whose first attempt succeeded).
        return { order: current, attempts: attempt, changed: false };
      }
      const version = expectedVersion ?? current.version;
      if (current.version > version) throw this.staleVersion(current, version, attempt);
      if (current.version < version) continue;
      if (!canTransition(current.status, target)) {
        throw conflict(`An order that is ${current.status} cannot become ${target}.`, { order: current });
      }
      const outcome = await this.orders.updateStatus(doc, orderId, version, target, region, this.nowIso());
      if (outcome.kind === 'updated') return { order: outcome.order, attempts: attempt, changed: true };
    }
    if (!current) throw notFound('No such order.');
    throw conflict(
      `The order kept changing under us (${attempt} attempts; now version ${current.version}, status ${current.status}); reload and try again.`,
      { order: current, expectedVersion: expectedVersion ?? null, attempts: attempt },
    );
  }

  private staleVersion(current: Order, expectedVersion: number, attempts: number) {
    return conflict(
      `Stale version: you edited version ${expectedVersion}, the order is now version ${current.version} (${current.status}); reload and try again.`,
      { order: current, expectedVersion, attempts },
    );
  }

  private async orderLines(cart: { productId: string; quantity: number }[]): Promise<OrderLine[]> {
    const lines: OrderLine[] = [];
    for (const line of cart) {
      const product = await this.products.get(line.productId);
      if (!product)
        throw badRequest(`Product ${line.productId} is no longer sold; remove it from your cart.`);
      lines.push({
        productId: product.productId,
        name: product.name,
        unitPriceCents: product.priceCents,
        quantity: line.quantity,
      });
    }
    return lines;
  }

  private newOrder(orderId: string, userId: string, key: string, lines: OrderLine[], region: string): Order {
    const nowIso = this.nowIso();
    return {
      orderId,
      userId,
      idempotencyKey: key,
      lines,
      totalCents: orderTotalCents(lines),
      status: 'PLACED',
      version: 1,
      createdAt: nowIso,
      updatedAt: nowIso,
      homeRegion: this.router.homeRegion(userId),
      writeRegion: region,
      createdInRegion: this.localRegion,
    };
  }

  private nowIso(): string {
    return this.now().toISOString();
  }
}
