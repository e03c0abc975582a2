/** JSON Schema of pangea.yaml (validated with ajv; semantic rules live in validate.ts). */
const port = { type: 'integer', minimum: 1, maximum: 65535 } as const;
const nonNegative = { type: 'number', minimum: 0 } as const;

const services = {
  type: 'object',
  additionalProperties: false,
  properties: {
    dynamodb: { type: 'object', additionalProperties: false, properties: { port } },
    replication: { type: 'object', additionalProperties: false, properties: { port } },
    app: {
      type: 'object',
      additionalProperties: false,
      properties: {
        instances: { type: 'integer', minimum: 0, maximum: 16 },
        basePort: port,
        entry: { type: 'string', minLength: 1, maxLength: 4096 },
      },
    },
    loadBalancer: {
      type: 'object',
      additionalProperties: false,
      properties: {
        port,
        algorithm: { enum: ['round_robin', 'least_outstanding_requests'] },
        healthCheckPath: { type: 'string', pattern: '^/', maxLength: 1024 },
      },
    },
  },
} as const;

export const topologySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    version: { const: 1 },
    name: { type: 'string', minLength: 1, maxLength: 64 },
    regions: {
      type: 'array',
      minItems: 1,
      maxItems: 10,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: { name: { type: 'string' }, services },
      },
    },
    locations: {
      type: 'array',
      minItems: 1,
      maxItems: 32,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'continent', 'country', 'coordinates', 'addressRange'],
        properties: {
          name: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,39}$' },
          continent: { enum: ['AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA'] },
          country: { type: 'string', pattern: '^[A-Z]{2}$' },
          coordinates: {
            type: 'object',
            additionalProperties: false,
            required: ['lat', 'lon'],
            properties: {
              lat: { type: 'number', minimum: -90, maximum: 90 },
              lon: { type: 'number', minimum: -180, maximum: 180 },
            },
          },
          addressRange: { type: 'string' },
          anchorRegion: { type: 'string' },
          accessRttMs: nonNegative,
          rttMs: { type: 'object', additionalProperties: nonNegative },
        },
      },
    },
    wan: {
      type: 'object',
      additionalProperties: false,
      properties: {
        jitterMs: nonNegative,
        lossPct: { type: 'number', minimum: 0, maximum: 100 },
        bandwidthMbps: { anyOf: [{ type: 'number', exclusiveMinimum: 0 }, { type: 'null' }] },
        links: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['from', 'to'],
            properties: {
              from: { type: 'string' },
              to: { type: 'string' },
              latencyMs: nonNegative,
              jitterMs: nonNegative,
              lossPct: { type: 'number', minimum: 0, maximum: 100 },
              bandwidthMbps: { type: 'number', exclusiveMinimum: 0 },
            },
          },
        },
      },
    },
    timing: {
      type: 'object',
      additionalProperties: false,
      properties: {
        profile: { enum: ['aws-defaults', 'fast'] },
        timeScale: { type: 'number', exclusiveMinimum: 0, maximum: 10000 },
        healthCheck: {
          type: 'object',
          additionalProperties: false,
          properties: {
            intervalMs: { type: 'integer', minimum: 100 },
            failureThreshold: { type: 'integer', minimum: 1, maximum: 10 },
            connectTimeoutMs: { type: 'integer', minimum: 10 },
            responseTimeoutMs: { type: 'integer', minimum: 10 },
          },
        },
        dnsTtlSeconds: { type: 'integer', minimum: 0, maximum: 2147483647 },
        accelerator: {
          type: 'object',
          additionalProperties: false,
          properties: {
            healthCheckIntervalMs: { type: 'integer', minimum: 100 },
            thresholdCount: { type: 'integer', minimum: 1, maximum: 10 },
          },
        },
        loadBalancer: {
          type: 'object',
          additionalProperties: false,
          properties: {
            intervalMs: { type: 'integer', minimum: 100 },
            healthyThreshold: { type: 'integer', minimum: 2, maximum: 10 },
            unhealthyThreshold: { type: 'integer', minimum: 2, maximum: 10 },
          },
        },
      },
    },
    services,
    global: {
      type: 'object',
      additionalProperties: false,
      properties: {
        host: { type: 'string', pattern: '^127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}$' },
        adminPort: port,
        edgePort: port,
        dnsPort: port,
        acceleratorPort: port,
        dashboardPort: port,
      },
    },
    // Shapes only: the traffic libraries validate the contents (see traffic.ts).
    traffic: {
      type: 'object',
      additionalProperties: false,
      properties: {
        healthChecks: { type: 'array' },
        hostedZones: { type: 'array' },
        accelerator: { type: 'object' },
      },
    },
  },
} as const;
