/** `pangea health`, `pangea dns` and `pangea accelerator`: the global traffic layer from the shell. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { parse as parseYaml } from 'yaml';
import { PangeaError } from '../shared/errors.js';
import { didYouMean } from '../shared/text.js';
import type { AcceleratorStatus } from '../traffic/accelerator/index.js';
import type { HostedZone, ResourceRecordSet } from '../traffic/dns/index.js';
import type { HealthCheckConfig, HealthCheckStatus } from '../traffic/health/index.js';
import type { WorldStatus } from '../world/status.js';
import { addressInCidr, parseCidr } from '../world/topology/addresses.js';
import { callAdmin } from './admin-client.js';
import { queryDns, rcodeOf, renderDig, renderShort } from './dns-query.js';
import { renderAccelerator, renderHealthCheck, renderHealthChecks, renderRecords } from './render-traffic.js';
import { table } from './table.js';

function integerIn(min: number, max: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < min || number > max)
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return number;
  };
}

const print = (text: string) => process.stdout.write(`${text}\n`);
const printJson = (value: unknown) => print(JSON.stringify(value, null, 2));

export function registerTrafficCommands(program: Command, cwd: string): void {
  registerHealth(program, cwd);
  registerDns(program, cwd);
  registerAccelerator(program, cwd);
}

function registerHealth(program: Command, cwd: string): void {
  const health = program.command('health').description('Route 53 health checks of the running world');
  const list = async (options: { json?: boolean }) => {
    const result = await callAdmin<{ healthChecks: HealthCheckStatus[]; configs: HealthCheckConfig[] }>(
      cwd,
      'GET',
      '/v1/health-checks',
    );
    if (options.json) printJson(result);
    else print(renderHealthChecks(result.healthChecks, result.configs));
  };
  health
    .command('list', { isDefault: true })
    .description('every health check: healthy, checkers, last report')
    .option('--json', 'JSON output')
    .action(list);
  health
    .command('show <id>')
    .description("one check: its configuration, every checker's latest observation, its history")
    .option('--json', 'JSON output')
    .action(async (id: string, options: { json?: boolean }) => {
      const result = await callAdmin<HealthCheckStatus & { config?: HealthCheckConfig }>(
        cwd,
        'GET',
        `/v1/health-checks/${encodeURIComponent(id)}`,
      );
      if (options.json) printJson(result);
      else print(renderHealthCheck(result));
    });
}

function registerDns(program: Command, cwd: string): void {
  const dns = program.command('dns').description('the authoritative DNS server (Route 53 hosted zones)');
  dns
    .command('zones')
    .description('hosted zones and how many record sets each has')
    .option('--json', 'JSON output')
    .action(async (options: { json?: boolean }) => {
      const result = await callAdmin<{ hostedZones: HostedZone[] }>(cwd, 'GET', '/v1/dns/zones');
      if (options.json) {
        printJson(result);
        return;
      }
      print(
        table([
          ['ZONE', 'RECORD SETS'],
          ...result.hostedZones.map((zone) => [zone.Name, String(zone.ResourceRecordSets.length)]),
        ]),
      );
    });
  dns
    .command('records [name]')
    .description('record sets, all or those of one name')
    .option('--json', 'JSON output')
    .action(async (name: string | undefined, options: { json?: boolean }) => {
      const result = await callAdmin<{ hostedZones: HostedZone[] }>(cwd, 'GET', '/v1/dns/zones');
      const wanted = name?.replace(/\.$/, '').toLowerCase();
      const records: ResourceRecordSet[] = result.hostedZones
        .flatMap((zone) => zone.ResourceRecordSets)
        .filter((record) => wanted === undefined || record.Name.replace(/\.$/, '').toLowerCase() === wanted);
      if (wanted !== undefined && records.length === 0) {
        const names = result.hostedZones.flatMap((zone) =>
          zone.ResourceRecordSets.map((record) => record.Name),
        );
        throw new PangeaError(
          'UnknownRecord',
          `no record set named "${name}"${didYouMean(wanted, [...new Set(names)])}`,
        );
      }
      if (options.json) printJson(records);
      else print(renderRecords(records));
    });
  dns
    .command('set')
    .description(
      'replace every hosted zone from a JSON or YAML file ({hostedZones: [...]} or a list of zones)',
    )
    .requiredOption('-f, --file <file>', 'the zones file')
    .action(async (options: { file: string }) => {
      const body = readZonesFile(resolve(cwd, options.file));
      const result = await callAdmin<{ hostedZones: HostedZone[] }>(cwd, 'PUT', '/v1/dns/zones', body);
      for (const zone of result.hostedZones)
        print(`${zone.Name}: ${zone.ResourceRecordSets.length} record sets`);
    });
  dns
    .command('query <name>')
    .description('ask the world DNS server as a resolver at a client location would (dig-like output)')
    .option('--type <type>', 'record type', 'A')
    .option('--from <location>', 'client location the query comes from (default: none, 127.0.0.1)')
    .option('--tcp', 'query over TCP')
    .option('--short', 'only the answer data, like dig +short')
    .action(
      async (name: string, options: { type: string; from?: string; tcp?: boolean; short?: boolean }) => {
        const status = await callAdmin<WorldStatus>(cwd, 'GET', '/v1/status');
        const server = dnsServerOf(status);
        const fromAddress = options.from ? locationClientAddress(status, options.from) : '127.0.0.1';
        const query = {
          name: name.replace(/\.$/, ''),
          type: options.type.toUpperCase(),
          server,
          fromAddress,
          tcp: options.tcp === true,
          timeoutMs: 5_000,
        };
        const reply = await queryDns(query);
        print(options.short ? renderShort(reply) : renderDig(reply, query, options.from));
        if (rcodeOf(reply.packet) !== 'NOERROR') process.exitCode = 1;
      },
    );
}

function registerAccelerator(program: Command, cwd: string): void {
  const accelerator = program.command('accelerator').description('the Global Accelerator of the world');
  accelerator
    .command('status', { isDefault: true })
    .description('listeners, endpoint groups with dial, health and traffic share, recent failovers')
    .option('--json', 'JSON output')
    .action(async (options: { json?: boolean }) => {
      const result = await callAdmin<AcceleratorStatus>(cwd, 'GET', '/v1/accelerator');
      if (options.json) printJson(result);
      else print(renderAccelerator(result));
    });
  accelerator
    .command('dial <region> <percent>')
    .description("set the traffic dial (0-100) of the region's endpoint group")
    .action(async (region: string, percent: string) => {
      const dial = integerIn(0, 100)(percent);
      const result = await callAdmin<AcceleratorStatus>(
        cwd,
        'PUT',
        `/v1/accelerator/endpoint-groups/${encodeURIComponent(region)}`,
        { TrafficDialPercentage: dial },
      );
      print(renderAccelerator(result));
    });
  accelerator
    .command('weight <region> <endpoint> <weight>')
    .description('set the weight (0-255) of an endpoint (e.g. loadBalancer, or "all") in the region\'s group')
    .action(async (region: string, endpoint: string, weight: string) => {
      const result = await callAdmin<AcceleratorStatus>(
        cwd,
        'PUT',
        `/v1/accelerator/endpoint-groups/${encodeURIComponent(region)}`,
        { Weight: integerIn(0, 255)(weight), ...(endpoint === 'all' ? {} : { EndpointId: endpoint }) },
      );
      print(renderAccelerator(result));
    });
}

function readZonesFile(path: string): Record<string, unknown> {
  let value: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    value = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new PangeaError('ZonesFileUnreadable', `${path}: ${(error as Error).message}`);
  }
  if (Array.isArray(value)) return { hostedZones: value };
  if (value && typeof value === 'object' && 'hostedZones' in value) return value as Record<string, unknown>;
  if (value && typeof value === 'object' && 'ResourceRecordSets' in value) return { hostedZones: [value] };
  throw new PangeaError(
    'ZonesFileInvalid',
    `${path}: expected {hostedZones: [...]}, a list of hosted zones, or one hosted zone`,
  );
}

function dnsServerOf(status: WorldStatus): { host: string; port: number } {
  const match = /^dns:\/\/([^:/]+):(\d+)/.exec(status.endpoints.dns ?? '');
  if (!match) throw new PangeaError('DnsNotRunning', 'the world has no DNS server running');
  return { host: match[1] as string, port: Number(match[2]) };
}

/** A client address inside the location's range (index 53: recognisable as the DNS tool's). */
function locationClientAddress(status: WorldStatus, name: string): string {
  const location = status.locations.find((candidate) => candidate.name === name);
  if (!location) {
    const names = status.locations.map((candidate) => candidate.name);
    throw new PangeaError(
      'UnknownLocation',
      `unknown location "${name}"${didYouMean(name, names)} (locations: ${names.join(', ')})`,
    );
  }
  const cidr = parseCidr(location.addressRange);
  if (!cidr) throw new PangeaError('InvalidLocation', `location ${name} has a bad address range`);
  return addressInCidr(cidr, 53);
}
