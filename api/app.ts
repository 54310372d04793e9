import type { Client } from '@temporalio/client';
import express, { type Express } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { STRICT_POLICY, type OutboundPolicy } from '../outbound/address-policy';
import { authenticate } from './auth';
import { availabilityRouter } from './availability/router';
import { bookingsRouter } from './bookings/router';
import { calendarsRouter, signedCalendarFeedRouter } from './calendars/router';
import { notFoundRoute, problemDetails } from './errors';
import { healthRouter } from './health';
import { buildOpenApiDocument } from './openapi';
import { resourcesRouter } from './resources/router';
import { servicesRouter } from './services/router';
import { sessionsRouter } from './sessions/router';
import { webhooksRouter } from './webhooks/router';

export interface AppDeps {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
  manageTokenSecret: string;
  /** Where webhooks and callbacks may point; by default https to public addresses only. */
  outbound?: OutboundPolicy;
}

/** The whole HTTP surface, separate from listen() so tests serve the real app on port 0. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(express.json({ limit: '100kb' }));

  app.use(healthRouter(deps));
  const openApiDocument = buildOpenApiDocument();
  app.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });

  const v1 = express.Router();
  // A resource's calendar feed by its signed URL: calendar apps send no Authorization header.
  v1.use(signedCalendarFeedRouter(deps.db, deps.manageTokenSecret));
  v1.use(authenticate(deps.db, deps.manageTokenSecret));
  v1.use('/resources', resourcesRouter(deps.db));
  v1.use('/services', servicesRouter(deps.db));
  v1.use('/sessions', sessionsRouter(deps));
  v1.use('/bookings', bookingsRouter(deps));
  v1.use('/availability', availabilityRouter(deps.db));
  v1.use('/webhooks', webhooksRouter(deps.db, deps.outbound ?? STRICT_POLICY));
  // Calendar files under /bookings and /resources, kept apart from those routers' JSON.
  v1.use(calendarsRouter(deps.db, deps.manageTokenSecret));
  app.use('/v1', v1);

  app.use(notFoundRoute);
  app.use(problemDetails);
  return app;
}
