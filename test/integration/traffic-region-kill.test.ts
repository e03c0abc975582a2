/**
 * A region kill in a world that runs the reference app: Route 53 (latency aliases with
 * EvaluateTargetHealth to each region's load balancer, health checks on `/health`) moves Europe's
 * `app.example.com` to the next-nearest region within interval × threshold + TTL (plus slack for a
 * loaded machine), the accelerator carries new connections there, and both come back after
 * `pangea region start`. The world has ports of its own, so it runs beside worlds on the defaults.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { latencyFromTopology } from '../../src/traffic/dns/index.js';
import { locationAddress } from '../../src/wan/client.js';
import type { WorldStatus } from '../../src/world/status.js';
import { timingProfiles } from '../../src/world/topology/defaults.js';
import { defaultTopology } from '../../src/world/topology/index.js';
import { makeWorkDir } from '../support/cli.js';
import { ownPortsTopologyYaml, pickPortBase } from '../support/own-ports.js';
import { endWorld, startWorld, type TestWorld } from '../support/world.js';

const run = promisify(execFile);
const topology = defaultTopology();
const killed = 'eu-west-1';
const europe = topology.locations.find((location) => location.name === 'europe');
if (!europe) throw new Error('the default topology has no europe location');
const fromEurope = locationAddress(europe, 11);
/** Slack on top of the modelled bound, for a loaded 2-core machine: a bound, not a benchmark. */
const slackMs = 10_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const wanAddressOf = (region: string): string =>
  topology.regions.find((candidate) => candidate.name === region)?.wanAddress ?? '?';

/** Regions by modelled RTT from a location, nearest first (latency routing and GA both use it). */
function regionsByRtt(location: string): string[] {
  const latencyMs = latencyFromTopology(topology);
  return topology.regions
    .map((region) => region.name)
    .sort(
      (a, b) =>
        (latencyMs(location, a) ?? Number.POSITIVE_INFINITY) -
        (latencyMs(location, b) ?? Number.POSITIVE_INFINITY),
    );
}

// ---------------------------------------------------------------------------------------------
// Ports of its own.

// ---------------------------------------------------------------------------------------------

describe('region kill: DNS and the accelerator move Europe away and back (reference app)', () => {
  let world: TestWorld | undefined;
  let dir = '';
  let base = 0;
  let controllerPid = 0;
  const nearest = regionsByRtt('europe');
  const home = nearest[0] as string;
  const next = nearest[1] as string;
  const fast = timingProfiles.fast;
  /** interval × threshold + TTL: how long a dead region can still be Europe's answer. */
  const modelledMs =
    fast.healthCheck.intervalMs * fast.healthCheck.failureThreshold + fast.dnsTtlSeconds * 1000;

  const status = async (): Promise<WorldStatus> => {
    const response = await fetch(`http://127.0.0.1:${base}/v1/status`, {
      signal: AbortSignal.timeout(10_000),
    });
    assert.equal(response.status, 200);
    return (await response.json()) as WorldStatus;
  };

  async function digApp(): Promise<string> {
    const { stdout } = await run('/usr/bin/dig', [
      '@127.0.0.1',
      '-p',
      String(base + 2),
      '-b',
      fromEurope,
      '+time=2',
      '+tries=2',
      'app.example.com',
      'A',
      '+short',
    ]);
    return stdout.trim();
  }

  /** GET /health/live through the accelerator from a Europe address: the region that answered. */
  function viaAccelerator(): Promise<string> {
    return new Promise((resolve, reject) => {
      const agent = new http.Agent({ localAddress: fromEurope, keepAlive: false });
      const request = http.get(
        { host: '127.0.0.1', port: base + 3, path: '/health/live', agent, timeout: 5_000 },
        (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => {
            body += chunk.toString();
          });
          response.on('end', () => {
            agent.destroy();
            try {
              resolve(
                response.statusCode === 200 ? String((JSON.parse(body) as { region: string }).region) : '',
              );
            } catch {
              resolve('');
            }
          });
        },
      );
      request.on('timeout', () => request.destroy(new Error('accelerator request timed out')));
      request.on('error', (error) => {
        agent.destroy();
        reject(error);
      });
    });
  }

  /** Polls until `probe` is true; returns the milliseconds it took, or throws after `timeoutMs`. */
  async function within(what: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<number> {
    const startedMs = Date.now();
    let last = '';
    while (Date.now() - startedMs < timeoutMs) {
      try {
        if (await probe()) return Date.now() - startedMs;
      } catch (error) {
        last = (error as Error).message;
      }
      await sleep(100);
    }
    throw new Error(
      `timed out after ${timeoutMs} ms waiting for ${what}${last ? `; last error: ${last}` : ''}`,
    );
  }

  const allHealthy = async (): Promise<boolean> => {
    const checks = (await status()).traffic?.healthChecks ?? [];
    return checks.length === topology.regions.length && checks.every((check) => check.healthy);
  };

  before(async () => {
    dir = makeWorkDir('pangea-kill-');
    base = await pickPortBase(topology.regions.map((region) => region.name));
    writeFileSync(
      join(dir, 'pangea.yaml'),
      ownPortsTopologyYaml({
        name: 'traffic-region-kill-test',
        base,
        regions: topology.regions.map((region) => region.name),
        appInstances: 2,
      }),
    );
    world = await startWorld(['--fresh'], dir, { apps: true });
    const current = await status();
    controllerPid = current.world.pid;
    assert.equal(current.world.profile, 'fast');
    assert.equal(current.endpoints.dns, `dns://127.0.0.1:${base + 2}`);
    // The reference app sets up its tables in every region first; then every check turns healthy.
    await within('every health check healthy', 60_000, allHealthy);
  });

  after(async () => {
    await endWorld(world, dir, controllerPid);
  });

  test(`kill ${killed}: Europe moves to the next-nearest region in time, and back after start`, async (t) => {
    assert.equal(home, killed, `Europe's nearest region is ${killed}`);
    await within(`DNS to answer Europe with ${home} before the kill`, 10_000, async () => {
      return (await digApp()) === wanAddressOf(home);
    });
    await within(
      `the accelerator to carry Europe to ${home}`,
      10_000,
      async () => (await viaAccelerator()) === home,
    );

    const killedAtMs = Date.now();
    await world?.cli(['region', 'kill', killed]);
    const regionState = (await status()).regions.find((region) => region.name === killed)?.state;
    assert.equal(regionState, 'crashed');
    const boundMs = modelledMs + slackMs;
    await within(`DNS for Europe to move to ${next}`, boundMs + 20_000, async () => {
      const answer = await digApp();
      if (answer === wanAddressOf(home)) return false;
      assert.equal(answer, wanAddressOf(next), `Europe's answer after the kill`);
      return true;
    });
    const failoverMs = Date.now() - killedAtMs;
    assert.ok(
      failoverMs <= boundMs,
      `DNS failover took ${failoverMs} ms; bound ${boundMs} ms (interval × threshold + TTL = ${modelledMs} ms, + ${slackMs} ms slack)`,
    );
    const checks = (await status()).traffic?.healthChecks ?? [];
    assert.equal(checks.find((check) => check.id === `${killed}-alb`)?.healthy, false);

    // New accelerator connections from Europe reach another (the next-nearest) region.
    const acceleratorMs = await within(
      `the accelerator to carry Europe away from ${killed}`,
      15_000,
      async () => {
        const region = await viaAccelerator();
        return region !== '' && region !== killed;
      },
    );
    assert.equal(await viaAccelerator(), next);

    await world?.cli(['region', 'start', killed]);
    const recoveryMs = await within(`DNS for Europe to return to ${killed}`, 45_000, async () => {
      return (await digApp()) === wanAddressOf(home);
    });
    await within(
      `the accelerator to carry Europe to ${home} again`,
      15_000,
      async () => (await viaAccelerator()) === home,
    );
    await within('every health check healthy again', 15_000, allHealthy);
    t.diagnostic(
      `DNS failover ${failoverMs} ms (bound ${boundMs} ms), accelerator ${acceleratorMs} ms after that, DNS back ${recoveryMs} ms after region start`,
    );
  });
});
