import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runSimulation, type SimulationOptions } from '../../../src/replication/core/simulation.js';

function runSeeds(seeds: number, options: (seed: number) => Omit<SimulationOptions, 'seed'>) {
  const totals = {
    writes: 0,
    conflicts: 0,
    tombstonesCollected: 0,
    messagesDropped: 0,
    messagesDuplicated: 0,
  };
  for (let seed = 1; seed <= seeds; seed++) {
    const report = runSimulation({ seed, ...options(seed) });
    assert.deepEqual(
      report.violations,
      [],
      `seed ${seed} (${JSON.stringify(report.stats)}): ${report.violations.join('; ')}`,
    );
    for (const name of Object.keys(totals) as Array<keyof typeof totals>) totals[name] += report.stats[name];
  }
  return totals;
}

test('200 seeds × 300 operations: replicas converge by LWW through drops, duplicates, partitions, pauses and skew', () => {
  // Every fourth seed runs with identical clocks, so equal versions and the region tie-break are exercised.
  const totals = runSeeds(200, (seed) => ({ operationCount: 300, clockSkew: seed % 4 !== 0 }));
  assert.equal(totals.writes, 200 * 300);
  assert.ok(totals.conflicts > 0, 'the scenario must actually produce concurrent writes');
  assert.ok(totals.messagesDropped > 0 && totals.messagesDuplicated > 0);
});

test('delete-heavy seeds: tombstones are collected while traffic continues and nothing resurrects', () => {
  const totals = runSeeds(60, (seed) => ({
    operationCount: 400,
    writePhaseMs: 6_000,
    deleteRate: 0.6,
    partitions: seed % 2 === 0,
    pauses: false,
  }));
  assert.ok(totals.tombstonesCollected > 0, 'GC must actually run during these seeds');
});

test('a simulation replays exactly from its seed', () => {
  assert.deepEqual(runSimulation({ seed: 77 }), runSimulation({ seed: 77 }));
});
