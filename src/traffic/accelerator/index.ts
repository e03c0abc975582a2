/** Public surface of the accelerator (AWS Global Accelerator semantics over the Pangea WAN). */
export {
  Accelerator,
  type AcceleratorOptions,
  type AcceleratorStatus,
  awsTcpIdleTimeoutMs,
  type EndpointStatus,
  type ListenerStatus,
} from './accelerator.js';
export {
  type EndpointHealthStatus,
  type HealthProbe,
  type HealthState,
  type ProbeResult,
  type ProbeTarget,
  socketProbe,
} from './health.js';
export type { FailoverEvent, HealthEvent } from './metrics.js';
export {
  affinityKey,
  type FlowKey,
  maxFailoverGroups,
  orderByProximity,
  type Place,
  type ProximityMs,
  placeOfAddress,
  proximityFromTopology,
  type RouteDecision,
  type RouteReason,
  routeFlow,
} from './routing.js';
export type * from './types.js';
export { acceleratorSchema, parseEndpointId, resolveAcceleratorConfig } from './validate.js';
