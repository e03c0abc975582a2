export { builtInScenarioNames, scenarioPath } from './builtins.js';
export {
  checkAgainstWorld,
  parseDurationMs,
  parseScenarioText,
  type RawScenario,
  readScenarioFile,
  resolveScenario,
  type TimingProfile,
} from './load.js';
