/** World-wide load for game days: plan it from a seed, run it, get an OpRecord per operation. */
export { classifyFailure, type FailureFacts, isIndeterminate, LoadOpError, writeKinds } from './errors.js';
export { defaultFailoverPolicy, type FailoverPolicy, RegionFailover } from './failover.js';
export type { OpOutcome } from './outcome.js';
export {
  type ClientPlan,
  maxPlannedOperations,
  type PlannedOp,
  type PlanOptions,
  planLoad,
  sessionNameFor,
} from './plan.js';
export { type RunLoadOptions, runLoad } from './runner.js';
export {
  clientAddress,
  defaultAppHostname,
  type LoadTarget,
  type LoadTargetLocation,
  type LoadTargetRegion,
  targetFromStatus,
} from './target.js';
