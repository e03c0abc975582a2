/**
 * Seeded pseudo-random numbers (mulberry32) so that replication and traffic logic can be replayed
 * from a recorded seed. Not cryptographic; never used for secrets.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  readonly seed: number;
}

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return {
    seed,
    next() {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
