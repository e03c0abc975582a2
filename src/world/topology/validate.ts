/** Semantic rules the JSON Schema cannot express: names from the RTT table, address plan, ports. */
import { didYouMean } from '../../shared/text.js';
import { type Cidr, cidrsOverlap, loopbackSpace, parseCidr, regionSpace } from './addresses.js';
import type { Problem } from './load.js';
import { defaultRawTopology, type RawTopology, resolveBaseTopology } from './resolve.js';
import { awsRttTable } from './rtt-table.js';
import { trafficProblems } from './traffic.js';

export function semanticProblems(raw: RawTopology): Problem[] {
  const problems: Problem[] = [];
  const regionNames = checkRegions(raw, problems);
  const locationNames = checkLocations(raw, problems);
  checkLinks(raw, [...regionNames, ...locationNames], problems);
  if (problems.length === 0) checkPorts(raw, problems);
  // The traffic libraries validate against the resolved regions, locations and timing.
  if (problems.length === 0) problems.push(...trafficProblems(raw.traffic, resolveBaseTopology(raw, '')));
  return problems;
}

function checkRegions(raw: RawTopology, problems: Problem[]): string[] {
  const known = awsRttTable().regions;
  const seen = new Set<string>();
  (raw.regions ?? []).forEach((region, index) => {
    const path = ['regions', index, 'name'];
    if (!known.includes(region.name)) {
      problems.push({ path, message: `unknown region "${region.name}"${didYouMean(region.name, known)}` });
    } else if (seen.has(region.name)) {
      problems.push({ path, message: `region "${region.name}" is listed twice` });
    }
    seen.add(region.name);
  });
  return raw.regions ? [...seen] : (defaultRawTopology().regions ?? []).map((region) => region.name);
}

function checkLocations(raw: RawTopology, problems: Problem[]): string[] {
  if (!raw.locations) return (defaultRawTopology().locations ?? []).map((location) => location.name);
  const known = awsRttTable().regions;
  const ranges: Array<{ cidr: Cidr; index: number }> = [];
  const names = new Set<string>();
  raw.locations.forEach((location, index) => {
    if (names.has(location.name))
      problems.push({ path: ['locations', index, 'name'], message: 'duplicate location name' });
    if (known.includes(location.name)) {
      problems.push({ path: ['locations', index, 'name'], message: 'a location may not have a region name' });
    }
    names.add(location.name);
    const cidr = parseCidr(location.addressRange);
    const rangePath = ['locations', index, 'addressRange'];
    if (!cidr || !cidrsOverlap(cidr, loopbackSpace) || cidr.prefixLength < 9) {
      problems.push({
        path: rangePath,
        message: `"${location.addressRange}" must be a CIDR inside 127.0.0.0/8, e.g. 127.1.0.0/16`,
      });
    } else if (cidrsOverlap(cidr, regionSpace)) {
      problems.push({
        path: rangePath,
        message: 'overlaps 127.0.0.0/16, which is reserved for regions and the global layer',
      });
    } else {
      const clash = ranges.find((other) => cidrsOverlap(other.cidr, cidr));
      if (clash)
        problems.push({ path: rangePath, message: `overlaps the range of locations[${clash.index}]` });
      ranges.push({ cidr, index });
    }
    if (location.anchorRegion !== undefined && !known.includes(location.anchorRegion)) {
      problems.push({
        path: ['locations', index, 'anchorRegion'],
        message: `unknown region "${location.anchorRegion}"${didYouMean(location.anchorRegion, known)}`,
      });
    }
    for (const region of Object.keys(location.rttMs ?? {})) {
      if (!known.includes(region)) {
        problems.push({
          path: ['locations', index, 'rttMs', region],
          message: `unknown region "${region}"${didYouMean(region, known)}`,
        });
      }
    }
    if (location.anchorRegion === undefined && !location.rttMs) {
      problems.push({
        path: ['locations', index],
        message: 'needs anchorRegion or rttMs to derive client-to-region delays',
      });
    }
  });
  return [...names];
}

function checkLinks(raw: RawTopology, endpoints: string[], problems: Problem[]): void {
  (raw.wan?.links ?? []).forEach((link, index) => {
    for (const end of ['from', 'to'] as const) {
      if (!endpoints.includes(link[end])) {
        problems.push({
          path: ['wan', 'links', index, end],
          message: `unknown region or location "${link[end]}"${didYouMean(link[end], endpoints)}`,
        });
      }
    }
    if (link.from === link.to)
      problems.push({ path: ['wan', 'links', index], message: 'a link joins two different places' });
  });
}

/** Global ports must be distinct; a region's own ports must be distinct (regions have their own addresses). */
function checkPorts(raw: RawTopology, problems: Problem[]): void {
  const topology = resolveBaseTopology(raw, '');
  const globalPorts = new Map<number, string>();
  for (const [name, port] of Object.entries(topology.global)) {
    if (name === 'host' || typeof port !== 'number') continue;
    const clash = globalPorts.get(port);
    if (clash)
      problems.push({ path: ['global', name], message: `port ${port} is also used by global.${clash}` });
    globalPorts.set(port, name);
  }
  topology.regions.forEach((region, index) => {
    const used = new Map<number, string>();
    const { dynamodb, replication, app, loadBalancer } = region.services;
    const claims: Array<[string, number]> = [
      ['dynamodb.port', dynamodb.port],
      ['replication.port', replication.port],
      ['loadBalancer.port', loadBalancer.port],
      ...Array.from({ length: app.instances }, (_, i): [string, number] => [
        `app instance ${i + 1}`,
        app.basePort + i,
      ]),
    ];
    for (const [what, port] of claims) {
      const clash = used.get(port);
      if (clash) {
        problems.push({
          path: ['regions', index, 'services'],
          message: `port ${port} of ${what} is also used by ${clash}`,
        });
      }
      used.set(port, what);
    }
  });
}
