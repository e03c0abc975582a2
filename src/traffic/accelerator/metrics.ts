/** Counters the admin API shows: traffic share per group and endpoint, failovers, health changes. */
import type { HealthChange } from './health.js';
import type { RouteReason } from './routing.js';

/** Bounds on the event lists kept for `status()`. */
const maxEvents = 200;

export interface GroupCounters {
  region: string;
  connections: number;
  requests: number;
  upstreamErrors: number;
  endpoints: Record<string, { connections: number; requests: number }>;
}

export interface FailoverEvent {
  /** Wall-clock time, for people. */
  at: string;
  /** The injected clock's time, for tests and ordering. */
  atMs: number;
  listener: number;
  /** Where the client is (location or region name; an address when unknown). */
  from: string;
  intendedRegion: string;
  /** Where traffic from `from` bound for `intendedRegion` now goes. */
  toRegion: string;
  reason: RouteReason | 'passive-retry';
}

export interface HealthEvent extends HealthChange {
  at: string;
}

export interface MetricsSnapshot {
  listeners: Array<{ index: number; groups: GroupCounters[]; reasons: Record<string, number> }>;
  failovers: FailoverEvent[];
  healthChanges: HealthEvent[];
}

export class AcceleratorMetrics {
  private readonly listeners = new Map<
    number,
    { groups: Map<string, GroupCounters>; reasons: Map<string, number> }
  >();
  private readonly failovers: FailoverEvent[] = [];
  private readonly healthChanges: HealthEvent[] = [];
  /** The region each (listener, place, intended group) last went to: a failover is a change of it. */
  private readonly lastTarget = new Map<string, string>();

  constructor(private readonly wallClockMs: () => number = Date.now) {}

  count(
    listener: number,
    region: string,
    endpointKey: string,
    kind: 'connections' | 'requests',
    reason: RouteReason,
  ): void {
    const counters = this.groupCounters(listener, region);
    counters[kind]++;
    const endpoint = counters.endpoints[endpointKey] ?? { connections: 0, requests: 0 };
    endpoint[kind]++;
    counters.endpoints[endpointKey] = endpoint;
    const reasons = this.listenerEntry(listener).reasons;
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }

  upstreamError(listener: number, region: string): void {
    this.groupCounters(listener, region).upstreamErrors++;
  }

  /** Records a failover only when the target of this traffic changes, so an outage is one event, not thousands. */
  noteTarget(event: Omit<FailoverEvent, 'at'>): void {
    const key = `${event.listener}|${event.from}|${event.intendedRegion}`;
    const previous = this.lastTarget.get(key) ?? event.intendedRegion;
    this.lastTarget.set(key, event.toRegion);
    if (previous === event.toRegion && event.reason !== 'passive-retry') return;
    if (this.lastTarget.size > 10_000) this.lastTarget.clear();
    push(this.failovers, { ...event, at: new Date(this.wallClockMs()).toISOString() });
  }

  healthChanged(change: HealthChange): void {
    push(this.healthChanges, { ...change, at: new Date(this.wallClockMs()).toISOString() });
  }

  snapshot(): MetricsSnapshot {
    return {
      listeners: [...this.listeners.entries()].map(([index, entry]) => ({
        index,
        groups: [...entry.groups.values()].map((group) => structuredClone(group)),
        reasons: Object.fromEntries(entry.reasons),
      })),
      failovers: [...this.failovers],
      healthChanges: [...this.healthChanges],
    };
  }

  private listenerEntry(listener: number) {
    let entry = this.listeners.get(listener);
    if (!entry) {
      entry = { groups: new Map(), reasons: new Map() };
      this.listeners.set(listener, entry);
    }
    return entry;
  }

  private groupCounters(listener: number, region: string): GroupCounters {
    const groups = this.listenerEntry(listener).groups;
    let counters = groups.get(region);
    if (!counters) {
      counters = { region, connections: 0, requests: 0, upstreamErrors: 0, endpoints: {} };
      groups.set(region, counters);
    }
    return counters;
  }
}

function push<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > maxEvents) list.splice(0, list.length - maxEvents);
}
