import { z } from 'zod';
import { BOOKING_STATUSES } from '../../domain/booking-status';
import { LOCALES } from '../../domain/locales';
import type { Booking, BookingCallbackDelivery } from '../../db/schema';
import { bookingRepresentation } from '../../db/booking-representation';
import {
  cancellationPayload, checkInPayload, customerDetails, durationMinutes, hostAnswerPayload, reasonText, spacesChangePayload, spacesCount,
} from '../../domain/booking-payloads';
import { httpUrl, instant, metadata, pageQuery, text, timezone, uuid } from '../common-schemas';
import { deliveryResponse, toDeliveryResponse } from '../webhooks/schemas';

export { customerDetails };

const label = text(200).trim().min(1);
const email = customerDetails.shape.email;

/** The customer's further contact data and the caller's own names for the booking (Chrono's). */
const contactFields = {
  extra_emails: z.array(email).max(10).optional().meta({ description: 'Further addresses of the customer' }),
  extra_phone_numbers: z.array(text(40).trim().min(1)).max(10).optional(),
  external_id: label.optional().meta({ description: 'The caller\'s own id for the customer; GET /v1/bookings filters by it' }),
  label: label.optional().meta({ description: 'The caller\'s own name for the booking' }),
  display_label: label.optional().meta({ description: 'The title calendar files give the booking, instead of the service\'s name' }),
};

/** A time asked for: a start and optionally a duration (or end) and the acceptable resources. */
const timeFields = {
  start: instant,
  end: instant.optional().meta({ description: 'Alternative to duration_minutes' }),
  duration_minutes: durationMinutes.optional()
    .meta({ description: 'One of the service\'s durations; default its first' }),
  resource_ids: z.array(uuid).min(1).max(100).optional()
    .meta({ description: 'For a service in mode "one": the resources acceptable to the customer, in order of preference' }),
};

function checkTimeFields(
  body: { start?: Date; end?: Date; duration_minutes?: number }, ctx: z.RefinementCtx,
): void {
  if (body.start && body.end && body.end <= body.start) {
    ctx.addIssue({ code: 'custom', path: ['end'], message: 'end must be after start' });
  }
  if (body.start && body.end && body.duration_minutes !== undefined
    && body.end.getTime() - body.start.getTime() !== body.duration_minutes * 60_000) {
    ctx.addIssue({ code: 'custom', path: ['duration_minutes'], message: 'duration_minutes disagrees with end - start' });
  }
}

/** What any reservation may carry besides what is booked. */
const bookingExtras = {
  customer: customerDetails.partial().optional(),
  metadata: metadata.default({}),
  exclusive_customer: z.boolean().optional()
    .meta({ description: 'Refuse (409 customer_overlap) if this customer (by customer.email) already has an overlapping booking; services can demand it too' }),
  callback_url: httpUrl.optional()
    .meta({ description: 'This booking\'s own callbacks (cancellation, check-in), signed with the callback_secret returned at creation' }),
  locale: z.enum(LOCALES).optional()
    .meta({ description: 'The language of the booking\'s e-mails; default the request\'s Accept-Language if it names one, else English' }),
  ...contactFields,
};

export const createBookingBody = z.strictObject({
  service_id: uuid.optional().meta({ description: 'The service to book a time of; or session_id' }),
  session_id: uuid.optional().meta({ description: 'The group session to book seats in; or service_id' }),
  ...timeFields,
  start: timeFields.start.optional().meta({ description: 'Required with service_id; a session has its own' }),
  spaces: spacesCount.optional()
    .meta({ description: 'Seats, all or none: in a session, or in a group appointment (seats per slot > 1); default 1' }),
  cancel_booking_id: uuid.optional()
    .meta({ description: 'Cancel-and-rebook: the booking this one replaces (any service of the organization). It is cancelled (reason rebooked) only once the new hold exists; with its manage token, the customer may rebook it while it is live, onto a public service, giving only service_id or session_id, start, spaces and customer' }),
  bypass_delays: z.boolean().optional()
    .meta({ description: 'API key only: ignore minimum notice, horizon and a session\'s booking window (never working hours or capacity); recorded in the audit log' }),
  resource_group: text(100).trim().min(1).optional()
    .meta({ description: 'For a service with resource_groups in mode "one": the group to book, a free member of which is chosen' }),
  waitlist: z.boolean().optional()
    .meta({ description: 'Sessions: join the waiting list even if seats are left (staff tools)' }),
  ...bookingExtras,
}).superRefine((body, ctx) => {
  if (!body.service_id === !body.session_id) {
    ctx.addIssue({ code: 'custom', path: ['service_id'], message: 'give service_id (an appointment) or session_id (seats in a session), one of them' });
  }
  if (body.session_id) {
    for (const field of ['start', 'end', 'duration_minutes', 'resource_ids', 'resource_group'] as const) {
      if (body[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'a session booking takes the session\'s time and resources' });
    }
    return;
  }
  if (body.waitlist !== undefined) ctx.addIssue({ code: 'custom', path: ['waitlist'], message: 'only sessions have a waiting list' });
  if (!body.start) ctx.addIssue({ code: 'custom', path: ['start'], message: 'start is required with service_id' });
  checkTimeFields(body, ctx);
}).meta({ id: 'CreateBooking' });

export const rescheduleBookingBody = z.strictObject({
  ...timeFields,
  duration_minutes: timeFields.duration_minutes.meta({ description: 'One of the service\'s durations; default the booking\'s current one' }),
  resource_ids: timeFields.resource_ids
    .meta({ description: 'For a service in mode "one": the resources acceptable, in order of preference; default the booking\'s current ones' }),
}).superRefine(checkTimeFields).meta({ id: 'RescheduleBooking' });

/** What both a reservation and a reschedule say about the time they want. */
export type TimeChange = z.infer<typeof rescheduleBookingBody>;

export const createSessionBookingsBody = z.strictObject({
  session_ids: z.array(uuid).min(1).max(100)
    .meta({ uniqueItems: true })
    .refine((ids) => new Set(ids).size === ids.length, { message: 'sessions must be distinct' })
    .meta({ description: 'Sessions to book for one customer (a course): all are held, or none' }),
  spaces: spacesCount.default(1),
  ...bookingExtras,
}).meta({ id: 'CreateSessionBookings' });

// The bodies of the Updates are their payloads less the actor, which the API names from the
// credential; a reason sent over HTTP is left out rather than null.
const ACTOR = { actor: true } as const;
const optionalReason = { reason: reasonText.optional() };

export const spacesBody = spacesChangePayload.omit(ACTOR).extend({
  spaces: spacesCount.meta({ description: 'Fewer than the booking holds; the seats given back go to the waiting list' }),
}).meta({ id: 'SpacesChange' });

export const hostAnswerBody = hostAnswerPayload.omit(ACTOR).extend(optionalReason).meta({ id: 'HostAnswer' });
export const cancelBody = cancellationPayload.omit(ACTOR).extend(optionalReason).meta({ id: 'Cancellation' });
export const checkInBody = checkInPayload.omit(ACTOR).extend({
  present: checkInPayload.shape.present.meta({ description: 'false records a no-show: the booking ends as no_show instead of completed' }),
  ...optionalReason,
}).meta({ id: 'CheckIn' });

export const bookingStatus = z.enum(BOOKING_STATUSES);

export const timezoneQuery = z.object({
  timezone: timezone.optional().meta({ description: 'Zone for the returned times; default the booking\'s resource zone' }),
});

const statusName = bookingStatus.options.join('|');
/** `held,confirmed`: any of the statuses. */
const statusList = z.string()
  .max(500, 'must be at most 500 characters')
  .regex(new RegExp(`^(${statusName})(,(${statusName}))*$`), `must be statuses separated by commas, of ${bookingStatus.options.join(', ')}`)
  .transform((value) => [...new Set(value.split(','))] as z.infer<typeof bookingStatus>[]);

export const listBookingsQuery = z.object({
  ...pageQuery,
  status: statusList.optional().meta({ description: 'One status or several separated by commas, e.g. held,confirmed' }),
  service_id: uuid.optional(),
  resource_id: uuid.optional().meta({ description: 'Bookings that occupy this resource' }),
  session_id: uuid.optional(),
  external_id: label.optional(),
  customer_email: text(320).trim().min(1).optional().meta({ description: 'The customer\'s e-mail, compared without case' }),
  from: instant.optional().meta({ description: 'Bookings that end after this instant' }),
  to: instant.optional().meta({ description: 'Bookings that start before this instant' }),
  created_after: instant.optional().meta({ description: 'Bookings created after this instant' }),
  timezone: timezoneQuery.shape.timezone,
}).refine((query) => !query.from || !query.to || query.from < query.to, { message: 'to must be after from', path: ['to'] });

export const bookingResponse = z.object({
  id: z.string(),
  status: bookingStatus,
  service_id: z.string(),
  session_id: z.string().nullable(),
  resource_ids: z.array(z.string()),
  start: z.string(),
  end: z.string(),
  timezone: z.string(),
  spaces: z.number(),
  locale: z.enum(LOCALES).nullable()
    .meta({ description: 'The language of the booking\'s pages and e-mails: the reservation\'s `locale`, else its Accept-Language; null = the default (en)' }),
  customer: z.object({
    name: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable(), timezone: z.string().nullable(),
  }),
  booking_fields: z.record(z.string(), z.union([z.string(), z.boolean()])),
  extra_emails: z.array(z.string()),
  extra_phone_numbers: z.array(z.string()),
  external_id: z.string().nullable(),
  label: z.string().nullable(),
  display_label: z.string().nullable(),
  rebooked_from: z.string().nullable().meta({ description: 'The booking this one replaced (cancel-and-rebook)' }),
  rebooked_to: z.string().nullable().optional().meta({ description: 'For a booking read alone: the booking that replaced it' }),
  revision: z.number().int().meta({ description: 'Grows with every change of time, status or details; the calendar file\'s SEQUENCE' }),
  checked_in: z.boolean().nullable(),
  notes: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  hold_expires_at: z.string().nullable(),
  approval_expires_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  workflow_id: z.string(),
  anonymized_at: z.string().nullable()
    .meta({ description: 'When the customer\'s personal data was erased (POST /v1/bookings/{id}/anonymize or the retention period); null = not' }),
  waitlist_position: z.number().int().nullable().optional()
    .meta({ description: 'For a waiting booking read alone or just reserved: its place in the session\'s queue, 1 = next' }),
  manage_token: z.string().optional().meta({ description: 'Returned when the booking is created: the customer\'s key to it' }),
  callback_secret: z.string().optional()
    .meta({ description: 'Returned when a booking with a callback_url is created: the key to verify its callbacks' }),
}).meta({ id: 'Booking' });

export type BookingResponse = z.infer<typeof bookingResponse>;

/** The one representation of a booking, shared with webhook payloads. */
export const toBookingResponse: (booking: Booking, zone?: string) => BookingResponse = bookingRepresentation;

export const callbackDeliveryResponse = deliveryResponse.extend({ url: z.string() }).meta({ id: 'BookingCallbackDelivery' });

export function toCallbackDeliveryResponse(delivery: BookingCallbackDelivery): z.infer<typeof callbackDeliveryResponse> {
  return { ...toDeliveryResponse(delivery), url: delivery.url };
}

export const bookingEventResponse = z.object({
  from: bookingStatus.nullable(), to: bookingStatus, actor: z.string(), reason: z.string().nullable(), at: z.string(),
}).meta({ id: 'BookingEvent' });

export const notificationResponse = z.object({
  id: z.string(), kind: z.string(), channel: z.enum(['outbox', 'email']), recipient: z.string().nullable(), subject: z.string(),
  status: z.enum(['queued', 'sent', 'failed']).meta({ description: 'queued in the outbox (also without SMTP_URL), sent (with the SMTP message id) or failed (with the error)' }),
  error: z.string().nullable(), message_id: z.string().nullable(), created_at: z.string(), sent_at: z.string().nullable(),
}).meta({ id: 'Notification' });
