/**
 * After the load and the faults: reads every region until all hold the same data or the settle
 * timeout passes. The first moment they match is the convergence time; the last reads are the
 * final state the checkers judge.
 */
import type { FinalRead } from '../model.js';
import { type GamedayData, sameData } from './data.js';

const pollIntervalMs = 250;

export interface SettleResult {
  finalReads: FinalRead[];
  convergedAtMs: number | null;
}

export async function settle(options: {
  data: GamedayData;
  regions: string[];
  runId: string;
  orderUsers: string[];
  timeoutMs: number;
  nowMs: () => number;
}): Promise<SettleResult> {
  const { data, regions, runId, orderUsers, nowMs } = options;
  const deadlineMs = nowMs() + options.timeoutMs;
  for (;;) {
    const startedMs = nowMs();
    const reads = await Promise.all(regions.map((region) => data.finalRead(region, runId, orderUsers)));
    const [first, ...rest] = reads;
    const converged =
      !!first && reads.every((read) => read.ok) && rest.every((read) => sameData(first, read));
    // The reads began at startedMs and all matched: converged by then at the latest.
    if (converged) return { finalReads: reads, convergedAtMs: startedMs };
    if (nowMs() >= deadlineMs) return { finalReads: reads, convergedAtMs: null };
    await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
  }
}
