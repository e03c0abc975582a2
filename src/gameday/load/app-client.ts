/**
 * One load client's storefront operations over the app's JSON API, through the scenario's entry:
 * `dns` resolves the app's name with the client's resolver (dns-resolver.ts) and talks HTTP to the
 * answer on that region's load balancer port; `accelerator` talks HTTP to the accelerator.
 *
 * Like a shopper, the client signs in once (POST /api/session, name from the plan) before the
 * first operation that needs a session, keeps the cookie and signs in again when the app answers
 * 401; it fetches the product list once and picks products by the planned index.
 * - browse: GET /api/products
 * - cart: PUT /api/cart/items/<product> {quantity: 1}
 * - checkout: PUT a cart item, then POST /api/checkout with the planned idempotency key; a write of
 *   the order id (orderIdFor(userIdFor(name), key)) to the user's order set. Only the POST can make
 *   the operation indeterminate: the order exists only if that request got through.
 * - orders: GET /api/orders, a read of the user's order set
 * The serving region is the answer's x-pangea-region header; without an answer, the region the DNS
 * answer pointed at (null through the accelerator, which does not say).
 */
import { orderIdFor } from '../../app/orders.js';
import { userIdFor } from '../../app/repositories/sessions.js';
import { orderSetName } from '../model.js';
import { CachingResolver } from './dns-resolver.js';
import { classifyFailure, isIndeterminate, LoadOpError } from './errors.js';
import { type HttpAnswer, type HttpCall, KeepAliveHttp } from './http.js';
import type { OpOutcome } from './outcome.js';
import type { ClientPlan, PlannedOp } from './plan.js';
import type { LoadTarget } from './target.js';

export type AppOp = Extract<PlannedOp, { kind: 'browse' | 'cart' | 'checkout' | 'orders' }>;

export interface AppSettings {
  timeoutMs: number;
  signal: AbortSignal;
}

interface Endpoint {
  host: string;
  port: number;
  /** The region the entry sent us to, when the entry says (DNS does, the accelerator doesn't). */
  region: string | null;
  hostHeader: string | null;
}

interface CallOptions {
  json?: unknown;
  /** Needs the session cookie (sign in first; sign in again on 401). */
  session: boolean;
  /** The operation's writing request. */
  write?: boolean;
}

type OpData = Pick<OpOutcome, 'write' | 'read'>;

export class LoadAppClient {
  private readonly http: KeepAliveHttp;
  private readonly resolver: CachingResolver | null;
  private readonly userId: string;
  private cookie: string | null = null;
  private productIds: string[] | null = null;
  /** Of the operation in progress: the region and status of its latest request. */
  private region: string | null = null;
  private status: number | null = null;

  constructor(
    private readonly plan: ClientPlan,
    private readonly target: LoadTarget,
    localAddress: string,
    private readonly settings: AppSettings,
  ) {
    this.http = new KeepAliveHttp(localAddress);
    this.userId = userIdFor(plan.sessionName);
    this.resolver =
      plan.entry === 'dns' && target.dns
        ? new CachingResolver(target.dns, target.dns.hostname, localAddress)
        : null;
  }

  /** Requests sent again on a new connection after a reused one failed. */
  get retried(): number {
    return this.http.retried;
  }

  async run(op: AppOp): Promise<OpOutcome> {
    this.region = null;
    this.status = null;
    const planned = this.plannedData(op);
    try {
      const data = await this.perform(op);
      return {
        ok: true,
        status: this.status,
        error: null,
        indeterminate: false,
        region: this.region,
        ...data,
      };
    } catch (error) {
      const facts = error instanceof LoadOpError ? error : classifyFailure(error, { requestSent: false });
      const duringWrite = error instanceof LoadOpError && error.duringWrite;
      return {
        ok: false,
        status: facts.status,
        error: facts.code,
        indeterminate: duringWrite && isIndeterminate(op.kind, facts),
        region: (error instanceof LoadOpError ? error.region : null) ?? this.region,
        ...planned,
      };
    }
  }

  close(): void {
    this.http.close();
  }

  /** What a checkout writes is known before it runs (the order id follows from user and key). */
  private plannedData(op: AppOp): OpData {
    if (op.kind !== 'checkout') return {};
    return { write: { set: orderSetName(this.userId), element: orderIdFor(this.userId, op.idempotencyKey) } };
  }

  private async perform(op: AppOp): Promise<OpData> {
    switch (op.kind) {
      case 'browse':
        await this.fetchProducts();
        return {};
      case 'cart':
        await this.putInCart(op.productIndex, true);
        return {};
      case 'checkout':
        return this.checkout(op);
      case 'orders':
        return this.orders();
    }
  }

  private async putInCart(productIndex: number, isTheWrite: boolean): Promise<void> {
    const productId = await this.productFor(productIndex);
    await this.call('PUT', `/api/cart/items/${encodeURIComponent(productId)}`, {
      json: { quantity: 1 },
      session: true,
      write: isTheWrite,
    });
  }

  private async checkout(op: Extract<AppOp, { kind: 'checkout' }>): Promise<OpData> {
    const data = this.plannedData(op);
    await this.putInCart(op.productIndex, false);
    const answer = await this.call('POST', '/api/checkout', {
      json: { idempotencyKey: op.idempotencyKey },
      session: true,
      write: true,
    });
    const orderId = (answer as { order?: { orderId?: unknown } } | null)?.order?.orderId;
    if (orderId !== data.write?.element) {
      throw new LoadOpError('UnexpectedOrderId', `checkout answered order ${String(orderId)}`, {
        status: this.status,
        answered: true,
        requestSent: true,
        region: this.region,
      });
    }
    return data;
  }

  private async orders(): Promise<OpData> {
    const answer = await this.call('GET', '/api/orders', { session: true });
    const orders = (answer as { orders?: unknown } | null)?.orders;
    if (!Array.isArray(orders)) throw this.badAnswer('/api/orders without an orders list');
    const elements = orders
      .map((order) => (order as { orderId?: unknown } | null)?.orderId)
      .filter((orderId): orderId is string => typeof orderId === 'string');
    return { read: { set: orderSetName(this.userId), elements } };
  }

  /** Keeps a non-empty list only: an empty one (catalogue not replicated yet) is asked for again. */
  private async fetchProducts(): Promise<string[]> {
    const productIds = productIdsOf(await this.call('GET', '/api/products', { session: false }));
    if (productIds.length > 0) this.productIds = productIds;
    return productIds;
  }

  private async productFor(productIndex: number): Promise<string> {
    const productIds = this.productIds ?? (await this.fetchProducts());
    const productId = productIds[productIndex % Math.max(1, productIds.length)];
    if (productId === undefined) throw this.badAnswer('the app lists no products');
    return productId;
  }

  private async signIn(): Promise<void> {
    this.cookie = null;
    const answer = await this.send('POST', '/api/session', {
      json: { name: this.plan.sessionName },
      session: false,
    });
    if (answer.status !== 201) throw this.statusError(answer, '/api/session');
    const cookie = sessionCookieOf(answer.headers['set-cookie']);
    if (!cookie) throw this.badAnswer('sign-in answered without a session cookie');
    this.cookie = cookie;
  }

  /** One API request with the session handling; the parsed JSON of a 2xx answer. */
  private async call(method: HttpCall['method'], path: string, options: CallOptions): Promise<unknown> {
    if (options.session && !this.cookie) await this.signIn();
    let answer = await this.send(method, path, options);
    if (answer.status === 401 && options.session) {
      await this.signIn();
      answer = await this.send(method, path, options);
    }
    if (answer.status < 200 || answer.status > 299) throw this.statusError(answer, path, options.write);
    try {
      return JSON.parse(answer.body.toString('utf8')) as unknown;
    } catch {
      throw this.badAnswer(`${path} answered ${answer.status} without JSON`);
    }
  }

  private async send(method: HttpCall['method'], path: string, options: CallOptions): Promise<HttpAnswer> {
    const endpoint = await this.endpoint();
    this.region = endpoint.region;
    const headers: Record<string, string> = {};
    if (endpoint.hostHeader) headers.host = endpoint.hostHeader;
    if (options.session && this.cookie) headers.cookie = this.cookie;
    let answer: HttpAnswer;
    try {
      answer = await this.http.send(
        { host: endpoint.host, port: endpoint.port, method, path, headers, json: options.json },
        this.settings.timeoutMs,
        this.settings.signal,
      );
    } catch (error) {
      if (!(error instanceof LoadOpError)) throw error;
      throw new LoadOpError(error.code, error.message, {
        requestSent: error.requestSent,
        region: endpoint.region,
        duringWrite: options.write ?? false,
      });
    }
    const served = answer.headers['x-pangea-region'];
    if (typeof served === 'string' && served.length > 0) this.region = served;
    this.status = answer.status;
    return answer;
  }

  private async endpoint(): Promise<Endpoint> {
    if (this.plan.entry === 'accelerator') {
      const accelerator = this.target.accelerator;
      if (!accelerator) throw new LoadOpError('NoEntry', 'the world has no accelerator');
      return { ...accelerator, region: null, hostHeader: null };
    }
    const dns = this.target.dns;
    if (!dns || !this.resolver) throw new LoadOpError('NoEntry', 'the world has no DNS server');
    const address = await this.resolver.resolve(this.settings.timeoutMs, this.settings.signal);
    const region = this.target.regions.find((candidate) => candidate.wanAddress === address);
    if (!region?.loadBalancerPort) {
      throw new LoadOpError('DnsUnknownAddress', `${dns.hostname} resolved to ${address}, no region's app`);
    }
    return {
      host: address,
      port: region.loadBalancerPort,
      region: region.name,
      hostHeader: `${dns.hostname}:${region.loadBalancerPort}`,
    };
  }

  private statusError(answer: HttpAnswer, path: string, write = false): LoadOpError {
    return new LoadOpError(`HTTP${answer.status}`, `${path} answered ${answer.status}`, {
      status: answer.status,
      answered: true,
      requestSent: true,
      region: this.region,
      duringWrite: write,
    });
  }

  private badAnswer(message: string): LoadOpError {
    return new LoadOpError('BadAnswer', message, {
      status: this.status,
      answered: true,
      requestSent: true,
      region: this.region,
    });
  }
}

function productIdsOf(answer: unknown): string[] {
  const products = (answer as { products?: unknown } | null)?.products;
  if (!Array.isArray(products)) return [];
  return products
    .map((product) => (product as { productId?: unknown } | null)?.productId)
    .filter((productId): productId is string => typeof productId === 'string');
}

/** `session=<value>` from the answer's Set-Cookie headers; null when absent or cleared. */
export function sessionCookieOf(setCookie: string[] | undefined): string | null {
  for (const header of setCookie ?? []) {
    const pair = header.split(';', 1)[0]?.trim() ?? '';
    if (pair.startsWith('session=') && pair.length > 'session='.length) return pair;
  }
  return null;
}
