/**
 * Reads pangea.yaml: YAML syntax, then the JSON Schema, then the semantic rules, all problems at
 * once as `file:line path: message` (src/shared/yaml-config.ts).
 */
import { readFileSync } from 'node:fs';
import { PangeaError } from '../../shared/errors.js';
import { parseYamlConfig } from '../../shared/yaml-config.js';
import { defaultTopologyYaml } from './defaults.js';
import { type RawTopology, resolveTopology } from './resolve.js';
import { topologySchema } from './schema.js';
import type { Topology } from './types.js';
import { semanticProblems } from './validate.js';

export type { PathSegment, Problem } from '../../shared/yaml-config.js';
export { formatPath } from '../../shared/yaml-config.js';

export function loadTopologyFile(path: string): Topology {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new PangeaError(
      'TopologyUnreadable',
      `${path}: cannot read the topology file (${(error as Error).message})`,
    );
  }
  return parseTopology(text, path);
}

export function defaultTopology(): Topology {
  return parseTopology(defaultTopologyYaml, 'pangea.yaml (built-in default)');
}

export function parseTopology(text: string, sourceName: string): Topology {
  const raw = parseYamlConfig<RawTopology>(text, sourceName, {
    schema: topologySchema,
    semanticProblems,
    errorCode: 'TopologyInvalid',
  });
  return resolveTopology(raw, sourceName);
}
