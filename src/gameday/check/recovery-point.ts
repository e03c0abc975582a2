/**
 * Recovery point (RPO) per fault that isolated regions: how much acknowledged data the surviving
 * regions lacked at the moment of failover.
 *
 * The writes judged are acknowledged element writes served by one of the fault's regions that
 * completed by the fault's start, in sets the survivors were read for (`survivorSets.sets`).
 * Those absent from the survivors' union were at risk: had the regions never come back, they would
 * have been lost. windowMs is how far back the oldest of them was acknowledged, the amount of
 * history the failover cut off; missingAfterHeal says whether replication made up for it once the
 * regions returned (judged on every final read that worked).
 */
import type { FinalRead, RecoveryPoint, RunRecord } from '../model.js';
import { elementId, finalSetElements, okFinalReads } from './final-reads.js';
import type { JudgedFault } from './scope.js';

interface AcknowledgedWrite {
  set: string;
  element: string;
  ackMs: number;
}

/** Distinct elements at risk for this fault, each with its earliest acknowledgement. */
function writesMissingAtFailover(record: RunRecord, fault: JudgedFault): AcknowledgedWrite[] {
  const { event } = fault;
  const survivors = event.survivorSets?.sets ?? {};
  const survivorElements = new Map(
    Object.entries(survivors).map(([set, elements]) => [set, new Set(elements)]),
  );
  const missing = new Map<string, AcknowledgedWrite>();
  for (const op of record.ops) {
    if (!op.ok || !op.write || op.region === null || !event.regions.includes(op.region)) continue;
    if (op.endMs > event.startMs) continue;
    const survived = survivorElements.get(op.write.set);
    if (!survived || survived.has(op.write.element)) continue;
    const id = elementId(op.write.set, op.write.element);
    const earlier = missing.get(id);
    if (!earlier || op.endMs < earlier.ackMs) missing.set(id, { ...op.write, ackMs: op.endMs });
  }
  return [...missing.values()];
}

/** Whether some working final read lacks the element; builds each set's lookup once. */
function finalReadIndex(finalReads: readonly FinalRead[]): (set: string, element: string) => boolean {
  const cache = new Map<string, Array<Set<string>>>();
  return (set, element) => {
    let perRegion = cache.get(set);
    if (!perRegion) {
      perRegion = finalReads.map((read) => new Set(finalSetElements(read, set)));
      cache.set(set, perRegion);
    }
    return perRegion.some((elements) => !elements.has(element));
  };
}

export function recoveryPoints(record: RunRecord, faults: readonly JudgedFault[]): RecoveryPoint[] {
  const missingFromSomeRegion = finalReadIndex(okFinalReads(record));
  return faults
    .filter((fault) => fault.event.survivorSets !== null)
    .map((fault) => {
      const missing = writesMissingAtFailover(record, fault);
      const oldestAckMs = missing.reduce((oldest, write) => Math.min(oldest, write.ackMs), Infinity);
      return {
        fault: fault.label,
        missingAtFailover: missing.length,
        windowMs: missing.length === 0 ? 0 : fault.event.startMs - oldestAckMs,
        missingAfterHeal: missing.filter((write) => missingFromSomeRegion(write.set, write.element)).length,
      };
    });
}
