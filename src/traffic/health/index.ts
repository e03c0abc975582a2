/** Route 53 health checks: configuration, validation, probes through the WAN, and the checker. */
export {
  type HealthChangeListener,
  HealthChecker,
  type HealthCheckerOptions,
  healthyCheckerShare,
  type ProbeFunction,
  type ProbeOverride,
} from './checker.js';
export { type FlappingRegion, flappingFailureStatus, HealthCheckFlapping } from './flapping.js';
export {
  type Connect,
  directConnect,
  type ProbeRequest,
  type ProbeResult,
  probe,
  searchWindowBytes,
  type TransportConnection,
} from './probe.js';
export { healthCheckSchema, healthChecksSchema } from './schema.js';
export { type WanLinkView, wanConnect } from './transport.js';
export type * from './types.js';
export { healthCheckTypes, isEndpointType, isExternalType } from './types.js';
export {
  formatProblemPath,
  type HealthCheckProblem,
  healthCheckProblems,
  parseHealthChecks,
} from './validate.js';
