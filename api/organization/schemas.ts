import { z } from 'zod';
import { httpUrl, text } from '../common-schemas';

export const updateOrganizationBody = z.strictObject({
  name: text(200).trim().min(1).optional().meta({ description: 'The business\'s name on the pages and in e-mails' }),
  logo_url: httpUrl.nullable().optional().meta({ description: 'A logo shown on the pages and in e-mails' }),
}).meta({ id: 'UpdateOrganization' });

export const organizationResponse = z.object({ id: z.string(), name: z.string(), logo_url: z.string().nullable() })
  .meta({ id: 'Organization' });
