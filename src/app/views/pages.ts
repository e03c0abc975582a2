/** Page bodies. Every value from a user or the database goes through `html`, which escapes it. */
import { formatPrice, type Product } from '../catalogue.js';
import { nextStatuses, type Order } from '../orders.js';
import type { CartLine } from '../repositories/carts.js';
import type { CounterDemo } from '../repositories/stock.js';
import { html, type SafeHtml } from './html.js';

export function signInBody(error?: string, name = ''): SafeHtml {
  return html`${error ? html`<p class="error">${error}</p>` : ''}
<form method="post" action="/signin">
<label>Your name <input name="name" value="${name}" maxlength="40" required autofocus></label>
<button>Sign in</button></form>
<p class="note">No password: a name is a user. The session lives in the global UserSessions table,
so it stays valid when you are routed to another region.</p>`;
}

export function catalogueBody(products: Product[], stock: Map<string, number>, signedIn: boolean): SafeHtml {
  return html`<table><tr><th>Product</th><th>Price</th><th>Stock</th><th></th></tr>
${products.map(
  (product) => html`<tr><td><b>${product.name}</b><br><small>${product.description}</small></td>
<td>${formatPrice(product.priceCents)}</td><td>${stock.get(product.productId) ?? '?'}</td>
<td>${
    signedIn
      ? html`<form class="inline" method="post" action="/cart/items">
<input type="hidden" name="productId" value="${product.productId}">
<input type="number" name="quantity" value="1" min="1" max="99"><button>Add to cart</button></form>`
      : html`<a href="/signin">Sign in to buy</a>`
  }</td></tr>`,
)}</table>`;
}

export interface CartView {
  lines: (CartLine & { product: Product | null })[];
  totalCents: number;
  idempotencyKey: string;
}

export function cartBody(cart: CartView): SafeHtml {
  if (cart.lines.length === 0) return html`<p>Your cart is empty. <a href="/">Browse the catalogue</a>.</p>`;
  return html`<table><tr><th>Product</th><th>Unit price</th><th>Quantity</th><th></th></tr>
${cart.lines.map(
  (line) => html`<tr><td>${line.product?.name ?? line.productId}</td>
<td>${line.product ? formatPrice(line.product.priceCents) : 'no longer sold'}</td>
<td><form class="inline" method="post" action="/cart/items/${line.productId}">
<input type="number" name="quantity" value="${line.quantity}" min="0" max="99"><button>Update</button></form></td>
<td><form class="inline" method="post" action="/cart/items/${line.productId}/remove"><button>Remove</button></form></td></tr>`,
)}
<tr><th>Total</th><th>${formatPrice(cart.totalCents)}</th><th></th><th></th></tr></table>
<form method="post" action="/checkout">
<input type="hidden" name="idempotencyKey" value="${cart.idempotencyKey}">
<button>Place order</button></form>
<p class="note">The checkout form carries an idempotency key: submitting it twice (a double click,
a retry after a timeout) finds the same order instead of creating a second one.</p>`;
}

function orderRow(order: Order): SafeHtml {
  return html`<tr><td><a href="/orders/${order.orderId}">${order.orderId}</a></td><td>${order.createdAt}</td>
<td>${order.status}</td><td>${formatPrice(order.totalCents)}</td><td>${order.writeRegion}</td></tr>`;
}

export function ordersBody(orders: Order[], homeRegion: string): SafeHtml {
  return html`<p>Your home region is <span class="badge">${homeRegion}</span>: order writes go there while
it is reachable, and to the serving region when it isn't.</p>
${
  orders.length === 0
    ? html`<p>No orders yet.</p>`
    : html`<table><tr><th>Order</th><th>Placed</th><th>Status</th><th>Total</th><th>Last written in</th></tr>
${orders.map(orderRow)}</table>`
}`;
}

export function orderBody(order: Order, message?: string): SafeHtml {
  return html`${message ? html`<p class="note">${message}</p>` : ''}
<p>Status <b id="order-status">${order.status}</b> · version <span class="badge">${order.version}</span>
· home region ${order.homeRegion} · last written in <b>${order.writeRegion}</b></p>
<table><tr><th>Product</th><th>Unit price</th><th>Quantity</th></tr>
${order.lines.map(
  (line) =>
    html`<tr><td>${line.name}</td><td>${formatPrice(line.unitPriceCents)}</td><td>${line.quantity}</td></tr>`,
)}
<tr><th>Total</th><th>${formatPrice(order.totalCents)}</th><th></th></tr></table>
${nextStatuses(order.status).map(
  (status) => html`<form class="inline" method="post" action="/orders/${order.orderId}/status">
<input type="hidden" name="status" value="${status}"><input type="hidden" name="expectedVersion" value="${order.version}">
<button>Mark ${status}</button></form> `,
)}
<p class="note">Each change is a conditional write <code>version = :expected</code>: if someone changed
the order since this page was rendered, you get a conflict instead of silently overwriting them.</p>`;
}

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((total, count) => total + count, 0);
}

export function stockBody(demo: CounterDemo, region: string): SafeHtml {
  const row = (label: string, value: number, attempts: Record<string, number>, how: string) =>
    html`<tr><td>${label}</td><td><b>${value}</b></td><td>${sum(attempts)}</td><td>${sum(attempts) - value}</td><td>${how}</td></tr>`;
  return html`<p>Press the buttons here and, at the same time, on a page served by another region.
Each press is one increment in <span class="badge">${region}</span>.</p>
<form class="inline" method="post" action="/stock/increment"><input type="hidden" name="mode" value="set">
<input type="number" name="times" value="10" min="1" max="100"><button>Read-modify-write SET</button></form>
<form class="inline" method="post" action="/stock/increment"><input type="hidden" name="mode" value="add">
<input type="number" name="times" value="10" min="1" max="100"><button>ADD on one shared item</button></form>
<form class="inline" method="post" action="/stock/increment"><input type="hidden" name="mode" value="region">
<input type="number" name="times" value="10" min="1" max="100"><button>ADD on this region's item</button></form>
<table><tr><th>Counter</th><th>Value here</th><th>Increments attempted (all regions)</th><th>Lost (so far)</th><th>How</th></tr>
${row('SET', demo.set, demo.attempts.set, 'GetItem, then PutItem value + 1')}
${row('ADD, shared', demo.add, demo.attempts.add, 'UpdateItem ADD 1 on one item every region writes')}
${row('ADD, per region', sum(demo.perRegion), demo.attempts.region, 'UpdateItem ADD 1 on this region\u2019s own item; total = sum')}
</table>
<p>Per-region items: ${Object.entries(demo.perRegion).map(([name, count]) => html`<span class="badge">${name}: ${count}</span> `)}</p>
<div class="note"><p><b>Why the numbers differ.</b> A global table replicates whole items and resolves
concurrent writes by <i>last writer wins</i>. A read-modify-write <code>SET</code> loses an increment
whenever two writers read the same value, in one region or across regions. <code>ADD</code> is atomic
inside one region, but when two regions ADD to the same item before each other's write arrives, the later
item version replaces the earlier one everywhere and that region's increments vanish. Giving each region
its own item (only ever written by that region) and summing on read loses nothing. Values shown here are
read from this region's replica, so the other regions' latest increments appear after the replication lag.
"Lost" may be temporarily non-zero for that reason too.</p></div>`;
}

export function errorBody(message: string, status: number): SafeHtml {
  return html`<p class="error">${message}</p><p><small>HTTP ${status}</small> · <a href="/">Back to the catalogue</a></p>`;
}
