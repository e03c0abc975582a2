/**
 * The WAN model as data: one directed link per ordered pair of places (region to region, location
 * to region and back). Pure functions of the topology, so routing and tests can use them without
 * any sockets.
 */
import { awsRttTable } from '../world/topology/rtt-table.js';
import type { LocationSpec, Topology } from '../world/topology/types.js';

export interface LinkParams {
  /** One-way delay of this direction. */
  latencyMs: number;
  jitterMs: number;
  lossPct: number;
  /** null = unlimited. */
  bandwidthMbps: number | null;
  partitioned: boolean;
}

export interface LinkState extends LinkParams {
  from: string;
  to: string;
  kind: 'region-region' | 'location-region' | 'region-location';
  /** The one-way delay the topology gives, before run-time changes. */
  configuredLatencyMs: number;
}

export const linkKey = (from: string, to: string): string => `${from}->${to}`;

/** Round trip between a client location and a region: explicit, or access + anchor region RTT. */
export function clientRttMs(location: LocationSpec, region: string): number {
  const explicit = location.rttMs?.[region];
  if (explicit !== undefined) return explicit;
  if (!location.anchorRegion) throw new Error(`location ${location.name} has no RTT to ${region}`);
  return location.accessRttMs + awsRttTable().rttMs(location.anchorRegion, region);
}

/**
 * Region-to-region one-way delay: half the table's RTT. The table is measured per direction
 * (row = source), so the two directions of a pair may differ slightly, as they do on AWS.
 */
export function regionOneWayMs(from: string, to: string): number {
  const table = awsRttTable();
  return (table.rttMs(from, to) + table.rttMs(to, from)) / 4;
}

export function buildLinks(topology: Topology): LinkState[] {
  const links: LinkState[] = [];
  const defaults = {
    jitterMs: topology.wan.jitterMs,
    lossPct: topology.wan.lossPct,
    bandwidthMbps: topology.wan.bandwidthMbps,
  };
  const add = (from: string, to: string, kind: LinkState['kind'], latencyMs: number) => {
    links.push({
      from,
      to,
      kind,
      configuredLatencyMs: latencyMs,
      latencyMs,
      ...defaults,
      partitioned: false,
    });
  };
  for (const from of topology.regions) {
    for (const to of topology.regions) {
      if (from.name !== to.name) add(from.name, to.name, 'region-region', regionOneWayMs(from.name, to.name));
    }
  }
  for (const location of topology.locations) {
    for (const region of topology.regions) {
      const oneWayMs = clientRttMs(location, region.name) / 2;
      add(location.name, region.name, 'location-region', oneWayMs);
      add(region.name, location.name, 'region-location', oneWayMs);
    }
  }
  for (const override of topology.wan.links) {
    const link = links.find((candidate) => candidate.from === override.from && candidate.to === override.to);
    if (!link) continue;
    if (override.latencyMs !== undefined) {
      link.latencyMs = override.latencyMs;
      link.configuredLatencyMs = override.latencyMs;
    }
    if (override.jitterMs !== undefined) link.jitterMs = override.jitterMs;
    if (override.lossPct !== undefined) link.lossPct = override.lossPct;
    if (override.bandwidthMbps !== undefined) link.bandwidthMbps = override.bandwidthMbps;
  }
  return links;
}
