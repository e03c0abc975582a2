/**
 * Where the next batch to a peer ends: as many of the peer's changes as fit the record and byte
 * limits (at least one, so an oversized change still travels alone), covering the entries for
 * other peers in between. Pure, so the rule is tested without I/O.
 */
import type { OutboundEntry, WireChange } from '../../dataplane/storage/index.js';

export interface BatchCut {
  /** Last sequence the batch covers. */
  lastSequence: number;
  /** The peer's changes, JSON-encoded (WireChange), in order. */
  recordJson: string[];
  bytes: number;
}

export interface CutLimits {
  maxRecords: number;
  maxBytes: number;
}

/** Undefined when `entries` is empty (nothing committed after the position yet). */
export function decideBatchCut(
  entries: readonly OutboundEntry[],
  destination: string,
  limits: CutLimits,
  origin: string,
): BatchCut | undefined {
  if (entries.length === 0) return undefined;
  const recordJson: string[] = [];
  let bytes = 0;
  let lastSequence = entries[0]!.sequence - 1;
  for (const { sequence, change } of entries) {
    if (!change.d.includes(destination)) {
      lastSequence = sequence;
      continue;
    }
    const wire: WireChange = { ...change, o: origin, s: sequence };
    const json = JSON.stringify(wire);
    const size = Buffer.byteLength(json, 'utf8');
    if (recordJson.length === limits.maxRecords) break;
    if (recordJson.length > 0 && bytes + size > limits.maxBytes) break;
    recordJson.push(json);
    bytes += size;
    lastSequence = sequence;
  }
  return { lastSequence, recordJson, bytes };
}
