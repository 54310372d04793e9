import { z } from 'zod';
import { text } from './text';
import { BOOKING_ID, BOOKING_ID_MESSAGE, EMAIL, EMAIL_MESSAGE, ZONE, ZONE_MESSAGE } from './text-rules';

// The one definition of the booking workflow's Update and signal payloads. The message types are
// inferred from these schemas (workflows/messages.ts imports them as types only, so no zod reaches
// the workflow bundle); the API's request bodies are built from them; the workflow's Update
// validators check the same rules without zod (workflows/payload-checks.ts), and
// test/unit/payload-checks.test.ts holds those checks to these schemas. Field names and shapes are
// the deployed wire format: recorded histories carry them.

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

/** Why a person ends or answers a booking, in their words: several lines allowed. */
export const reasonText = text(2000, { lines: true });
/** Seats a booking takes in a session or a group appointment. */
export const spacesCount = z.number().int().min(1).max(10_000);
/** The length of a booking in minutes (whether the service offers it is scheduling/durations.ts's rule). */
export const durationMinutes = z.number().int().min(1).max(1440);

const actor = text(200).trim().min(1);
const reason = reasonText.nullish();
const bookingId = z.string().regex(BOOKING_ID, BOOKING_ID_MESSAGE);

export const hostAnswerPayload = z.strictObject({ actor, reason });
export const cancellationPayload = z.strictObject({ actor, reason });
export const checkInPayload = z.strictObject({ actor, present: z.boolean(), reason });
export const spacesChangePayload = z.strictObject({ actor, spaces: spacesCount });
export const reschedulePayload = z.strictObject({
  actor,
  /** The new start, ISO 8601 with an offset. */
  start: z.string().refine((value) => /([+-]\d{2}:?\d{2}|Z)$/i.test(value) && !Number.isNaN(Date.parse(value)), {
    message: 'must be an ISO 8601 date-time with an offset',
  }).meta({ format: 'date-time' }),
  /** null keeps the booking's duration. */
  durationMinutes: durationMinutes.nullable(),
  /** null keeps the booking's resources. */
  resourceIds: z.array(z.string()).min(1).max(100).nullable(),
});
/** A promotion names the booking it is for and its new status; the rest is the database's snapshot. */
export const promotedPayload = z.looseObject({ id: bookingId, status: z.string(), start: z.string(), end: z.string() });

export type CustomerDetails = z.infer<typeof customerDetails>;
export type HostAnswer = z.infer<typeof hostAnswerPayload>;
export type Cancellation = z.infer<typeof cancellationPayload>;
export type CheckIn = z.infer<typeof checkInPayload>;
export type SpacesChange = z.infer<typeof spacesChangePayload>;
export type Reschedule = z.infer<typeof reschedulePayload>;
