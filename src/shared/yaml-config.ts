/**
 * Reads a YAML configuration file in three passes (YAML syntax, a JSON Schema with ajv, then the
 * caller's semantic rules) and reports every problem at once as `file:line path: message`, so a
 * user fixes the file in one pass. Shared by pangea.yaml and game-day scenario files.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { type Document, isMap, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { PangeaError } from './errors.js';
import { didYouMean } from './text.js';

export type PathSegment = string | number;

export interface Problem {
  path: PathSegment[];
  message: string;
}

const ajv = new Ajv({ allErrors: true, strict: false });

export function formatPath(path: readonly PathSegment[]): string {
  return path.reduce<string>((text, segment) => {
    if (typeof segment === 'number') return `${text}[${segment}]`;
    return text ? `${text}.${segment}` : segment;
  }, '');
}

export interface YamlConfigKind<Raw> {
  /** The JSON Schema the document must match. */
  schema: object;
  /** Rules the schema cannot express; run only when the schema passes. */
  semanticProblems(raw: Raw): Problem[];
  /** Error code for every problem, e.g. TopologyInvalid. */
  errorCode: string;
}

const compiled = new WeakMap<object, ValidateFunction>();

function validatorOf(schema: object): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/** Parses and validates; answers the plain JS value or throws PangeaError(kind.errorCode). */
export function parseYamlConfig<Raw>(text: string, sourceName: string, kind: YamlConfigKind<Raw>): Raw {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    const lines = document.errors.map((error) => {
      const line = error.linePos?.[0]?.line ?? lineCounter.linePos(error.pos[0]).line;
      return `${sourceName}:${line} ${error.message.split('\n')[0]}`;
    });
    throw new PangeaError(kind.errorCode, lines.join('\n'));
  }
  const raw = (document.toJS() ?? {}) as unknown;
  const validate = validatorOf(kind.schema);
  const problems = validate(raw)
    ? kind.semanticProblems(raw as Raw)
    : schemaProblems(validate.errors ?? [], kind.schema);
  if (problems.length > 0) {
    const lines = problems.map((problem) => {
      const line = lineOf(document, lineCounter, problem.path);
      return `${sourceName}:${line} ${formatPath(problem.path) || '(top level)'}: ${problem.message}`;
    });
    throw new PangeaError(kind.errorCode, [...new Set(lines)].join('\n'));
  }
  return raw as Raw;
}

function schemaProblems(errors: ErrorObject[], schema: object): Problem[] {
  const problems = errors
    .filter((error) => error.keyword !== 'anyOf' && error.keyword !== 'if')
    .map((error) => schemaProblem(error, schema));
  // A value that fails several alternatives yields several errors for one path: keep the first.
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = formatPath(problem.path);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function schemaProblem(error: ErrorObject, schema: object): Problem {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((segment) =>
      /^\d+$/.test(segment) ? Number(segment) : segment.replace(/~1/g, '/').replace(/~0/g, '~'),
    );
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperty':
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      const allowed = Object.keys(propertiesAt(schema, path));
      return { path: [...path, field], message: `unknown field "${field}"${didYouMean(field, allowed)}` };
    }
    case 'required':
      return { path, message: `missing required field "${String(params.missingProperty)}"` };
    case 'enum':
      return { path, message: `must be one of ${(params.allowedValues as unknown[]).join(', ')}` };
    case 'const':
      return { path, message: `must be ${JSON.stringify(params.allowedValue)}` };
    default:
      return { path, message: error.message ?? 'is invalid' };
  }
}

/** The schema's properties at a data path, for suggesting the field the user meant. */
function propertiesAt(schema: object, path: PathSegment[]): Record<string, unknown> {
  let node = schema as Record<string, unknown>;
  for (const segment of path) {
    const next: unknown =
      typeof segment === 'number'
        ? node.items
        : (node.properties as Record<string, unknown> | undefined)?.[segment];
    if (!next || typeof next !== 'object') return {};
    node = next as Record<string, unknown>;
  }
  return (node.properties as Record<string, unknown> | undefined) ?? {};
}

/** Line of the deepest node that exists along the path (a missing field points at its parent). */
function lineOf(document: Document, lineCounter: LineCounter, path: PathSegment[]): number {
  let node: unknown = document.contents;
  let offset = (document.contents as Node | null)?.range?.[0] ?? 0;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => String((item.key as { value?: unknown })?.value ?? item.key) === segment,
      );
      if (!pair) break;
      offset = (pair.key as Node | null)?.range?.[0] ?? offset;
      node = pair.value;
      if ((node as Node | null)?.range && !isMap(node) && !isSeq(node))
        offset = (node as Node).range?.[0] ?? offset;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return lineCounter.linePos(offset).line;
}
