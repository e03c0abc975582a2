/** What the supervisor hands a region process (as JSON in PANGEA_REGION_CONFIG). */
import type { RegionSpec, Topology } from '../world/topology/types.js';
import type { RegionControlReply, RegionControlState } from './control-protocol.js';

export interface RegionProcessConfig {
  region: RegionSpec;
  topology: Topology;
  /** This region's durable data (.pangea/regions/<name>). */
  dataDir: string;
  logPath: string;
  logLevel: string;
  /** Faults active when the process is spawned apply from its start (absent: the normal state). */
  control?: RegionControlState;
}

export const regionConfigEnv = 'PANGEA_REGION_CONFIG';

/**
 * One app instance as a load-balancer target (`pangea status --json` regions[].targets): the
 * balancer's view (ALB target health state and reason) and the instance's process.
 */
export interface RegionTargetStatus {
  /** The app instance id, `<region>-<i>` (APP_INSTANCE_ID). */
  id: string;
  /** `host:port` the balancer forwards to. */
  target: string;
  health: 'initial' | 'healthy' | 'unhealthy' | 'draining' | 'unused';
  /** ALB reason code (Elb.InitialHealthChecking, Target.FailedHealthChecks, ...); null when healthy. */
  reason: string | null;
  inFlight: number;
  pid: number | null;
  process: 'starting' | 'running' | 'backoff' | 'stopped' | 'missing';
  restarts: number;
  lastExit: { code: number | null; signal: string | null; at: string } | null;
}

/** Messages a region process sends to its supervisor over the IPC channel. */
export type RegionMessage =
  | { type: 'ready'; endpoints: Record<string, string> }
  | { type: 'fatal'; code: string; message: string }
  | { type: 'targets'; targets: RegionTargetStatus[] }
  | RegionControlReply;
