import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { findBranding, updateBranding } from '../../db/customer-pages';
import type { Database } from '../../db/schema';
import { organizationOf } from '../auth';
import { httpUrl } from '../common-schemas';
import { parseInput } from '../validation';

export const updateOrganizationBody = z.strictObject({
  name: z.string().trim().min(1).max(200).optional().meta({ description: 'The business\'s name on the pages and in e-mails' }),
  logo_url: httpUrl.nullable().optional().meta({ description: 'A logo shown on the pages and in e-mails' }),
}).meta({ id: 'UpdateOrganization' });

/** The calling organization's branding: its name and logo on the customers' pages and e-mails. */
export function organizationRouter(db: Kysely<Database>): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const branding = await findBranding(db, organizationOf(req));
    res.json({ id: branding.organizationId, name: branding.name, logo_url: branding.logoUrl });
  });
  router.patch('/', async (req, res) => {
    const organizationId = organizationOf(req);
    const body = parseInput(updateOrganizationBody, req.body);
    if (Object.keys(body).length > 0) await updateBranding(db, organizationId, body);
    const branding = await findBranding(db, organizationId);
    res.json({ id: branding.organizationId, name: branding.name, logo_url: branding.logoUrl });
  });
  return router;
}
