import { z } from 'zod';
import { httpUrl, text } from '../common-schemas';

export const updateOrganizationBody = z.strictObject({
  name: text(200).trim().min(1).optional().meta({ description: 'The business\'s name on the pages and in e-mails' }),
  logo_url: httpUrl.nullable().optional().meta({ description: 'A logo shown on the pages and in e-mails' }),
  retention_days: z.number().int().min(1).max(36_500).nullable().optional()
    .meta({ description: 'Ended bookings are anonymized this many days after their end (checked hourly); null keeps them' }),
}).meta({ id: 'UpdateOrganization' });

export const organizationResponse = z.object({ id: z.string(), name: z.string(), logo_url: z.string().nullable(), retention_days: z.number().int().nullable() })
  .meta({ id: 'Organization' });
