/**
 * Reading and checking the schema parts shared by CreateTable and UpdateTable: key schemas,
 * attribute definitions, index definitions, projections and throughput.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html#limits-secondary-indexes
 */
import type { AttributeDefinition, KeySchemaElement, Projection } from '../../model.js';
import { type Constraints, invalidParameters, member, strings, structures } from './validation.js';

export const keyTypes = ['HASH', 'RANGE'] as const;
export const attributeTypes = ['B', 'N', 'S'] as const;
export const projectionTypes = ['ALL', 'KEYS_ONLY', 'INCLUDE'] as const;
export const billingModes = ['PROVISIONED', 'PAY_PER_REQUEST'] as const;
export const streamViewTypes = ['NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES', 'KEYS_ONLY'] as const;
export const tableClasses = ['STANDARD', 'STANDARD_INFREQUENT_ACCESS'] as const;
export const sseTypes = ['AES256', 'KMS'] as const;

export const maxGlobalIndexes = 20;
export const maxLocalIndexes = 5;
export const maxProjectedAttributes = 100;

export interface KeyElementInput {
  AttributeName?: string;
  KeyType?: string;
}

export interface AttributeDefinitionInput {
  AttributeName?: string;
  AttributeType?: string;
}

export interface ThroughputInput {
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

export interface OnDemandInput {
  MaxReadRequestUnits?: number;
  MaxWriteRequestUnits?: number;
}

export interface ProjectionInput {
  ProjectionType?: string;
  NonKeyAttributes?: string[];
}

export interface IndexInput {
  IndexName?: string;
  KeySchema?: KeyElementInput[];
  Projection?: ProjectionInput;
  ProvisionedThroughput?: ThroughputInput;
  OnDemandThroughput?: OnDemandInput;
}

export function readKeySchema(input: unknown, name = 'KeySchema'): KeyElementInput[] | undefined {
  return structures(input, name)?.map((element) => ({
    AttributeName: member(element, 'AttributeName', 'string'),
    KeyType: member(element, 'KeyType', 'string'),
  }));
}

export function readAttributeDefinitions(input: unknown): AttributeDefinitionInput[] | undefined {
  return structures(input, 'AttributeDefinitions')?.map((element) => ({
    AttributeName: member(element, 'AttributeName', 'string'),
    AttributeType: member(element, 'AttributeType', 'string'),
  }));
}

export function readThroughput(input: unknown, name = 'ProvisionedThroughput'): ThroughputInput | undefined {
  const throughput = member(input, name, 'structure');
  if (!throughput) return undefined;
  return {
    ReadCapacityUnits: member(throughput, 'ReadCapacityUnits', 'number'),
    WriteCapacityUnits: member(throughput, 'WriteCapacityUnits', 'number'),
  };
}

export function readOnDemand(input: unknown): OnDemandInput | undefined {
  const throughput = member(input, 'OnDemandThroughput', 'structure');
  if (!throughput) return undefined;
  return {
    MaxReadRequestUnits: member(throughput, 'MaxReadRequestUnits', 'number'),
    MaxWriteRequestUnits: member(throughput, 'MaxWriteRequestUnits', 'number'),
  };
}

function readProjection(input: unknown): ProjectionInput | undefined {
  const projection = member(input, 'Projection', 'structure');
  if (!projection) return undefined;
  return {
    ProjectionType: member(projection, 'ProjectionType', 'string'),
    NonKeyAttributes: strings(projection, 'NonKeyAttributes'),
  };
}

export function readIndex(input: unknown): IndexInput {
  return {
    IndexName: member(input, 'IndexName', 'string'),
    KeySchema: readKeySchema(input),
    Projection: readProjection(input),
    ProvisionedThroughput: readThroughput(input),
    OnDemandThroughput: readOnDemand(input),
  };
}

export function readIndexes(input: unknown, name: string): IndexInput[] | undefined {
  return structures(input, name)?.map(readIndex);
}

// ---- stage 1: constraints ----------------------------------------------------------------------

export function checkKeySchema(
  constraints: Constraints,
  path: string,
  keySchema: KeyElementInput[] | undefined,
): void {
  if (!constraints.required(path, keySchema) || !keySchema) return;
  constraints.length(path, keySchema, 1, 2);
  keySchema.forEach((element, position) => {
    const elementPath = `${path}.${position + 1}.member`;
    if (constraints.required(`${elementPath}.attributeName`, element.AttributeName)) {
      constraints.length(`${elementPath}.attributeName`, element.AttributeName, 1, 255);
    }
    if (constraints.required(`${elementPath}.keyType`, element.KeyType)) {
      constraints.oneOf(`${elementPath}.keyType`, element.KeyType, keyTypes);
    }
  });
}

export function checkAttributeDefinitions(
  constraints: Constraints,
  definitions: AttributeDefinitionInput[] | undefined,
): void {
  if (!constraints.required('attributeDefinitions', definitions) || !definitions) return;
  definitions.forEach((definition, position) => {
    const path = `attributeDefinitions.${position + 1}.member`;
    if (constraints.required(`${path}.attributeName`, definition.AttributeName)) {
      constraints.length(`${path}.attributeName`, definition.AttributeName, 1, 255);
    }
    if (constraints.required(`${path}.attributeType`, definition.AttributeType)) {
      constraints.oneOf(`${path}.attributeType`, definition.AttributeType, attributeTypes);
    }
  });
}

export function checkThroughput(
  constraints: Constraints,
  path: string,
  throughput: ThroughputInput | undefined,
): void {
  if (!throughput) return;
  if (constraints.required(`${path}.readCapacityUnits`, throughput.ReadCapacityUnits)) {
    constraints.range(`${path}.readCapacityUnits`, throughput.ReadCapacityUnits, 1);
  }
  if (constraints.required(`${path}.writeCapacityUnits`, throughput.WriteCapacityUnits)) {
    constraints.range(`${path}.writeCapacityUnits`, throughput.WriteCapacityUnits, 1);
  }
}

function checkProjection(
  constraints: Constraints,
  path: string,
  projection: ProjectionInput | undefined,
): void {
  if (!constraints.required(path, projection) || !projection) return;
  constraints.oneOf(`${path}.projectionType`, projection.ProjectionType, projectionTypes);
  constraints.length(`${path}.nonKeyAttributes`, projection.NonKeyAttributes, 1, 20);
}

/** Constraints of one GSI or LSI definition at `path` (e.g. `globalSecondaryIndexes.1.member`). */
export function checkIndex(constraints: Constraints, path: string, index: IndexInput, global: boolean): void {
  if (constraints.required(`${path}.indexName`, index.IndexName))
    constraints.name(`${path}.indexName`, index.IndexName);
  checkKeySchema(constraints, `${path}.keySchema`, index.KeySchema);
  checkProjection(constraints, `${path}.projection`, index.Projection);
  if (global) checkThroughput(constraints, `${path}.provisionedThroughput`, index.ProvisionedThroughput);
}

// ---- stage 2: semantics ------------------------------------------------------------------------

/** AWS's key schema rules, shared by tables and indexes; undefined when valid. */
export function keySchemaProblem(keySchema: readonly KeyElementInput[]): string | undefined {
  const [hash, range] = keySchema;
  if (hash?.KeyType !== 'HASH') return 'Invalid KeySchema: The first KeySchemaElement is not a HASH key type';
  if (range && range.KeyType !== 'RANGE')
    return 'Invalid KeySchema: The second KeySchemaElement is not a RANGE key type';
  if (range && range.AttributeName === hash.AttributeName) {
    return 'Both the Hash Key and the Range Key element in the KeySchema have the same name';
  }
  return undefined;
}

/** Projection rules of one index; undefined when valid. */
export function projectionProblem(projection: ProjectionInput): string | undefined {
  const type = projection.ProjectionType;
  const nonKey = projection.NonKeyAttributes;
  if (type === 'INCLUDE' && !nonKey) {
    return `${invalidParameters}ProjectionType is INCLUDE, but NonKeyAttributes is not specified`;
  }
  if (type !== 'INCLUDE' && nonKey) {
    return `${invalidParameters}ProjectionType is ${type ?? 'null'}, but NonKeyAttributes is specified`;
  }
  if (nonKey && new Set(nonKey).size !== nonKey.length) {
    return `${invalidParameters}Duplicate attributes in NonKeyAttributes`;
  }
  return undefined;
}

/** Projected non-key attributes across indexes (each distinct name per index counts once). */
export function projectedAttributeCount(projections: readonly (ProjectionInput | Projection)[]): number {
  return projections.reduce(
    (total, projection) => total + new Set(projection.NonKeyAttributes ?? []).size,
    0,
  );
}

export function projectedAttributesProblem(count: number): string | undefined {
  if (count <= maxProjectedAttributes) return undefined;
  return `${invalidParameters}Number of projected attributes in all indexes exceeds limit of ${maxProjectedAttributes}, number of projected attributes:${count}`;
}

export const toKeySchema = (keySchema: readonly KeyElementInput[]): KeySchemaElement[] =>
  keySchema.map((element) => ({
    AttributeName: element.AttributeName ?? '',
    KeyType: element.KeyType === 'RANGE' ? 'RANGE' : 'HASH',
  }));

export const toAttributeDefinitions = (
  definitions: readonly AttributeDefinitionInput[],
): AttributeDefinition[] =>
  definitions.map((definition) => ({
    AttributeName: definition.AttributeName ?? '',
    AttributeType: (definition.AttributeType ?? 'S') as AttributeDefinition['AttributeType'],
  }));

export function toProjection(projection: ProjectionInput): Projection {
  const result: Projection = {
    ProjectionType: (projection.ProjectionType ?? 'ALL') as Projection['ProjectionType'],
  };
  if (projection.NonKeyAttributes) result.NonKeyAttributes = [...projection.NonKeyAttributes];
  return result;
}

export const toThroughput = (
  throughput: ThroughputInput,
): { ReadCapacityUnits: number; WriteCapacityUnits: number } => ({
  ReadCapacityUnits: throughput.ReadCapacityUnits ?? 0,
  WriteCapacityUnits: throughput.WriteCapacityUnits ?? 0,
});

export function toOnDemand(throughput: OnDemandInput | undefined): OnDemandInput | undefined {
  if (!throughput) return undefined;
  const result: OnDemandInput = {};
  if (throughput.MaxReadRequestUnits !== undefined)
    result.MaxReadRequestUnits = throughput.MaxReadRequestUnits;
  if (throughput.MaxWriteRequestUnits !== undefined)
    result.MaxWriteRequestUnits = throughput.MaxWriteRequestUnits;
  return result;
}
