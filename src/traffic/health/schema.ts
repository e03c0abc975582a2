/**
 * JSON Schema of one health check (validated with ajv; rules across fields live in validate.ts).
 * Limits are Route 53's: https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html
 */
import { healthCheckTypes } from './types.js';

const boundedString = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength }) as const;

export const healthCheckSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['Id', 'Type'],
  properties: {
    Id: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._:-]+$' },
    Type: { enum: [...healthCheckTypes] },
    TargetRegion: boundedString(64),
    IPAddress: boundedString(45),
    Port: { type: 'integer', minimum: 1, maximum: 65535 },
    ResourcePath: { type: 'string', maxLength: 255 },
    FullyQualifiedDomainName: boundedString(255),
    SearchString: boundedString(255),
    RequestInterval: { enum: [10, 30] },
    FailureThreshold: { type: 'integer', minimum: 1, maximum: 10 },
    MeasureLatency: { type: 'boolean' },
    Inverted: { type: 'boolean' },
    Disabled: { type: 'boolean' },
    HealthThreshold: { type: 'integer', minimum: 0, maximum: 256 },
    ChildHealthChecks: { type: 'array', maxItems: 256, items: boundedString(64) },
    EnableSNI: { type: 'boolean' },
    Regions: { type: 'array', minItems: 3, maxItems: 64, items: boundedString(64) },
    InsufficientDataHealthStatus: { enum: ['Healthy', 'Unhealthy', 'LastKnownStatus'] },
    AlarmIdentifier: {
      type: 'object',
      additionalProperties: false,
      required: ['Region', 'Name'],
      properties: { Region: boundedString(64), Name: boundedString(256) },
    },
    RoutingControlArn: boundedString(255),
  },
} as const;

export const healthChecksSchema = { type: 'array', items: healthCheckSchema } as const;
