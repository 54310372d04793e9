import path from 'node:path';
import { defaultLogFormat } from './telemetry/logger';

/** Every setting comes from the environment; these are the defaults a newcomer gets. */
export interface Config {
  port: number;
  dataDir: string;
  databaseUrl: string | null;
  pgPort: number;
  temporalAddress: string | null;
  temporalNamespace: string;
  temporalPort: number;
  temporalUiPort: number;
  temporalCliPath: string | null;
  taskQueue: string;
  devApiKey: string | null;
  manageTokenSecret: string | null;
  smtpUrl: string | null;
  mailFrom: string;
  logLevel: string;
  workerMetricsPort: number;
  rateLimitApiKeyPerMinute: number;
  rateLimitManageTokenPerMinute: number;
  temporalMetricsPort: number;
  logFormat: 'json' | 'pretty';
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Error(`${name} must be a port number, got "${raw}"`);
  }
  return value;
}

function countFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number (0 = unlimited), got "${raw}"`);
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: intFromEnv(env, 'PORT', 3000),
    dataDir: path.resolve(env.DATA_DIR || '.data'),
    databaseUrl: env.DATABASE_URL || null,
    pgPort: intFromEnv(env, 'PG_PORT', 54329),
    temporalAddress: env.TEMPORAL_ADDRESS || null,
    temporalNamespace: env.TEMPORAL_NAMESPACE || 'default',
    temporalPort: intFromEnv(env, 'TEMPORAL_PORT', 7233),
    temporalUiPort: intFromEnv(env, 'TEMPORAL_UI_PORT', 8233),
    temporalCliPath: env.TEMPORAL_CLI_PATH || null,
    taskQueue: env.TEMPORAL_TASK_QUEUE || 'bookings',
    devApiKey: env.DEV_API_KEY || null,
    manageTokenSecret: env.MANAGE_TOKEN_SECRET || null,
    smtpUrl: env.SMTP_URL || null,
    mailFrom: env.MAIL_FROM || 'Bookings <bookings@localhost>',
    logLevel: env.LOG_LEVEL || 'info',
    workerMetricsPort: intFromEnv(env, 'WORKER_METRICS_PORT', 0),
    rateLimitApiKeyPerMinute: countFromEnv(env, 'RATE_LIMIT_API_KEY_PER_MINUTE', 1200),
    rateLimitManageTokenPerMinute: countFromEnv(env, 'RATE_LIMIT_MANAGE_TOKEN_PER_MINUTE', 60),
    temporalMetricsPort: intFromEnv(env, 'TEMPORAL_METRICS_PORT', 0),
    logFormat: env.LOG_FORMAT === 'json' || env.LOG_FORMAT === 'pretty' ? env.LOG_FORMAT : defaultLogFormat(env),
  };
}
