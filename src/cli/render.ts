/** Human output: the status table and log lines. `--json` output is the API's document as is. */
import type { LinkState } from '../wan/model.js';
import type { WorldStatus } from '../world/status.js';
import { renderReplication } from './render-replication.js';
import { renderTrafficSummary } from './render-traffic.js';
import { table } from './table.js';

function age(iso: string | null): string {
  if (!iso) return '-';
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  return `${Math.round(seconds / 3600)}h`;
}

const stateMark: Record<string, string> = { running: 'running', stopped: 'stopped', crashed: 'CRASHED' };

export function renderStatus(status: WorldStatus): string {
  const header = `world "${status.world.name}"  pid ${status.world.pid}  profile ${status.world.profile}  up ${age(status.world.startedAt)}  admin ${status.endpoints.admin}`;
  const regions = table([
    ['REGION', 'STATE', 'PID', 'UPTIME', 'RESTARTS', 'DYNAMODB', 'APP TARGETS'],
    ...status.regions.map((region) => [
      region.name,
      `${stateMark[region.state] ?? region.state}${region.state === 'running' && !region.ready ? ' (starting)' : ''}`,
      region.pid === null ? '-' : String(region.pid),
      region.state === 'running' ? age(region.startedAt) : '-',
      String(region.restarts),
      region.endpoints.dynamodb ?? '-',
      renderTargets(region.targets),
    ]),
  ]);
  const endpoints = Object.entries(status.endpoints)
    .map(([name, url]) => `${name} ${url ?? '-'}`)
    .join('   ');
  return [
    header,
    '',
    regions,
    '',
    `global: ${endpoints}`,
    '',
    renderLinkMatrix(status),
    renderLinkFaults(status.links),
    renderReplication(status.replication),
    renderTrafficSummary(status.traffic),
  ]
    .filter((part) => part !== undefined)
    .join('\n');
}

/** "2/2 healthy", then what is not: "1/2 healthy (us-east-1-1 unhealthy, 3 restarts)". */
function renderTargets(targets: WorldStatus['regions'][number]['targets'] | undefined): string {
  if (!targets || targets.length === 0) return '-';
  const healthy = targets.filter((target) => target.health === 'healthy').length;
  const notes = targets
    .filter((target) => target.health !== 'healthy' || target.process !== 'running')
    .map((target) => {
      const state = target.process === 'running' ? target.health : `${target.health}, ${target.process}`;
      return `${target.id} ${state}${target.restarts > 0 ? `, ${target.restarts} restarts` : ''}`;
    });
  return `${healthy}/${targets.length} healthy${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`;
}

/** One-way delays between regions; row = from, column = to; "X" = partitioned. */
function renderLinkMatrix(status: WorldStatus): string {
  const names = status.regions.map((region) => region.name);
  const cell = (from: string, to: string) => {
    if (from === to) return '-';
    const link = status.links.find((candidate) => candidate.from === from && candidate.to === to);
    if (!link) return '?';
    return link.partitioned ? 'X' : link.latencyMs.toFixed(1);
  };
  return `one-way delay ms (row -> column, X = partitioned)\n${table([
    ['', ...names],
    ...names.map((from) => [from, ...names.map((to) => cell(from, to))]),
  ])}`;
}

function renderLinkFaults(links: LinkState[]): string {
  const faults = links.filter(
    (link) =>
      link.partitioned ||
      link.lossPct > 0 ||
      link.jitterMs > 0 ||
      link.latencyMs !== link.configuredLatencyMs,
  );
  if (faults.length === 0) return '\nlinks: all as configured';
  return `\nchanged links:\n${faults.map((link) => `  ${describeLink(link)}`).join('\n')}`;
}

export function describeLink(link: LinkState): string {
  const parts = [`${link.from} -> ${link.to}`, `${link.latencyMs.toFixed(1)} ms`];
  if (link.jitterMs > 0) parts.push(`jitter ${link.jitterMs} ms`);
  if (link.lossPct > 0) parts.push(`loss ${link.lossPct}%`);
  if (link.bandwidthMbps) parts.push(`${link.bandwidthMbps} Mbit/s`);
  if (link.partitioned) parts.push('PARTITIONED');
  return parts.join(', ');
}
