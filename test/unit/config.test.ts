import { ConfigError, loadConfig } from '../../config';

const strongSecret = 'q3Jx9vQ0mM5pWc8bT1rZs6yLk2hNf4dA7eUo0iGxB';

function refusal(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

function variablesNamed(env: NodeJS.ProcessEnv): string[] {
  const error = refusal(env);
  for (const { variable } of error.problems) expect(error.message).toContain(`${variable}: `);
  return error.problems.map(({ variable }) => variable);
}

describe('development defaults', () => {
  test('an empty environment is a working local configuration listening on loopback', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      production: false, host: '127.0.0.1', port: 3000, databaseUrl: null, temporalAddress: null,
      temporalNamespace: 'default', taskQueue: 'bookings', manageTokenSecret: null, shutdownTimeoutMs: 25_000,
      workerHealthPort: null, reconcileIntervalSeconds: 60, reconcileSweepIntervalSeconds: 21600, retentionIntervalSeconds: 3600,
    });
  });

  test('OUTBOUND_ALLOWED_HOSTS is the allow-list of every outbound call; WEBHOOK_ALLOWED_HOSTS still counts as its alias', () => {
    expect(loadConfig({}).webhookAllowedHosts).toEqual([]);
    expect(loadConfig({ OUTBOUND_ALLOWED_HOSTS: '127.0.0.1:5232, radicale.internal' }).webhookAllowedHosts).toEqual(['127.0.0.1:5232', 'radicale.internal']);
    expect(loadConfig({ WEBHOOK_ALLOWED_HOSTS: '127.0.0.1:4000' }).webhookAllowedHosts).toEqual(['127.0.0.1:4000']);
    expect(loadConfig({ OUTBOUND_ALLOWED_HOSTS: '127.0.0.1:5232', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1:4000' }).webhookAllowedHosts)
      .toEqual(['127.0.0.1:5232', '127.0.0.1:4000']);
  });

  test('a development process may use a short secret and a DEV_API_KEY', () => {
    expect(loadConfig({ MANAGE_TOKEN_SECRET: 'short', DEV_API_KEY: 'sk_dev' })).toMatchObject({ manageTokenSecret: 'short', devApiKey: 'sk_dev' });
  });

  test('malformed values are refused, every one named', () => {
    expect(variablesNamed({
      PORT: 'eighty', PG_PORT: '70000', DATABASE_URL: 'mysql://x', TEMPORAL_ADDRESS: 'temporal', SMTP_URL: 'mail.example.com',
      SHUTDOWN_TIMEOUT_SECONDS: '-1', WORKER_HEALTH_PORT: '3.5', BOOTSTRAP_API_KEY: 'letmein', RECONCILE_INTERVAL_SECONDS: '0',
    }).sort()).toEqual([
      'BOOTSTRAP_API_KEY', 'DATABASE_URL', 'PG_PORT', 'PORT', 'RECONCILE_INTERVAL_SECONDS', 'SHUTDOWN_TIMEOUT_SECONDS', 'SMTP_URL',
      'TEMPORAL_ADDRESS', 'WORKER_HEALTH_PORT',
    ]);
  });
});

describe('NODE_ENV=production refuses to start unsafely', () => {
  const production = { NODE_ENV: 'production', MANAGE_TOKEN_SECRET: strongSecret };

  test('a strong secret and no development key is accepted', () => {
    expect(loadConfig({ ...production, HOST: '0.0.0.0' })).toMatchObject({ production: true, host: '0.0.0.0', manageTokenSecret: strongSecret });
  });

  test('MANAGE_TOKEN_SECRET unset', () => {
    expect(variablesNamed({ NODE_ENV: 'production' })).toEqual(['MANAGE_TOKEN_SECRET']);
    expect(refusal({ NODE_ENV: 'production', MANAGE_TOKEN_SECRET: '' }).message).toMatch(/MANAGE_TOKEN_SECRET: is required/);
  });

  test('MANAGE_TOKEN_SECRET shorter than 32 bytes', () => {
    expect(refusal({ ...production, MANAGE_TOKEN_SECRET: strongSecret.slice(0, 31) }).message).toMatch(/MANAGE_TOKEN_SECRET: must be at least 32 bytes/);
    expect(loadConfig({ ...production, MANAGE_TOKEN_SECRET: strongSecret.slice(0, 32) }).production).toBe(true);
  });

  test.each(['change-me-in-production', 'CHANGE_ME_PLEASE_TO_SOMETHING_RANDOM_AND_LONG', 'changeme', 'secret', 'x'.repeat(40)])(
    'MANAGE_TOKEN_SECRET as the placeholder %s', (placeholder) => {
      expect(refusal({ ...production, MANAGE_TOKEN_SECRET: placeholder }).message).toMatch(/MANAGE_TOKEN_SECRET: is a placeholder/);
    },
  );

  test('DEV_API_KEY set', () => {
    expect(variablesNamed({ ...production, DEV_API_KEY: 'sk_anything' })).toEqual(['DEV_API_KEY']);
  });

  test('every refusal at once, so one restart fixes them all', () => {
    expect(variablesNamed({ NODE_ENV: 'production', DEV_API_KEY: 'sk_x', PORT: 'x' }).sort()).toEqual(['DEV_API_KEY', 'MANAGE_TOKEN_SECRET', 'PORT']);
  });
});

describe('exposure settings', () => {
  test('TRUST_PROXY is a hop count or the proxies\' addresses, never `true`', () => {
    expect(loadConfig({}).trustProxy).toBeNull();
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::1' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', 'fd00::1']);
    expect(variablesNamed({ TRUST_PROXY: 'true' })).toEqual(['TRUST_PROXY']);
    expect(variablesNamed({ TRUST_PROXY: 'proxy.internal' })).toEqual(['TRUST_PROXY']);
  });
  test('address limits and metrics have defaults; a short METRICS_TOKEN or a bad METRICS_PORT is refused by name', () => {
    expect(loadConfig({})).toMatchObject({ rateLimitAddressPerMinute: 300, rateLimitFailedAuthPerMinute: 20, metricsToken: null, metricsPort: null });
    expect(loadConfig({ METRICS_TOKEN: 'a'.repeat(16), METRICS_PORT: '9464', RATE_LIMIT_FAILED_AUTH_PER_MINUTE: '0' }))
      .toMatchObject({ metricsToken: 'a'.repeat(16), metricsPort: 9464, rateLimitFailedAuthPerMinute: 0 });
    expect(variablesNamed({ METRICS_TOKEN: 'short', METRICS_PORT: 'x', RATE_LIMIT_ADDRESS_PER_MINUTE: '-1' }).sort())
      .toEqual(['METRICS_PORT', 'METRICS_TOKEN', 'RATE_LIMIT_ADDRESS_PER_MINUTE']);
  });
});
