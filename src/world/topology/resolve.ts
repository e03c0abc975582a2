/** Applies defaults to a schema-valid, semantically valid raw topology. */

import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import { parseDocument } from 'yaml';
import { regionAddress, regionWanAddress } from './addresses.js';
import { defaultGlobal, defaultServices, defaultTopologyYaml, timingProfiles } from './defaults.js';
import { awsRttTable } from './rtt-table.js';
import { type BaseTopology, type RawTraffic, resolveTraffic } from './traffic.js';
import type { LinkOverride, LocationSpec, ServicesSpec, TimingProfileName, Topology } from './types.js';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

export interface RawTopology {
  version?: number;
  name?: string;
  regions?: Array<{ name: string; services?: DeepPartial<ServicesSpec> }>;
  locations?: Array<Omit<LocationSpec, 'accessRttMs'> & { accessRttMs?: number }>;
  wan?: { jitterMs?: number; lossPct?: number; bandwidthMbps?: number | null; links?: LinkOverride[] };
  timing?: {
    profile?: TimingProfileName;
    timeScale?: number;
    healthCheck?: Partial<Topology['timing']['healthCheck']>;
    dnsTtlSeconds?: number;
    accelerator?: Partial<Topology['timing']['accelerator']>;
    loadBalancer?: Partial<Topology['timing']['loadBalancer']>;
  };
  services?: DeepPartial<ServicesSpec>;
  global?: Partial<Topology['global']>;
  traffic?: RawTraffic;
}

let defaultRaw: RawTopology | undefined;

/** The built-in default as raw data: the fallback for sections a user's file leaves out. */
export function defaultRawTopology(): RawTopology {
  defaultRaw ??= parseDocument(defaultTopologyYaml).toJS() as RawTopology;
  return defaultRaw;
}

function mergeServices(...layers: Array<DeepPartial<ServicesSpec> | undefined>): ServicesSpec {
  const merged = structuredClone(defaultServices);
  for (const layer of layers) {
    if (!layer) continue;
    Object.assign(merged.dynamodb, layer.dynamodb);
    Object.assign(merged.replication, layer.replication);
    Object.assign(merged.app, layer.app);
    Object.assign(merged.loadBalancer, layer.loadBalancer);
  }
  return merged;
}

/** A relative app entry is relative to the topology file's folder. */
function withEntryResolved(services: ServicesSpec, source: string): ServicesSpec {
  const entry = services.app.entry;
  if (entry === undefined || isAbsolute(entry) || source === '') return services;
  return { ...services, app: { ...services.app, entry: resolvePath(dirname(source), entry) } };
}

export function resolveTopology(raw: RawTopology, source: string): Topology {
  const base = resolveBaseTopology(raw, source);
  return { ...base, traffic: resolveTraffic(raw.traffic, base) };
}

/** Everything but the traffic section, which is validated and resolved against this. */
export function resolveBaseTopology(raw: RawTopology, source: string): BaseTopology {
  const fallback = defaultRawTopology();
  const table = awsRttTable();
  const profile = raw.timing?.profile ?? 'fast';
  const profileTiming = timingProfiles[profile];
  return {
    source,
    name: raw.name ?? 'default',
    regions: (raw.regions ?? fallback.regions ?? []).map((region) => {
      const number = table.regions.indexOf(region.name) + 1;
      return {
        name: region.name,
        number,
        address: regionAddress(number),
        wanAddress: regionWanAddress(number),
        services: withEntryResolved(mergeServices(raw.services, region.services), source),
      };
    }),
    locations: (raw.locations ?? fallback.locations ?? []).map((location) => ({
      ...location,
      accessRttMs: location.accessRttMs ?? 10,
    })),
    wan: {
      jitterMs: raw.wan?.jitterMs ?? 0,
      lossPct: raw.wan?.lossPct ?? 0,
      bandwidthMbps: raw.wan?.bandwidthMbps ?? null,
      links: raw.wan?.links ?? [],
    },
    timing: {
      profile,
      timeScale: raw.timing?.timeScale ?? 1,
      healthCheck: { ...profileTiming.healthCheck, ...raw.timing?.healthCheck },
      dnsTtlSeconds: raw.timing?.dnsTtlSeconds ?? profileTiming.dnsTtlSeconds,
      accelerator: { ...profileTiming.accelerator, ...raw.timing?.accelerator },
      loadBalancer: { ...profileTiming.loadBalancer, ...raw.timing?.loadBalancer },
    },
    global: { ...defaultGlobal, ...raw.global },
  };
}
