/**
 * Region affinity ("write to your region" in AWS prescriptive guidance): each user has a home
 * region where their orders are written, so two regions never race on the same order.
 */
import { createHash } from 'node:crypto';

function score(region: string, userId: string): bigint {
  return createHash('sha256').update(`${region}\u0000${userId}`).digest().readBigUInt64BE(0);
}

/**
 * Rendezvous (highest-random-weight) hashing: stable for a given region set, independent of the
 * order regions are listed in, and adding or removing a region only moves that region's users.
 */
export function homeRegionOf(userId: string, regions: readonly string[]): string {
  if (regions.length === 0) throw new Error('homeRegionOf needs at least one region');
  let best = regions[0]!;
  let bestScore = -1n;
  for (const region of regions) {
    const candidate = score(region, userId);
    if (candidate > bestScore || (candidate === bestScore && region < best)) {
      best = region;
      bestScore = candidate;
    }
  }
  return best;
}
