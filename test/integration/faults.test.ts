/**
 * Faults end to end: a real world on ports of its own, driven through the `pangea` CLI and the
 * admin API. Latency shows in `pangea link list --json` and undoes itself after its duration; a
 * cross-region connectivity disruption is a one-way partition; a fault stopped early is undone now.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FaultRecord } from '../../src/gameday/faults/runner.js';
import type { LinkState } from '../../src/wan/model.js';
import { makeWorkDir, regionProcessesOf, runCli, waitFor } from '../support/cli.js';
import { ownPortsTopologyYaml, pickPortBase } from '../support/own-ports.js';
import { startWorld, type TestWorld } from '../support/world.js';

describe('faults', () => {
  let world: TestWorld | undefined;
  let dir = '';
  let admin = '';
  const cli = (args: string[]): Promise<string> => {
    if (!world) throw new Error('no world');
    return world.cli(args);
  };
  const links = async (): Promise<LinkState[]> =>
    (JSON.parse(await cli(['link', 'list', '--json'])) as { links: LinkState[] }).links;
  const linkOf = async (from: string, to: string): Promise<LinkState> => {
    const found = (await links()).find((l) => l.from === from && l.to === to);
    assert.ok(found, `link ${from} -> ${to}`);
    return found;
  };
  const faults = async (): Promise<FaultRecord[]> =>
    (JSON.parse(await cli(['fault', 'list', '--json'])) as { faults: FaultRecord[] }).faults;

  before(async () => {
    dir = makeWorkDir('pangea-faults-');
    const base = await pickPortBase(['us-east-1', 'eu-west-1', 'ap-south-1']);
    writeFileSync(
      join(dir, 'pangea.yaml'),
      ownPortsTopologyYaml({
        name: 'faults-test',
        base,
        regions: ['us-east-1', 'eu-west-1', 'ap-south-1'],
        appInstances: 0,
      }),
    );
    world = await startWorld(['--fresh'], dir);
    admin = `http://127.0.0.1:${base}`;
  });

  after(async () => {
    if (world) await world.down();
    else {
      for (const pid of regionProcessesOf(dir)) process.kill(pid, 'SIGKILL');
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });

  test('latency injected with the CLI shows in link list and undoes itself', async () => {
    const before = await linkOf('us-east-1', 'eu-west-1');
    const output = await cli([
      'fault',
      'inject',
      'aws:ecs:task-network-latency',
      '--region',
      'us-east-1',
      '--to',
      'eu-west-1',
      '--delay-ms',
      '300',
      '--jitter-ms',
      '7',
      '--duration-ms',
      '1500',
      '--json',
    ]);
    const record = JSON.parse(output) as FaultRecord;
    assert.equal(record.state, 'active');
    const during = await linkOf('us-east-1', 'eu-west-1');
    assert.equal(during.latencyMs, before.latencyMs + 300);
    assert.equal(during.jitterMs, before.jitterMs + 7);
    const reverse = await linkOf('eu-west-1', 'us-east-1');
    assert.equal(reverse.latencyMs, reverse.configuredLatencyMs, 'the other direction is untouched');
    await waitFor(
      async () => (await faults()).find((f) => f.id === record.id)?.state === 'completed',
      10_000,
      'the latency fault to complete',
    );
    assert.deepEqual(await linkOf('us-east-1', 'eu-west-1'), before);
  });

  test('cross-region connectivity disruption is a one-way partition; stop undoes it now', async () => {
    const output = await cli([
      'fault',
      'inject',
      'aws:network:route-table-disrupt-cross-region-connectivity',
      '--region',
      'ap-south-1',
      '--duration-ms',
      '600000',
    ]);
    const id = /^(fault-\d+) /.exec(output)?.[1];
    assert.ok(id, output);
    for (const to of ['us-east-1', 'eu-west-1']) {
      assert.equal((await linkOf('ap-south-1', to)).partitioned, true);
      assert.equal((await linkOf(to, 'ap-south-1')).partitioned, false, 'outbound only');
    }
    const listed = await cli(['fault', 'list']);
    assert.match(
      listed,
      new RegExp(
        `${id}\\s+aws:network:route-table-disrupt-cross-region-connectivity\\s+ap-south-1 -> all\\s+active`,
      ),
    );
    assert.match(await cli(['fault', 'stop', id]), /stopped/);
    for (const link of await links()) assert.equal(link.partitioned, false, `${link.from} -> ${link.to}`);
    const record = (await faults()).find((f) => f.id === id);
    assert.equal(record?.state, 'stopped');
    assert.ok(record?.endedAt && record.endedAt < record.endsAt);
  });

  test('errors: unknown action and region with suggestions, bad parameters, unknown fault', async () => {
    const bad = await runCli(
      ['fault', 'inject', 'aws:ecs:task-network-latncy', '--region', 'us-east-1'],
      dir,
    );
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /did you mean aws:ecs:task-network-latency\?.*\[UnknownFaultAction\]/);
    const region = await runCli(['fault', 'inject', 'pangea:region-outage', '--region', 'eu-wst-1'], dir);
    assert.match(region.stderr, /did you mean eu-west-1\?.*\[InvalidFaultParameter\]/);
    const response = await fetch(`${admin}/v1/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        action: 'aws:ecs:task-network-packet-loss',
        parameters: { region: 'us-east-1', lossPercent: 150 },
        durationMs: 1000,
      }),
    });
    assert.equal(response.status, 400);
    assert.equal(
      ((await response.json()) as { error: { code: string } }).error.code,
      'InvalidFaultParameter',
    );
    const missing = await fetch(`${admin}/v1/faults/fault-999`, { method: 'DELETE' });
    assert.equal(missing.status, 404);
  });
});
