/** Game days: faults, scenarios, world-wide load, checkers and reports (see README "Game days"). */
export { type GamedayOptions, type GamedayResult, runGameday } from './engine/run.js';
export type { GamedayReport, RunRecord } from './model.js';
export { renderTextSummary } from './report/index.js';
export { builtInScenarioNames, parseScenarioText, readScenarioFile, scenarioPath } from './scenario/index.js';
