import { Router } from 'express';
import type { Kysely } from 'kysely';
import { findBranding, updateBranding } from '../../db/customer-pages';
import type { Database } from '../../db/schema';
import { organizationOf } from '../auth';
import { parseInput } from '../validation';
import { updateOrganizationBody } from './schemas';

/** The calling organization's branding (its name and logo on the customers' pages and e-mails) and its retention period. */
export function organizationRouter(db: Kysely<Database>): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const branding = await findBranding(db, organizationOf(req));
    res.json({ id: branding.organizationId, name: branding.name, logo_url: branding.logoUrl, retention_days: branding.retentionDays ?? null });
  });
  router.patch('/', async (req, res) => {
    const organizationId = organizationOf(req);
    const body = parseInput(updateOrganizationBody, req.body);
    if (Object.keys(body).length > 0) await updateBranding(db, organizationId, body);
    const branding = await findBranding(db, organizationId);
    res.json({ id: branding.organizationId, name: branding.name, logo_url: branding.logoUrl, retention_days: branding.retentionDays ?? null });
  });
  return router;
}
