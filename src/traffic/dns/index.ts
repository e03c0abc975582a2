/** Authoritative DNS with Route 53 routing policies: the public surface for the integrator. */
export type { CompiledRecordSet } from './catalog.js';
export { ZoneCatalog } from './catalog.js';
export type { LocatedClient, RegionEndpointOptions } from './locations.js';
export {
  dnsLocationsFromTopology,
  LocationIndex,
  latencyFromTopology,
  regionEndpointRecords,
} from './locations.js';
export type { Rcode, Response, Transport } from './responder.js';
export { respond } from './responder.js';
export type { AnswerRecord, ClientAddress, Resolution, RoutingEnvironment } from './routing.js';
export { resolveQuery, routingPolicyOf } from './routing.js';
export type { DnsServerLimits, DnsServerOptions, DnsServerStats } from './server.js';
export { DnsServer, defaultDnsServerLimits, startDnsServer } from './server.js';
export type * from './types.js';
export type { ZoneProblem } from './validate.js';
export { assertValidZones, zoneProblems } from './validate.js';
