/**
 * The inter-region RTT table (data/aws-inter-region-rtt.csv: CloudPing p50 medians). It is the
 * catalogue of regions a world may use and the source of every WAN delay.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface RttTable {
  regions: readonly string[];
  rttMs(from: string, to: string): number;
}

const tablePath = fileURLToPath(new URL('../../../../data/aws-inter-region-rtt.csv', import.meta.url));

export function parseRttTable(csv: string): RttTable {
  const rows = csv
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'))
    .map((line) => line.split(','));
  const header = rows.shift();
  if (!header) throw new Error('RTT table is empty');
  const regions = header.slice(1);
  const matrix = new Map<string, number>();
  for (const row of rows) {
    const from = row[0] ?? '';
    regions.forEach((to, index) => {
      const value = Number(row[index + 1]);
      if (!Number.isFinite(value)) throw new Error(`RTT table: bad value for ${from} -> ${to}`);
      matrix.set(`${from}>${to}`, value);
    });
  }
  return {
    regions,
    rttMs(from, to) {
      const value = matrix.get(`${from}>${to}`);
      if (value === undefined) throw new Error(`RTT table has no entry for ${from} -> ${to}`);
      return value;
    },
  };
}

let cached: RttTable | undefined;

export function awsRttTable(): RttTable {
  cached ??= parseRttTable(readFileSync(tablePath, 'utf8'));
  return cached;
}
