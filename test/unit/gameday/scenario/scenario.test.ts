/** Scenario files: the built-ins load for both timing profiles; mistakes are reported with file:line. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  builtInScenarioNames,
  checkAgainstWorld,
  parseDurationMs,
  parseScenarioText,
  readScenarioFile,
  resolveScenario,
  scenarioPath,
} from '../../../../src/gameday/scenario/index.js';
import { isPangeaError } from '../../../../src/shared/errors.js';

const regions = ['us-east-1', 'eu-west-1', 'ap-south-1'];
const locations = [
  'north-america',
  'south-america',
  'europe',
  'south-asia',
  'east-asia',
  'oceania',
  'north-america-west',
];

function rejects(text: string, code: string, pattern: RegExp): void {
  assert.throws(
    () => parseScenarioText(text, 'broken.yaml'),
    (error: unknown) => {
      assert.ok(isPangeaError(error), String(error));
      assert.equal(error.code, code);
      assert.match(error.message, pattern);
      return true;
    },
  );
}

describe('built-in scenarios', () => {
  test('the six scenarios the issue names are built in', () => {
    assert.deepEqual(builtInScenarioNames(), [
      'app-tier-failure',
      'concurrent-writes-under-clock-skew',
      'cross-region-connectivity',
      'latency-degradation',
      'region-outage',
      'replication-pause',
    ]);
  });

  for (const name of builtInScenarioNames()) {
    for (const profile of ['fast', 'aws-defaults'] as const) {
      test(`${name} resolves for ${profile} and fits the default world`, () => {
        const path = scenarioPath(name);
        const scenario = resolveScenario(readScenarioFile(path), path, profile);
        assert.equal(scenario.name, name);
        assert.equal(scenario.profile, profile);
        assert.ok(scenario.steps.length > 0);
        for (const step of scenario.steps) assert.ok(step.atMs < scenario.durationMs);
        if (profile === 'fast') assert.ok(scenario.durationMs <= 30_000, 'fast runs stay small for CI');
        checkAgainstWorld(scenario, regions, locations);
      });
    }
  }
});

describe('scenario files', () => {
  test('durations take ms, s, m and h', () => {
    assert.equal(parseDurationMs('250ms'), 250);
    assert.equal(parseDurationMs('1.5s'), 1500);
    assert.equal(parseDurationMs('2m'), 120_000);
    assert.equal(parseDurationMs('1h'), 3_600_000);
    assert.equal(parseDurationMs('0'), 0);
  });

  test('a duration can differ per timing profile', () => {
    const raw = parseScenarioText(
      'name: x\nduration: { fast: 20s, aws-defaults: 5m }\nload: {}\nobjectives: { rto: { fast: 5s, aws-defaults: 3m } }\n',
      'x.yaml',
    );
    assert.equal(resolveScenario(raw, 'x.yaml', 'fast').durationMs, 20_000);
    assert.equal(resolveScenario(raw, 'x.yaml', 'aws-defaults').objectives.rtoMs, 180_000);
  });

  test('defaults fill what a scenario leaves out', () => {
    const scenario = resolveScenario(
      parseScenarioText('name: x\nduration: 10s\nload: {}\n', 'x.yaml'),
      'x.yaml',
      'fast',
    );
    assert.equal(scenario.load.entry, 'dns');
    assert.equal(scenario.load.locations, 'all');
    assert.equal(scenario.data.replicated, true);
    assert.deepEqual(scenario.steps, []);
    assert.deepEqual(scenario.objectives, {});
  });

  test('percentages and fractions both work for error rates', () => {
    const scenario = resolveScenario(
      parseScenarioText(
        'name: x\nduration: 10s\nload: {}\nobjectives: { errorRate: 0.5% }\nstopConditions: [{ errorRate: 0.9, window: 5s }]\n',
        'x.yaml',
      ),
      'x.yaml',
      'fast',
    );
    assert.equal(scenario.objectives.errorRate, 0.005);
    assert.deepEqual(scenario.stopConditions, [{ errorRate: 0.9, windowMs: 5000 }]);
  });

  test('an unknown field is reported with its line and a suggestion', () => {
    rejects(
      'name: x\nduration: 10s\nload:\n  clientsPerLocaton: 2\n',
      'ScenarioInvalid',
      /broken\.yaml:4 load\.clientsPerLocaton: unknown field.*clientsPerLocation/,
    );
  });

  test('a bad duration is reported', () => {
    rejects('name: x\nduration: ten seconds\nload: {}\n', 'ScenarioInvalid', /broken\.yaml:2 duration/);
  });

  test('an unknown fault action is reported with a suggestion', () => {
    rejects(
      'name: x\nduration: 10s\nload: {}\nsteps:\n  - { at: 1s, action: "pangea:region-outag", duration: 2s }\n',
      'ScenarioInvalid',
      /broken\.yaml:5 steps\[0\]\.action: unknown fault action.*pangea:region-outage/,
    );
  });

  test('a step after the end of the load is reported', () => {
    rejects(
      'name: x\nduration: 10s\nload: {}\nsteps:\n  - { at: 12s, action: "aws:fis:wait", duration: 2s }\n',
      'ScenarioInvalid',
      /steps\[0\]\.at: must be before the end/,
    );
  });

  test('YAML syntax errors carry the line', () => {
    rejects('name: x\nduration: [10s\n', 'ScenarioInvalid', /broken\.yaml:\d/);
  });

  test('unknown regions and locations are caught before the run', () => {
    const scenario = resolveScenario(
      parseScenarioText(
        'name: x\nduration: 10s\nload: { locations: [europa] }\nsteps:\n  - { at: 1s, action: "pangea:region-outage", parameters: { region: us-east-2 }, duration: 2s }\n',
        'x.yaml',
      ),
      'x.yaml',
      'fast',
    );
    assert.throws(
      () => checkAgainstWorld(scenario, regions, locations),
      (error: unknown) => {
        assert.ok(isPangeaError(error));
        assert.equal(error.code, 'ScenarioInvalid');
        assert.match(error.message, /unknown location "europa".*europe/);
        assert.match(error.message, /steps\[0\].*us-east-2/);
        return true;
      },
    );
  });

  test('an unknown scenario name lists the built-ins', () => {
    assert.throws(() => scenarioPath('region-outages'), /unknown scenario "region-outages".*region-outage/);
  });
});
