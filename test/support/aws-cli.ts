/** The real AWS CLI and boto3, pointed at a world with nothing but standard configuration. */
import { spawnSync } from 'node:child_process';

const baseEnv = {
  ...process.env,
  AWS_ACCESS_KEY_ID: 'AKIDPANGEA',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_PAGER: '',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
};

export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function aws(args: string[], env: Record<string, string> = {}): CommandResult {
  const result = spawnSync('aws', args, { env: { ...baseEnv, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function awsJson<T = Record<string, unknown>>(args: string[], env: Record<string, string> = {}): T {
  const result = aws([...args, '--output', 'json'], env);
  if (result.status !== 0)
    throw new Error(`aws ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return (result.stdout.trim() ? JSON.parse(result.stdout) : {}) as T;
}

export function python(script: string, env: Record<string, string> = {}): CommandResult {
  const result = spawnSync('python3', ['-c', script], {
    env: { ...baseEnv, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Seed 000's create-table for UserSessions, verbatim (the endpoint comes from the caller). */
export const seedCreateUserSessionsArgs: readonly string[] = [
  'dynamodb',
  'create-table',
  '--table-name',
  'UserSessions',
  '--attribute-definitions',
  'AttributeName=userId,AttributeType=S',
  '--key-schema',
  'AttributeName=userId,KeyType=HASH',
  '--billing-mode',
  'PAY_PER_REQUEST',
  '--stream-specification',
  'StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES',
  '--region',
  'us-east-1',
];
