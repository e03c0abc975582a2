/** The product catalogue the setup seeds (prices in cents, so totals never round). */
export interface Product {
  productId: string;
  name: string;
  description: string;
  priceCents: number;
  currency: 'USD';
}

export const catalogue: readonly Product[] = [
  { productId: 'p-globe', name: 'Desk globe', description: 'Every region at a glance.', priceCents: 3900 },
  { productId: 'p-mug', name: 'Latency mug', description: 'Holds 350 ml, or about 80 ms.', priceCents: 1200 },
  {
    productId: 'p-cable',
    name: 'Undersea cable (1 m)',
    description: 'A short piece of the WAN.',
    priceCents: 2500,
  },
  { productId: 'p-clock', name: 'Wall clock', description: 'Last writer wins, on time.', priceCents: 4500 },
  { productId: 'p-notebook', name: 'Runbook notebook', description: 'For game-day notes.', priceCents: 800 },
  { productId: 'p-sticker', name: 'Failover sticker', description: 'Fits any laptop.', priceCents: 300 },
].map((product) => ({ ...product, currency: 'USD' as const }));

/** Stock the setup seeds per product (the Stock table's counter). */
export const initialStockUnits = 100;

export function formatPrice(cents: number): string {
  return `$${(cents / 100).toFixed(2)}`;
}
