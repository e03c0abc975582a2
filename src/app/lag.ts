/**
 * Replication lag estimate from heartbeats: every region writes an item with its clock each
 * interval; the age of another region's heartbeat as read here is at most lag + one interval
 * (the item is rewritten every interval), so the lag estimate subtracts that interval.
 */
export interface Heartbeat {
  region: string;
  writtenAtMs: number;
  instanceId: string;
}

export interface PeerLag {
  region: string;
  /** Age of the peer's heartbeat as seen in the local replica; null if none arrived yet. */
  heartbeatAgeMs: number | null;
  /** Estimated replication lag from the peer into this region; null if unknown. */
  estimatedLagMs: number | null;
  /** The peer's own copy, read directly when the local copy looked stale. */
  probe?: PeerProbe;
}

export type PeerProbe =
  | { outcome: 'reachable'; peerWrittenAtMs: number | null; checkedAtMs: number }
  | { outcome: 'unreachable'; error: string; checkedAtMs: number };

export function estimateLagMs(heartbeatAgeMs: number, intervalMs: number): number {
  return Math.max(0, heartbeatAgeMs - intervalMs);
}

export function peerLags(
  heartbeats: readonly Heartbeat[],
  peers: readonly string[],
  nowMs: number,
  intervalMs: number,
): PeerLag[] {
  return peers.map((region) => {
    const beat = heartbeats.find((candidate) => candidate.region === region);
    if (!beat) return { region, heartbeatAgeMs: null, estimatedLagMs: null };
    const age = Math.max(0, nowMs - beat.writtenAtMs);
    return { region, heartbeatAgeMs: age, estimatedLagMs: estimateLagMs(age, intervalMs) };
  });
}

/**
 * Whether a stale local copy means replication into this region lags (unhealthy) or only that the
 * peer itself stopped (its own copy is just as old, or it can't be reached): a dead peer must not
 * take this region out of service, or failover would remove the healthy regions too.
 */
export function replicationLagMs(peer: PeerLag, localWrittenAtMs: number | null): number | null {
  if (peer.probe?.outcome !== 'reachable' || peer.probe.peerWrittenAtMs === null) {
    return null;
  }
  if (localWrittenAtMs === null) return null;
  return Math.max(0, peer.probe.peerWrittenAtMs - localWrittenAtMs);
}

export function lagReasons(lags: readonly PeerLag[], maxLagMs: number, localWrittenAt: Map<string, number>) {
  const reasons: string[] = [];
  for (const peer of lags) {
    if (peer.estimatedLagMs === null || peer.estimatedLagMs <= maxLagMs) continue;
    const behindMs = replicationLagMs(peer, localWrittenAt.get(peer.region) ?? null);
    if (behindMs !== null && behindMs > maxLagMs) {
      reasons.push(`replication from ${peer.region} lags ${behindMs} ms (max ${maxLagMs} ms)`);
    }
  }
  return reasons;
}
