import { z } from 'zod';
import type { BookingFieldJson, Service } from '../../db/schema';
import { httpUrl, text } from '../common-schemas';

const colour = text(7).regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour #rrggbb');

export const bookingFieldDefinition = z.strictObject({
  name: text(40).regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be lower-case letters, digits and _ (at most 40), starting with a letter'),
  label: text(200).trim().min(1),
  type: z.enum(['text', 'textarea', 'select', 'checkbox']),
  required: z.boolean().default(false),
  default: z.union([text(2000, { lines: true }), z.boolean()]).nullable().default(null),
  options: z.array(text(200).trim().min(1)).max(50).default([])
    .meta({ description: 'The choices of a select' }),
}).superRefine((field, ctx) => {
  if (field.type === 'select' && field.options.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['options'], message: 'a select needs at least one option' });
  }
  if (field.type === 'checkbox' && typeof field.default === 'string') {
    ctx.addIssue({ code: 'custom', path: ['default'], message: 'a checkbox defaults to true or false' });
  }
  if (field.type !== 'checkbox' && typeof field.default === 'boolean') {
    ctx.addIssue({ code: 'custom', path: ['default'], message: 'only a checkbox defaults to true or false' });
  }
  if (field.type === 'select' && typeof field.default === 'string' && !field.options.includes(field.default)) {
    ctx.addIssue({ code: 'custom', path: ['default'], message: 'must be one of the options' });
  }
}).meta({ id: 'BookingField' });

/** What a service shows on its public page (/book/<slug>) and in its e-mails. */
export const servicePageFields = {
  public: z.boolean().meta({ description: 'Published on /book/<slug>, bookable without an API key' }),
  slug: text(64).regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, 'must be lower-case letters, digits and -, at most 64')
    .nullable().meta({ description: 'The public page\'s address /book/<slug>; unique across all organizations' }),
  description: text(4000, { lines: true }).trim().nullable(),
  location: text(500).trim().nullable().meta({ description: 'Where it takes place, shown on the page, in e-mails and .ics' }),
  meeting_url: httpUrl.nullable().meta({ description: 'An online meeting\'s link' }),
  booking_fields: z.array(bookingFieldDefinition).max(20)
    .refine((fields) => new Set(fields.map((field) => field.name)).size === fields.length, { message: 'field names must be distinct' })
    .meta({ description: 'Questions the booker answers besides name, e-mail and phone (validated on details)' }),
  primary_color: colour.nullable().meta({ description: 'Branding of the page and e-mails' }),
  secondary_color: colour.nullable(),
};

export const servicePageDefaults = {
  public: servicePageFields.public.default(false),
  slug: servicePageFields.slug.default(null),
  description: servicePageFields.description.default(null),
  location: servicePageFields.location.default(null),
  meeting_url: servicePageFields.meeting_url.default(null),
  booking_fields: servicePageFields.booking_fields.default([]),
  primary_color: servicePageFields.primary_color.default(null),
  secondary_color: servicePageFields.secondary_color.default(null),
};

export const servicePageResponse = {
  public: z.boolean(), slug: z.string().nullable(), description: z.string().nullable(), location: z.string().nullable(),
  meeting_url: z.string().nullable(), booking_fields: z.array(z.object({
    name: z.string(), label: z.string(), type: z.string(), required: z.boolean(),
    default: z.union([z.string(), z.boolean()]).nullable(), options: z.array(z.string()),
  })), primary_color: z.string().nullable(), secondary_color: z.string().nullable(),
};

export function toServicePageResponse(service: Service) {
  return {
    public: service.public, slug: service.slug, description: service.description, location: service.location,
    meeting_url: service.meeting_url, booking_fields: service.booking_fields,
    primary_color: service.primary_color, secondary_color: service.secondary_color,
  };
}

/** The stored form of the page settings of a create or a PATCH: JSON columns as text. */
export function pageSettingsRow<T extends { booking_fields?: BookingFieldJson[] }>(settings: T) {
  const { booking_fields: fields, ...rest } = settings;
  return { ...rest, ...(fields !== undefined && { booking_fields: JSON.stringify(fields) }) };
}
