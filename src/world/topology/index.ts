export { addressInCidr, cidrContains, parseCidr } from './addresses.js';
export { defaultTopologyYaml } from './defaults.js';
export { defaultTopology, loadTopologyFile, parseTopology } from './load.js';
export { awsRttTable } from './rtt-table.js';
export type * from './types.js';
