import path from 'node:path';
import { z } from 'zod';
import { defaultLogFormat } from './telemetry/logger';

/**
 * Every setting comes from the environment; these are the defaults a newcomer gets. Each variable is
 * read by a zod schema, a bad value is refused naming the variable, and a production process
 * (`NODE_ENV=production`) refuses settings that are only safe on a developer's machine.
 */
export interface Config {
  production: boolean;
  host: string;
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
  /** Where customers reach the booking and manage pages; the manage links in e-mails start with it. */
  publicUrl: string;
  /** How often the reconciler Schedule looks for bookings whose workflow is closed or missing. */
  reconcileIntervalSeconds: number;
  /** How often the reconciler's full sweep reads every live booking (what its passes cannot see). */
  reconcileSweepIntervalSeconds: number;
  /** How often the retention Schedule anonymizes ended bookings past their organization's retention_days. */
  retentionIntervalSeconds: number;
  /** Hosts or host:port that webhooks and callbacks may reach even if internal. */
  webhookAllowedHosts: string[];
  /** Plain http targets for webhooks and callbacks; off by default in production. */
  webhookAllowHttp: boolean;
  shutdownTimeoutMs: number;
  workerHealthPort: number | null;
  bootstrapOrgName: string | null;
  bootstrapApiKey: string | null;
  logLevel: string;
  workerMetricsPort: number;
  rateLimitApiKeyPerMinute: number;
  rateLimitManageTokenPerMinute: number;
  /** Requests a minute per client address to the manage pages and the codec. */
  rateLimitAddressPerMinute: number;
  /** Refused credentials a minute per client address before that address is refused outright. */
  rateLimitFailedAuthPerMinute: number;
  /**
   * Which proxies in front of the API are believed about the client's address (X-Forwarded-For), as
   * Express's `trust proxy` takes it: a hop count, or the proxies' addresses and subnets. null: none,
   * so the address is the socket's peer.
   */
  trustProxy: number | string[] | null;
  /** The API's /metrics only with this bearer token; null: no token asked. */
  metricsToken: string | null;
  /** The API's /metrics on this port of its own (and not on PORT); null: on PORT. */
  metricsPort: number | null;
  /** Where rate limits count: PostgreSQL (shared by the API replicas) or this process's memory. */
  rateLimitStore: 'postgres' | 'memory';
  temporalMetricsPort: number;
  logFormat: 'json' | 'pretty';
}

/** The whole list of what is wrong, each line starting with the variable's name. */
export class ConfigError extends Error {
  constructor(readonly problems: Array<{ variable: string; message: string }>) {
    super(`invalid configuration:\n${problems.map(({ variable, message }) => `  ${variable}: ${message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const portNumber = z.coerce.number().int().min(0).max(65535);
const positiveSeconds = z.coerce.number().positive().max(3600);
const wholeSecondsAtLeastOne = z.coerce.number().int('must be a whole number').min(1, 'must be at least 1');
const text = z.string().min(1);
const wholeCount = z.coerce.number().int('must be a whole number').min(0, 'must be 0 (unlimited) or more');
const flag = z.enum(['true', 'false', '1', '0'], 'must be true or false').transform((value) => value === 'true' || value === '1');
// The `sk_` prefix is how authentication tells an API key from a manage token (`mt_`).
const bootstrapKey = z.string().regex(/^sk_[A-Za-z0-9_-]{32,}$/, 'must be "sk_" and at least 32 URL-safe characters, e.g. sk_$(openssl rand -hex 24)');

/**
 * A hop count, or a comma-separated list of addresses, subnets (CIDR) and Express's names
 * (`loopback`, `linklocal`, `uniquelocal`). `true` is refused: it believes whatever address any
 * client writes into X-Forwarded-For, which would let one client pose as many to the limits.
 */
const PROXY_NAME = /^(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?)$/;
const trustedProxies = z.string().transform((value, context): number | string[] => {
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
  const wrong = entries.find((entry) => !PROXY_NAME.test(entry));
  if (entries.length === 0 || wrong !== undefined) {
    context.addIssue({ code: 'custom', message: `must be a hop count or the proxies' addresses/subnets (e.g. 10.0.0.0/8,loopback)${wrong ? `; "${wrong}" is neither` : ''}` });
    return z.NEVER;
  }
  return entries;
});

/** Values from examples and templates; a secret anyone can read in a repository signs nothing. */
const PLACEHOLDER_SECRETS = /^(change[-_ ]?me.*|changeit|secret|password|example.*|replace[-_ ]?me.*|your[-_ ].*|x+|0+|todo)$/i;
export const MIN_SECRET_BYTES = 32;

type Problems = Array<{ variable: string; message: string }>;

function reader(env: NodeJS.ProcessEnv, problems: Problems) {
  /** An unset or empty variable takes the fallback; a set one must satisfy the schema. */
  return function read<T, F extends T | null>(name: string, schema: z.ZodType<T>, fallback: F): T | F {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    problems.push({ variable: name, message: `${parsed.error.issues[0]?.message ?? 'invalid'} (got "${raw}")` });
    return fallback;
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: Problems = [];
  const read = reader(env, problems);
  const config: Config = {
    production: env.NODE_ENV === 'production',
    host: read('HOST', text, '127.0.0.1'),
    port: read('PORT', portNumber, 3000),
    dataDir: path.resolve(env.DATA_DIR || '.data'),
    databaseUrl: read('DATABASE_URL', z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'), null),
    pgPort: read('PG_PORT', portNumber, 54329),
    temporalAddress: read('TEMPORAL_ADDRESS', z.string().regex(/^[^\s:/]+:\d+$/, 'must be host:port'), null),
    temporalNamespace: env.TEMPORAL_NAMESPACE || 'default',
    temporalPort: read('TEMPORAL_PORT', portNumber, 7233),
    temporalUiPort: read('TEMPORAL_UI_PORT', portNumber, 8233),
    temporalCliPath: env.TEMPORAL_CLI_PATH || null,
    taskQueue: env.TEMPORAL_TASK_QUEUE || 'bookings',
    devApiKey: env.DEV_API_KEY || null,
    manageTokenSecret: env.MANAGE_TOKEN_SECRET || null,
    smtpUrl: read('SMTP_URL', z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL'), null),
    mailFrom: env.MAIL_FROM || 'Bookings <bookings@localhost>',
    publicUrl: read('PUBLIC_URL', z.string().regex(/^https?:\/\//, 'must be an http(s):// URL'), null) ?? `http://localhost:${env.PORT || 3000}`,
    reconcileIntervalSeconds: read('RECONCILE_INTERVAL_SECONDS', wholeSecondsAtLeastOne, 60),
    reconcileSweepIntervalSeconds: read('RECONCILE_SWEEP_INTERVAL_SECONDS', wholeSecondsAtLeastOne, 6 * 3600),
    retentionIntervalSeconds: read('RETENTION_INTERVAL_SECONDS', wholeSecondsAtLeastOne, 3600),
    shutdownTimeoutMs: read('SHUTDOWN_TIMEOUT_SECONDS', positiveSeconds, 25) * 1000,
    workerHealthPort: read('WORKER_HEALTH_PORT', portNumber, null),
    bootstrapOrgName: env.BOOTSTRAP_ORG_NAME || null,
    bootstrapApiKey: read('BOOTSTRAP_API_KEY', bootstrapKey, null),
    // One allow-list for every outbound call (webhooks, callbacks, calendars); the old name still counts.
    webhookAllowedHosts: [env.OUTBOUND_ALLOWED_HOSTS, env.WEBHOOK_ALLOWED_HOSTS].join(',').split(',').map((entry) => entry.trim()).filter(Boolean),
    webhookAllowHttp: read('WEBHOOK_ALLOW_HTTP', flag, env.NODE_ENV !== 'production'),
    logLevel: read('LOG_LEVEL', z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info'),
    workerMetricsPort: read('WORKER_METRICS_PORT', portNumber, 0),
    rateLimitApiKeyPerMinute: read('RATE_LIMIT_API_KEY_PER_MINUTE', wholeCount, 1200),
    rateLimitManageTokenPerMinute: read('RATE_LIMIT_MANAGE_TOKEN_PER_MINUTE', wholeCount, 60),
    rateLimitAddressPerMinute: read('RATE_LIMIT_ADDRESS_PER_MINUTE', wholeCount, 300),
    rateLimitFailedAuthPerMinute: read('RATE_LIMIT_FAILED_AUTH_PER_MINUTE', wholeCount, 20),
    trustProxy: read('TRUST_PROXY', trustedProxies, null),
    metricsToken: read('METRICS_TOKEN', z.string().min(16, 'must be at least 16 characters'), null),
    metricsPort: read('METRICS_PORT', portNumber, null),
    rateLimitStore: read('RATE_LIMIT_STORE', z.enum(['postgres', 'memory'], 'must be postgres or memory'), 'postgres'),
    temporalMetricsPort: read('TEMPORAL_METRICS_PORT', portNumber, 0),
    logFormat: read('LOG_FORMAT', z.enum(['json', 'pretty']), defaultLogFormat(env)),
  };
  if (config.production) problems.push(...unsafeInProduction(config));
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** What `npm start` may generate or accept for convenience, and a production process must not. */
function unsafeInProduction(config: Config): Problems {
  const problems: Problems = [];
  const secret = config.manageTokenSecret;
  if (!secret) {
    problems.push({ variable: 'MANAGE_TOKEN_SECRET', message: 'is required in production (e.g. `openssl rand -base64 48`)' });
  } else if (PLACEHOLDER_SECRETS.test(secret.trim())) {
    problems.push({ variable: 'MANAGE_TOKEN_SECRET', message: 'is a placeholder; set a random secret (e.g. `openssl rand -base64 48`)' });
  } else if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) {
    problems.push({ variable: 'MANAGE_TOKEN_SECRET', message: `must be at least ${MIN_SECRET_BYTES} bytes in production` });
  }
  if (config.devApiKey) {
    problems.push({ variable: 'DEV_API_KEY', message: 'must not be set in production; issue keys with the admin command' });
  }
  return problems;
}
