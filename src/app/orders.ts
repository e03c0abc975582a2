/** Order rules that need no database: ids from idempotency keys, statuses and their transitions. */
import { createHash } from 'node:crypto';

export interface OrderLine {
  productId: string;
  name: string;
  unitPriceCents: number;
  quantity: number;
}

export const orderStatuses = ['PLACED', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'] as const;
export type OrderStatus = (typeof orderStatuses)[number];

export interface Order {
  orderId: string;
  userId: string;
  idempotencyKey: string;
  lines: OrderLine[];
  totalCents: number;
  status: OrderStatus;
  /** Optimistic-locking version: every status change requires the version it read. */
  version: number;
  createdAt: string;
  updatedAt: string;
  homeRegion: string;
  /** The region that took the latest write (the home region, or the local one on fallback). */
  writeRegion: string;
  createdInRegion: string;
}

const idempotencyKeyPattern = /^[A-Za-z0-9_-]{8,100}$/;

export function isValidIdempotencyKey(key: string): boolean {
  return idempotencyKeyPattern.test(key);
}

/**
 * The order id is a function of (user, idempotency key): a retried checkout computes the same id
 * and the conditional put finds it taken, so there is never a second order. Including the user
 * keeps two users' equal keys apart.
 */
export function orderIdFor(userId: string, idempotencyKey: string): string {
  const digest = createHash('sha256').update(`${userId}\u0000${idempotencyKey}`).digest('hex');
  return `ord-${digest.slice(0, 24)}`;
}

const transitions: Record<OrderStatus, readonly OrderStatus[]> = {
  PLACED: ['PAID', 'CANCELLED'],
  PAID: ['SHIPPED', 'CANCELLED'],
  SHIPPED: ['DELIVERED'],
  DELIVERED: [],
  CANCELLED: [],
};

export function isOrderStatus(value: unknown): value is OrderStatus {
  return typeof value === 'string' && (orderStatuses as readonly string[]).includes(value);
}

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return transitions[from].includes(to);
}

export function nextStatuses(from: OrderStatus): readonly OrderStatus[] {
  return transitions[from];
}

export function orderTotalCents(lines: readonly OrderLine[]): number {
  return lines.reduce((sum, line) => sum + line.unitPriceCents * line.quantity, 0);
}
