/** The built-in scenarios: YAML files in the package's scenarios/ folder, found by name. */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PangeaError } from '../../shared/errors.js';
import { didYouMean } from '../../shared/text.js';

/** From src/gameday/scenario (or its compiled twin one level deeper) up to the package root. */
function scenariosDir(): string {
  for (const up of ['../../../scenarios/', '../../../../scenarios/']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(dir)) return dir;
  }
  throw new PangeaError(
    'ScenarioUnreadable',
    'the built-in scenarios folder is missing from this installation',
  );
}

export function builtInScenarioNames(): string[] {
  return readdirSync(scenariosDir())
    .filter((file) => file.endsWith('.yaml'))
    .map((file) => file.slice(0, -'.yaml'.length))
    .sort();
}

/**
 * A scenario argument is a file path when it names an existing file or ends in .yaml/.yml;
 * otherwise it must be a built-in scenario's name.
 */
export function scenarioPath(nameOrPath: string): string {
  if (existsSync(nameOrPath) || /\.ya?ml$/.test(nameOrPath)) return nameOrPath;
  const names = builtInScenarioNames();
  if (!names.includes(nameOrPath))
    throw new PangeaError(
      'UnknownScenario',
      `unknown scenario "${nameOrPath}"${didYouMean(nameOrPath, names)} (built in: ${names.join(', ')}; or give a .yaml file)`,
    );
  return `${scenariosDir()}${nameOrPath}.yaml`;
}
