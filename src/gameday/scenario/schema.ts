/** JSON Schema of a game-day scenario file (validated with ajv; semantic rules live in validate.ts). */
import { operationKinds } from '../model.js';

/** `500ms`, `10s`, `1.5m`, `2h`. */
export const durationPattern = '^(0|\\d+(\\.\\d+)?(ms|s|m|h))$';
const durationText = { type: 'string', pattern: durationPattern } as const;
const profileNames = ['fast', 'aws-defaults'] as const;

/** A duration, or one per timing profile (`{ fast: 20s, aws-defaults: 5m }`). */
export const duration = {
  anyOf: [
    durationText,
    {
      type: 'object',
      additionalProperties: false,
      required: [...profileNames],
      properties: Object.fromEntries(profileNames.map((name) => [name, durationText])),
    },
  ],
} as const;

/** `0.5%` or a fraction from 0 to 1. */
const fraction = {
  anyOf: [
    { type: 'string', pattern: '^\\d+(\\.\\d+)?%$' },
    { type: 'number', minimum: 0, maximum: 1 },
  ],
} as const;

const load = {
  type: 'object',
  additionalProperties: false,
  properties: {
    entry: { enum: ['dns', 'accelerator'] },
    locations: {
      anyOf: [
        { const: 'all' },
        { type: 'array', minItems: 1, maxItems: 32, items: { type: 'string', minLength: 1 } },
      ],
    },
    clientsPerLocation: { type: 'integer', minimum: 1, maximum: 50 },
    ratePerClient: { type: 'number', exclusiveMinimum: 0, maximum: 100 },
    requestTimeout: duration,
    counters: { enum: ['shared', 'per-region'] },
    mix: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: Object.fromEntries(operationKinds.map((kind) => [kind, { type: 'number', minimum: 0 }])),
    },
  },
} as const;

const step = {
  type: 'object',
  additionalProperties: false,
  required: ['at', 'action', 'duration'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 80 },
    at: duration,
    action: { type: 'string', minLength: 1 },
    parameters: {
      type: 'object',
      additionalProperties: { type: ['string', 'number'] },
    },
    duration,
  },
} as const;

export const scenarioSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'duration', 'load'],
  properties: {
    version: { const: 1 },
    name: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' },
    description: { type: 'string', maxLength: 2000 },
    profile: { enum: [...profileNames, 'any'] },
    duration,
    seed: { type: 'integer', minimum: 0, maximum: 2147483647 },
    load,
    data: {
      type: 'object',
      additionalProperties: false,
      properties: { replicated: { type: 'boolean' } },
    },
    steps: { type: 'array', maxItems: 50, items: step },
    objectives: {
      type: 'object',
      additionalProperties: false,
      properties: {
        rto: duration,
        rpo: duration,
        errorRate: fraction,
        lostWrites: { type: 'integer', minimum: 0 },
        convergence: duration,
        countersInRange: { type: 'boolean' },
        latencyP99: duration,
      },
    },
    stopConditions: {
      type: 'array',
      maxItems: 10,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['errorRate', 'window'],
        properties: { errorRate: fraction, window: duration },
      },
    },
    settleTimeout: duration,
  },
} as const;
