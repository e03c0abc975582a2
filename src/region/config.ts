/** What the supervisor hands a region process (as JSON in PANGEA_REGION_CONFIG). */
import type { RegionSpec, Topology } from '../world/topology/types.js';

export interface RegionProcessConfig {
  region: RegionSpec;
  topology: Topology;
  /** This region's durable data (.pangea/regions/<name>). */
  dataDir: string;
  logPath: string;
  logLevel: string;
}

export const regionConfigEnv = 'PANGEA_REGION_CONFIG';

/** Messages a region process sends to its supervisor over the IPC channel. */
export type RegionMessage =
  | { type: 'ready'; endpoints: Record<string, string> }
  | { type: 'fatal'; code: string; message: string };
