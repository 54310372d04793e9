import path from 'node:path';

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
  /** How often the reconciler Schedule looks for bookings whose workflow is closed or missing. */
  reconcileIntervalSeconds: number;
  /** Hosts or host:port that webhooks and callbacks may reach even if internal. */
  webhookAllowedHosts: string[];
  /** Plain http targets for webhooks and callbacks; off by default in production. */
  webhookAllowHttp: boolean;
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

function positiveIntFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number of at least 1, got "${raw}"`);
  return value;
}

function booleanFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
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
    reconcileIntervalSeconds: positiveIntFromEnv(env, 'RECONCILE_INTERVAL_SECONDS', 60),
    webhookAllowedHosts: (env.WEBHOOK_ALLOWED_HOSTS ?? '').split(',').map((entry) => entry.trim()).filter(Boolean),
    webhookAllowHttp: booleanFromEnv(env, 'WEBHOOK_ALLOW_HTTP', env.NODE_ENV !== 'production'),
  };
}
