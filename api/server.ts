// First: tracing (when configured) must hook http, express and pg before anything loads them.
import '../telemetry/tracing-api';
import { once } from 'node:events';
import { createTemporalClient } from '../temporal/client';
import { loadConfig } from '../config';
import { createDb } from '../db/connection';
import { createLogger } from '../telemetry/logger';
import { currentTracing } from '../telemetry/tracing';
import { createSmtpMailer } from '../outbound/mailer';
import { createApp, type AppDeps } from './app';
import { serveMetrics } from './metrics-server';

/**
 * Where the public port's /metrics stands: off when it has a port of its own; behind the token
 * when one is set; else open in development (the API listens on localhost) and off in production,
 * where the totals of every organization must not be public.
 */
function metricsOnApiPort(config: ReturnType<typeof loadConfig>): AppDeps['metrics'] {
  if (config.metricsPort !== null) return { access: 'off' };
  if (config.metricsToken) return { access: 'token', token: config.metricsToken };
  return config.production ? { access: 'off' } : { access: 'public' };
}

async function main() {
  const config = loadConfig();
  if (!config.databaseUrl || !config.temporalAddress || !config.manageTokenSecret) {
    throw new Error('the API needs DATABASE_URL, TEMPORAL_ADDRESS and MANAGE_TOKEN_SECRET (npm start sets them)');
  }
  const logger = createLogger({ level: config.logLevel, format: config.logFormat }).child({ process: 'api' });
  const db = createDb(config.databaseUrl);
  const temporal = await createTemporalClient({ address: config.temporalAddress, namespace: config.temporalNamespace, db });
  let draining = false;
  const app = createApp({
    db, temporal, taskQueue: config.taskQueue, manageTokenSecret: config.manageTokenSecret, isDraining: () => draining, logger, publicUrl: config.publicUrl,
    mailer: config.smtpUrl ? createSmtpMailer(config.smtpUrl, config.mailFrom) : null,
    outbound: { allowedHosts: config.webhookAllowedHosts, allowHttp: config.webhookAllowHttp },
    codecCorsOrigins: [`http://localhost:${config.temporalUiPort}`, `http://127.0.0.1:${config.temporalUiPort}`],
    rateLimits: {
      apiKeyPerMinute: config.rateLimitApiKeyPerMinute, manageTokenPerMinute: config.rateLimitManageTokenPerMinute, store: config.rateLimitStore,
      addressPerMinute: config.rateLimitAddressPerMinute, failedAuthPerMinute: config.rateLimitFailedAuthPerMinute,
    },
    metrics: metricsOnApiPort(config),
    trustProxy: config.trustProxy,
  });
  const server = app.listen(config.port, config.host);
  await once(server, 'listening');
  logger.info({ host: config.host, port: config.port }, `API listening on http://${config.host}:${config.port}`);
  const metricsServer = config.metricsPort === null ? null : await serveMetrics(config.metricsPort, config.host, config.metricsToken);
  if (metricsServer) logger.info({ port: config.metricsPort }, `metrics on http://${config.host}:${config.metricsPort}/metrics`);

  // SIGTERM: stop accepting connections, let in-flight requests finish (bounded by
  // SHUTDOWN_TIMEOUT_SECONDS), then close the pools. A request that never got in is refused at the
  // socket and can be retried elsewhere with its Idempotency-Key; one that got in gets its answer.
  const stop = async (signal: string) => {
    if (draining) return;
    draining = true;
    logger.info({ signal }, `${signal}: finishing in-flight requests`);
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeIdleConnections();
    const deadline = setTimeout(() => {
      logger.warn({ timeoutMs: config.shutdownTimeoutMs }, 'requests still open; closing their connections');
      server.closeAllConnections();
    }, config.shutdownTimeoutMs);
    await closed;
    clearTimeout(deadline);
    metricsServer?.close();
    await Promise.all([db.destroy(), temporal.connection.close(), currentTracing()?.shutdown()]);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error) => {
  console.error(error instanceof Error && error.name === 'ConfigError' ? error.message : error);
  process.exit(1);
});
