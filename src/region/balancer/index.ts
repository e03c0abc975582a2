/** The regional load balancer (ALB-like): see balancer.ts. */

export { createSelector, type Selector } from './algorithms.js';
export { type LoadBalancerOptions, type RunningLoadBalancer, startLoadBalancer } from './balancer.js';
export { type CheckOutcome, TargetHealth } from './health.js';
export type * from './types.js';
