/**
 * Game days end to end: every built-in scenario runs with `pangea gameday` against one real world
 * (fast profile, ports of its own, the reference app in every region) and its verdicts are
 * asserted from the JSON report; a broken setup (the game-day table not replicated) must fail the
 * lost-writes and convergence objectives and exit non-zero.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { GamedayReport } from '../../src/gameday/model.js';
import { makeWorkDir, regionProcessesOf, runCli } from '../support/cli.js';
import { ownPortsTopologyYaml, pickPortBase } from '../support/own-ports.js';
import { startWorld, type TestWorld } from '../support/world.js';

const regions = ['us-east-1', 'eu-west-1', 'ap-south-1'];
const seed = 20261123;
const runTimeoutMs = 150_000;

interface Run {
  code: number | null;
  report: GamedayReport;
  stderr: string;
}

describe('game days', () => {
  let world: TestWorld | undefined;
  let dir = '';

  const gameday = async (scenario: string, name = scenario): Promise<Run> => {
    const out = join(dir, 'reports', name);
    const result = await runCli(
      ['gameday', scenario, '--seed', String(seed), '--out', out],
      dir,
      runTimeoutMs,
    );
    const jsonPath = join(out, 'report.json');
    assert.ok(
      existsSync(jsonPath),
      `no report for ${name} (exit ${result.code}):\n${result.stderr}\n${result.stdout}`,
    );
    assert.ok(existsSync(join(out, 'report.html')), 'the HTML report is written next to the JSON');
    const report = JSON.parse(readFileSync(jsonPath, 'utf8')) as GamedayReport;
    return { code: result.code, report, stderr: `${result.stderr}\n${result.stdout}` };
  };

  /** Every verdict passed and the command exited 0; the message carries the seed and the verdicts. */
  const assertPassed = (run: Run): void => {
    const failed = run.report.verdicts.filter((verdict) => !verdict.passed);
    const context = `seed ${run.report.seed}, run ${run.report.runId}: ${JSON.stringify(failed)}\nfindings: ${run.report.findings.join(' | ')}\n${run.stderr.slice(-3000)}`;
    assert.deepEqual(failed, [], context);
    assert.equal(run.report.passed, true, context);
    assert.equal(run.code, 0, context);
    assert.ok(run.report.totals.ops > 100, `the load ran (${run.report.totals.ops} ops)`);
    assert.equal(run.report.seed, seed);
  };

  before(async () => {
    dir = makeWorkDir('pangea-gameday-');
    const base = await pickPortBase(regions);
    writeFileSync(
      join(dir, 'pangea.yaml'),
      ownPortsTopologyYaml({ name: 'gameday-test', base, regions, appInstances: 1 }),
    );
    world = await startWorld(['--fresh'], dir);
  });

  after(async () => {
    if (world) await world.down();
    else {
      for (const pid of regionProcessesOf(dir)) process.kill(pid, 'SIGKILL');
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });

  test('region-outage: users near the dead region recover, nothing acknowledged is lost', async () => {
    const run = await gameday('region-outage');
    assertPassed(run);
    const { report } = run;
    const outage = report.faults.find((fault) => fault.action === 'pangea:region-outage');
    assert.ok(outage && outage.endMs !== null, 'the outage ran and ended');
    const affected = report.recoveryTimes.filter((time) => time.affected);
    assert.ok(affected.length > 0, 'some location was affected by the outage');
    for (const time of affected) assert.notEqual(time.sustainedMs, null, `${time.location} recovered`);
    assert.equal(report.recoveryPoints.length, 1);
    assert.equal(report.recoveryPoints[0]?.missingAfterHeal, 0);
    assert.equal(report.convergence.converged, true);
    // Traffic moved: us-east-1 served nobody for a while, and the others served everyone.
    const served = report.series.buckets.filter(
      (bucket) => bucket.tMs > (outage.startMs ?? 0) + 3000 && bucket.tMs < (outage.endMs ?? 0),
    );
    assert.ok(served.length > 0);
    for (const bucket of served) assert.equal(bucket.regionShare['us-east-1'] ?? 0, 0, `t=${bucket.tMs}`);
  });

  test('cross-region-connectivity: every region keeps serving; the isolated writes arrive after', async () => {
    const run = await gameday('cross-region-connectivity');
    assertPassed(run);
    assert.equal(run.report.faults.length, 2);
    assert.equal(run.report.sets.lost.length, 0);
  });

  test('replication-pause: readers elsewhere see stale data until replication resumes', async () => {
    const run = await gameday('replication-pause');
    assertPassed(run);
    assert.ok(run.report.sets.staleReads > 0, 'stale reads during the pause');
    assert.equal(run.report.convergence.converged, true);
  });

  test('app-tier-failure: DNS moves the region users away from the region without app', async () => {
    const run = await gameday('app-tier-failure');
    assertPassed(run);
    const europe = run.report.recoveryTimes.find((time) => time.location === 'europe');
    assert.ok(europe?.affected, 'europe (served by eu-west-1) was affected');
  });

  test('latency-degradation: replication lag rises and recovers, users see no errors', async () => {
    const run = await gameday('latency-degradation');
    assertPassed(run);
    const lags = run.report.series.buckets.map((bucket) => bucket.replicationLagMs['eu-west-1'] ?? 0);
    assert.ok(
      Math.max(...lags) > 300,
      `lag into eu-west-1 rose above the added 300 ms (max ${Math.max(...lags)})`,
    );
  });

  test('concurrent-writes-under-clock-skew: last writer wins discards increments; replicas still converge', async () => {
    const run = await gameday('concurrent-writes-under-clock-skew');
    assertPassed(run);
    const { report } = run;
    assert.ok(report.conflicts.total > 0, 'conflicts recorded');
    const shared = report.counters.find((counter) => counter.counter === 'shared');
    assert.ok(shared, 'the shared counter was checked');
    assert.ok(shared.lostIncrements > 0, `increments lost to last-writer-wins (${JSON.stringify(shared)})`);
    assert.equal(report.sets.lost.length, 0, 'distinct items are never lost');
  });

  test('a broken setup (the table not replicated) fails lost writes and convergence', async () => {
    const scenario = join(dir, 'unreplicated.yaml');
    writeFileSync(
      scenario,
      [
        'name: unreplicated',
        'duration: 10s',
        'data: { replicated: false }',
        'load: { locations: [north-america, europe, south-asia], ratePerClient: 5, mix: { ddb-put: 3, ddb-read: 1 } }',
        'steps:',
        '  - { at: 3s, action: "aws:fis:wait", duration: 2s }',
        'objectives: { lostWrites: 0, convergence: 5s }',
        'settleTimeout: 3s',
      ].join('\n'),
    );
    const run = await gameday(scenario, 'unreplicated');
    assert.equal(run.code, 1, 'a failed objective makes the command fail');
    assert.equal(run.report.passed, false);
    const verdict = (objective: string) =>
      run.report.verdicts.find((candidate) => candidate.objective === objective);
    assert.equal(verdict('lostWrites')?.passed, false, JSON.stringify(run.report.verdicts));
    assert.equal(verdict('convergenceMs')?.passed, false, JSON.stringify(run.report.verdicts));
    assert.equal(run.report.convergence.converged, false);
  });
});
