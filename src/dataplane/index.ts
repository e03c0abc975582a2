/** The data plane's public surface: a region's DynamoDB endpoint and the world's edge endpoint. */
export {
  type EdgeServerOptions,
  type RegionEndpoint,
  type RunningEdgeServer,
  startEdgeServer,
} from './edge.js';
export { type DynamoDbServerOptions, type RunningDynamoDbServer, startDynamoDbServer } from './server.js';
