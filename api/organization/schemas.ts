import { z } from 'zod';
import { httpUrl, text } from '../common-schemas';

export const updateOrganizationBody = z.strictObject({
  name: text(200).trim().min(1).optional().meta({ description: 'The business\'s name on the pages and in e-mails' }),
  logo_url: httpUrl.nullable().optional().meta({ description: 'A logo shown on the pages and in e-mails' }),
  retention_days: z.number().int().min(1).max(36_500).nullable().optional()
    .meta({ description: 'Ended bookings are anonymized this many days after their end (checked hourly); null keeps them' }),
  slug: text(64).regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, 'must be lower-case letters, digits and -, at most 64').nullable().optional()
    .meta({ description: 'The organization\'s page /book/<slug> listing its public services; shares the address space of service slugs; null removes it' }),
  embed_origins: z.array(text(200).refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
    } catch {
      return false;
    }
  }, 'must be an origin: scheme://host[:port], no path')).max(20).optional()
    .meta({ description: 'Sites (origins) allowed to frame the booking pages (Content-Security-Policy frame-ancestors); empty: only this site' }),
}).meta({ id: 'UpdateOrganization' });

export const organizationResponse = z.object({
  id: z.string(), name: z.string(), logo_url: z.string().nullable(), retention_days: z.number().int().nullable(),
  slug: z.string().nullable(), embed_origins: z.array(z.string()),
})
  .meta({ id: 'Organization' });
