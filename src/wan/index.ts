export { agentFrom, connectThroughWan, locationAddress } from './client.js';
export { WanFabric } from './fabric.js';
export {
  buildLinks,
  clientRttMs,
  type LinkParams,
  type LinkState,
  linkKey,
  regionOneWayMs,
} from './model.js';
