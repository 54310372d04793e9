import { Router } from 'express';
import type { Kysely } from 'kysely';
import { findBranding, serviceSlugTaken, updateBranding, type Branding } from '../../db/customer-pages';
import type { Database } from '../../db/schema';
import { organizationOf } from '../auth';
import { Conflict } from '../errors';
import { parseInput } from '../validation';
import { updateOrganizationBody } from './schemas';

function toOrganizationResponse(branding: Branding) {
  return {
    id: branding.organizationId, name: branding.name, logo_url: branding.logoUrl, retention_days: branding.retentionDays ?? null,
    slug: branding.slug ?? null, embed_origins: branding.embedOrigins ?? [],
  };
}

const SLUG_TAKEN = () => new Conflict('slug_taken', 'another organization or a service already has this slug', { errors: [{ path: 'slug', message: 'is taken' }] });

/** The calling organization's branding (its name and logo on the customers' pages and e-mails) and its retention period. */
export function organizationRouter(db: Kysely<Database>): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    res.json(toOrganizationResponse(await findBranding(db, organizationOf(req))));
  });
  router.patch('/', async (req, res) => {
    const organizationId = organizationOf(req);
    const body = parseInput(updateOrganizationBody, req.body);
    // One address space for /book/<slug>: an organization's page may not take a service's slug.
    if (body.slug && await serviceSlugTaken(db, body.slug)) throw SLUG_TAKEN();
    if (Object.keys(body).length > 0) {
      await updateBranding(db, organizationId, body).catch((error: { code?: string; constraint?: string }) => {
        throw error.code === '23505' && /slug/.test(error.constraint ?? '') ? SLUG_TAKEN() : error;
      });
    }
    res.json(toOrganizationResponse(await findBranding(db, organizationId)));
  });
  return router;
}
