/** The stable `pangea status --json` document. Fields that later components fill are null until then. */
import type { RegionTargetStatus } from '../region/config.js';
import type { LinkState } from '../wan/model.js';
import type { ReplicationStatus } from './replication.js';
import type { RegionState } from './supervisor.js';
import type { TrafficStatus } from './traffic.js';

export interface WorldStatus {
  world: { name: string; pid: number; startedAt: string; profile: string; topology: string };
  regions: Array<{
    name: string;
    state: RegionState;
    ready: boolean;
    pid: number | null;
    startedAt: string | null;
    restarts: number;
    lastExit: { code: number | null; signal: string | null; at: string } | null;
    address: string;
    wanAddress: string;
    endpoints: { dynamodb: string | null; replication: string | null; loadBalancer: string | null };
    /** The app instances behind the region's load balancer: target health and process (empty while down or with no app). */
    targets: RegionTargetStatus[];
  }>;
  endpoints: {
    aws: string | null;
    dns: string | null;
    accelerator: string | null;
    dashboard: string | null;
    admin: string;
  };
  locations: Array<{ name: string; continent: string; country: string; addressRange: string }>;
  links: LinkState[];
  /** Global tables: per region pause state and conflicts, per directed pair lag and backlog. */
  replication: ReplicationStatus;
  /** Health checks, DNS counters and the accelerator's groups (null while starting). */
  traffic: TrafficStatus | null;
}
