/**
 * Stop conditions, as FIS experiments have them: the load stops early when the error rate over a
 * trailing window exceeds a limit. A window needs enough operations to judge, so that the first
 * few failures of a quiet moment can't stop a run.
 */
import type { OpRecord, StopCondition } from '../model.js';

export const minOpsToJudge = 20;

/** Why the run must stop now, or null. */
export function stopConditionHit(
  conditions: StopCondition[],
  ops: readonly OpRecord[],
  nowMs: number,
): string | null {
  for (const condition of conditions) {
    let total = 0;
    let failed = 0;
    // Ops are recorded as they end, so the trailing window is at the end of the list.
    for (let index = ops.length - 1; index >= 0; index--) {
      const op = ops[index];
      if (!op || op.endMs < nowMs - condition.windowMs) break;
      total += 1;
      if (!op.ok) failed += 1;
    }
    if (total < minOpsToJudge) continue;
    const rate = failed / total;
    if (rate > condition.errorRate)
      return `stop condition: error rate ${(rate * 100).toFixed(1)}% over the last ${condition.windowMs / 1000} s exceeded ${(condition.errorRate * 100).toFixed(1)}%`;
  }
  return null;
}
