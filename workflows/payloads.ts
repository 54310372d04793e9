import { z } from 'zod';
import { text } from './text';
import { BOOKING_ID, BOOKING_ID_MESSAGE, EMAIL, EMAIL_MESSAGE, ZONE, ZONE_MESSAGE } from './text-rules';

// The payloads of the booking workflow's Updates and signals. The API builds them from its own
// request bodies (which reuse these schemas); the Update validators check the same rules without
// zod (./payload-checks), so a malformed payload sent from the Temporal UI or CLI is refused before
// it reaches history.

const email = text(320).trim().regex(EMAIL, EMAIL_MESSAGE);

export const customerDetails = z.strictObject({
  name: text(200).trim().min(1),
  email,
  phone: text(40).trim().nullable().optional(),
  notes: text(4000, { lines: true }).nullable().optional(),
  // The API checks the zone against the IANA database and the answers against the service's fields.
  timezone: text(64).regex(ZONE, ZONE_MESSAGE)
    .nullable().optional()
    .meta({ description: 'The customer\'s IANA zone: e-mails show times in it (default the resource\'s)' }),
  booking_fields: z.record(text(40), z.union([text(4000, { lines: true }), z.boolean()])).optional()
    .meta({ description: 'Answers to the service\'s booking_fields, by name; required ones must be answered with the details' }),
  extra_emails: z.array(email).max(10).optional()
    .meta({ description: 'More addresses that receive the booking\'s reminders' }),
}).meta({ id: 'CustomerDetails' });

const actor = text(200).trim().min(1);
const reason = text(2000, { lines: true }).nullish();
const bookingId = z.string().regex(BOOKING_ID, BOOKING_ID_MESSAGE);

export const hostAnswerPayload = z.strictObject({ actor, reason });
export const cancellationPayload = z.strictObject({ actor, reason });
export const checkInPayload = z.strictObject({ actor, present: z.boolean(), reason });
export const spacesChangePayload = z.strictObject({ actor, spaces: z.number().int().min(1).max(10_000) });
export const reschedulePayload = z.strictObject({
  actor,
  start: z.string().refine((value) => /([+-]\d{2}:?\d{2}|Z)$/i.test(value) && !Number.isNaN(Date.parse(value)), {
    message: 'must be an ISO 8601 date-time with an offset',
  }),
  durationMinutes: z.number().int().min(1).max(1440).nullable(),
  resourceIds: z.array(z.string()).min(1).max(100).nullable(),
});
/** A promotion names the booking it is for and its new status; the rest is the database's snapshot. */
export const promotedPayload = z.looseObject({ id: bookingId, status: z.string(), start: z.string(), end: z.string() });
