import type { Client } from '@temporalio/client';
import type { Mailer } from '../outbound/mailer';
import express, { type Express } from 'express';
import pino from 'pino';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { STRICT_POLICY, type OutboundPolicy } from '../outbound/address-policy';
import { apiKeysRouter } from './api-keys/router';
import type { Logger } from '../telemetry/logger';
import { accessLog } from './access-log';
import { docsRouter } from './docs-page';
import { metricsRoute, requestMetrics } from './request-metrics';
import { addressRateLimit, limitFailedAuthentication, rateLimit, type RateLimits } from './rate-limit';
import { authenticate } from './auth';
import { availabilityRouter } from './availability/router';
import { bookingsRouter } from './bookings/router';
import { calendarsRouter, signedCalendarFeedRouter } from './calendars/router';
import { notFoundRoute, problemDetails } from './errors';
import { healthRouter } from './health';
import { buildOpenApiDocument } from './openapi';
import { operations } from './operations';
import { queryGuard } from './query-guard';
import { methodNotAllowed } from './method-not-allowed';
import { resourcesRouter } from './resources/router';
import { servicesRouter } from './services/router';
import { sessionsRouter } from './sessions/router';
import { webhooksRouter } from './webhooks/router';
import { customerPagesRouter } from '../web/router';
import { pageRequestParsers } from './bookings/page-requests';
import { organizationRouter } from './organization/router';
import { codecCors, codecRouter } from './codec/router';
import { calendarConnectionsRouter } from './calendar-connections/router';
import { calendarProviders } from '../calendars/providers';

export interface AppDeps {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
  manageTokenSecret: string;
  /** The pages' base URL (PUBLIC_URL); default the request's own scheme and host. */
  publicUrl?: string;
  /** The e-mail channel for an operator's resend; null or absent = e-mail is off (SMTP_URL unset). */
  mailer?: Mailer | null;
  /** Where webhooks and callbacks may point; by default https to public addresses only. */
  outbound?: OutboundPolicy;
  /** True once a shutdown began: /readyz answers 503 so a load balancer stops sending requests. */
  isDraining?: () => boolean;
  /** The access log and 5xx errors; absent, the app logs nothing (tests that do not look at logs). */
  logger?: Logger;
  /** Per API key and per manage token; absent, unlimited. */
  rateLimits?: RateLimits;
  /** Origins (the Temporal UI's) whose browsers may call the codec endpoint; default the local dev UI. */
  codecCorsOrigins?: string[];
  /**
   * GET /metrics on this app: `public` (development's default), `token` (only with
   * `Authorization: Bearer <token>`), or `off` (served on its own port instead, or not at all).
   */
  metrics?: { access: 'public' } | { access: 'token'; token: string } | { access: 'off' };
  /** Proxies believed about the client's address (Express's `trust proxy`); absent, none. */
  trustProxy?: number | string[] | null;
}

const DEV_TEMPORAL_UI_ORIGINS = ['http://localhost:8233', 'http://127.0.0.1:8233'];

/** The whole HTTP surface, separate from listen() so tests serve the real app on port 0. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // The per-address limits count req.ip: behind a proxy it is the client only if the proxy is named.
  if (deps.trustProxy !== undefined && deps.trustProxy !== null) app.set('trust proxy', deps.trustProxy);
  app.use(accessLog(deps.logger ?? pino({ level: 'silent' })));
  app.use(requestMetrics);
  app.use(express.json({ limit: '100kb' }));

  // Before the query guard: a browser's preflight must get the codec's CORS answer, not the router's.
  const codecOrigins = deps.codecCorsOrigins ?? DEV_TEMPORAL_UI_ORIGINS;
  app.use('/codec', codecCors(codecOrigins));
  if (deps.rateLimits) app.use(['/manage', '/codec'], addressRateLimit(deps.rateLimits, deps.db));
  const authenticated = deps.rateLimits
    ? limitFailedAuthentication(deps.rateLimits, deps.db, authenticate(deps.db, deps.manageTokenSecret))
    : authenticate(deps.db, deps.manageTokenSecret);

  app.use(queryGuard(operations, ''));
  app.use(healthRouter(deps));
  const metrics = deps.metrics ?? { access: 'public' };
  if (metrics.access !== 'off') app.get('/metrics', metricsRoute(metrics.access === 'token' ? metrics.token : null));
  app.use(docsRouter());
  const openApiDocument = buildOpenApiDocument();
  app.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });

  // The customers' booking and manage pages: no API key, the manage token is in the path.
  app.use(customerPagesRouter({ ...deps, parse: pageRequestParsers }));

  // Temporal UI's remote codec: decrypts the personal fields of the caller's bookings in histories.
  app.use('/codec', codecRouter(deps.db, authenticated, deps.rateLimits ? [rateLimit(deps.rateLimits, deps.db)] : []));

  const v1 = express.Router();
  // A resource's calendar feed by its signed URL: calendar apps send no Authorization header.
  v1.use(signedCalendarFeedRouter(deps.db, deps.manageTokenSecret));
  v1.use(authenticated);
  if (deps.rateLimits) v1.use(rateLimit(deps.rateLimits, deps.db));
  v1.use(queryGuard(operations, '/v1'));
  v1.use('/organization', organizationRouter(deps.db));
  // The host's own calendars under /resources/:id/calendars, before the resources' own routes.
  v1.use(calendarConnectionsRouter({
    db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue, outbound: deps.outbound ?? STRICT_POLICY,
    providers: calendarProviders(deps.outbound ?? STRICT_POLICY),
  }));
  v1.use('/resources', resourcesRouter(deps.db));
  v1.use('/services', servicesRouter(deps.db));
  v1.use('/sessions', sessionsRouter(deps));
  // Anonymizing here takes effect at once on this process's key cache (the API's client shares it).
  v1.use('/bookings', bookingsRouter(deps));
  v1.use('/availability', availabilityRouter(deps.db));
  v1.use('/webhooks', webhooksRouter(deps.db, deps.outbound ?? STRICT_POLICY));
  v1.use('/api-keys', apiKeysRouter(deps.db));
  // Calendar files under /bookings and /resources, kept apart from those routers' JSON.
  v1.use(calendarsRouter(deps.db, deps.manageTokenSecret));
  app.use('/v1', v1);

  app.use(methodNotAllowed(operations));
  app.use(notFoundRoute);
  app.use(problemDetails);
  return app;
}
