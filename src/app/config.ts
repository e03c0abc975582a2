/**
 * The app's configuration: standard AWS settings (region; the SDK itself reads the endpoint and
 * credentials from the environment) plus the app's own settings. Nothing here is specific to
 * where the app runs, so the same build deploys anywhere.
 */
import { hostname } from 'node:os';

export interface AppConfig {
  /** The region this instance runs in (AWS_REGION). */
  region: string;
  /** Every region the app is deployed in (APP_REGIONS); the first one is where setup creates tables. */
  regions: string[];
  instanceId: string;
  host: string;
  port: number;
  tablePrefix: string;
  maxReplicationLagMs: number;
  heartbeatIntervalMs: number;
  sessionTtlSeconds: number;
  /** Run the idempotent table setup in the background at start (APP_AUTO_SETUP=1). */
  autoSetup: boolean;
  logLevel: string;
}

export class ConfigError extends Error {}

const regionPattern = /^[a-z]{2}(-[a-z]+)+-\d+$/;

function integerSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number) {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

function regionSetting(name: string, value: string): string {
  if (!regionPattern.test(value)) throw new ConfigError(`${name}: "${value}" is not a region name`);
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const regionText = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!regionText) throw new ConfigError('AWS_REGION is required');
  const region = regionSetting('AWS_REGION', regionText);
  const listed = (env.APP_REGIONS ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0)
    .map((name) => regionSetting('APP_REGIONS', name));
  // The local region is always part of the deployment, even if APP_REGIONS forgot it.
  const regions = [...new Set([...listed, region])];
  return {
    region,
    regions,
    instanceId: env.APP_INSTANCE_ID || `${hostname()}-${process.pid}`,
    host: env.HOST || '0.0.0.0',
    port: integerSetting(env, 'PORT', 3000, 0, 65535),
    tablePrefix: env.APP_TABLE_PREFIX ?? '',
    maxReplicationLagMs: integerSetting(env, 'APP_MAX_REPLICATION_LAG_MS', 10_000, 1, 3_600_000),
    heartbeatIntervalMs: integerSetting(env, 'APP_HEARTBEAT_INTERVAL_MS', 1000, 100, 60_000),
    sessionTtlSeconds: integerSetting(env, 'APP_SESSION_TTL_SECONDS', 24 * 3600, 1, 30 * 24 * 3600),
    autoSetup: env.APP_AUTO_SETUP === '1' || env.APP_AUTO_SETUP === 'true',
    logLevel: env.LOG_LEVEL || 'info',
  };
}

/** Table names: the seeds' names, optionally prefixed (one account, several deployments). */
export interface TableNames {
  sessions: string;
  products: string;
  carts: string;
  orders: string;
  stock: string;
  heartbeats: string;
}

export function tableNames(prefix: string): TableNames {
  return {
    sessions: `${prefix}UserSessions`,
    products: `${prefix}Products`,
    carts: `${prefix}Carts`,
    orders: `${prefix}Orders`,
    stock: `${prefix}Stock`,
    heartbeats: `${prefix}Heartbeats`,
  };
}

/** The GSI on Orders that lists a user's orders, newest first. */
export const ordersByUserIndex = 'byUser';
