import type { Kysely } from 'kysely';
import { issueManageToken } from '../outbound/manage-token';
import { findBookingById, findEventByStep } from '../db/bookings';
import { findBookingResources, findBranding } from '../db/customer-pages';
import { insertNotificationUnlessErased, type StoredNotification } from '../db/notifications';
import type { Booking, BookingEventType, Database } from '../db/schema';
import { findService } from '../db/services';
import { findWebhookEvent } from '../db/webhooks';
import { EVENT_MAILS } from '../bookings/booking-event';
import { bookingInvitation } from '../bookings/booking-invitation';
import { deliverAll, sealMail } from '../bookings/mail-outbox';
import { localeOrDefault } from '../domain/locales';
import { composeBookingMail, type BookingMailInput, type BookingMailKind } from './compose-booking-mail';
import type { Mailer } from '../outbound/mailer';

/** Where the manage links in e-mails point: the public pages' base URL and the tokens' secret. */
export interface MailLinks { publicUrl: string; manageTokenSecret: string }

export interface BookingMailsRequest { eventId: string }
export interface BookingMailsOutcome { queued: number; sent: number }


export function manageUrlOf(links: MailLinks | null, bookingId: string): string | null {
  return links ? `${links.publicUrl.replace(/\/$/, '')}/manage/${issueManageToken(links.manageTokenSecret, bookingId)}` : null;
}

/** The customer's zone if they gave one, else the resource's. */
export function readerZone(booking: Pick<Booking, 'customer_timezone' | 'timezone'>): string {
  return booking.customer_timezone ?? booking.timezone;
}

/** The parts of a mail that come from the database, read once per event or reminder. */
export async function mailContext(db: Kysely<Database>, booking: Booking) {
  const [service, branding, resources] = await Promise.all([
    findService(db, booking.organization_id, booking.service_id),
    findBranding(db, booking.organization_id),
    findBookingResources(db, booking.organization_id, booking.resource_ids),
  ]);
  if (!service) throw new Error(`service ${booking.service_id} of booking ${booking.id} is gone`);
  return { service, branding, resources };
}

/**
 * Writes one e-mail to the outbox (once per key), in the booking's language: the rendered message
 * (text, HTML, calendar attachment) sealed with the booking's key, so it can be sent whenever a
 * mailer is there and is erased with the booking's personal data; only its subject and kind are
 * kept readable for the operator's list. Nothing (null) if the booking was anonymized since
 * `input.booking` was read.
 */
export async function queueMail(
  db: Kysely<Database>, mailer: Mailer | null, links: MailLinks | null, now: Date,
  input: BookingMailInput & { recipient: string; dedupeKey: string },
): Promise<StoredNotification | null> {
  const mail = composeBookingMail({ ...input, locale: input.locale ?? localeOrDefault(input.booking.locale) });
  const ics = bookingInvitation({
    booking: input.booking, service: input.service, organizerName: input.branding.name, zone: input.zone,
    method: mail.method, manageUrl: input.kind.startsWith('host_') ? null : input.manageUrl, now,
  });
  const sealed = await sealMail(db, input.booking.id, {
    to: input.recipient, subject: mail.subject, text: mail.text, html: mail.html, ics: { method: mail.method, content: ics },
  });
  return insertNotificationUnlessErased(db, {
    organization_id: input.booking.organization_id, booking_id: input.booking.id, kind: input.kind,
    dedupe_key: input.dedupeKey, channel: mailer ? 'email' : 'outbox', recipient: input.recipient,
    subject: mail.subject, body: '', html: null, ics: null, sealed_message: sealed, status: 'queued',
  }, input.booking);
}

/**
 * The e-mails of one booking event: the customer's (in their zone, with the manage link and an
 * .ics) and the hosts' notices (in the resource's zone). Each is one outbox row; without a mailer
 * they stay queued. Idempotent: a retry finds its rows and sends only what has not gone out.
 */
export async function sendBookingMails(
  db: Kysely<Database>, mailer: Mailer | null, links: MailLinks | null, request: BookingMailsRequest, now: Date,
): Promise<BookingMailsOutcome> {
  const event = await findWebhookEvent(db, request.eventId);
  const mails = event && EVENT_MAILS[event.type];
  const current = event && await findBookingById(db, event.booking_id);
  if (!event || !mails || !current) return { queued: 0, sent: 0 };
  // The time as the event reported it: a later reschedule has its own mail.
  const payload = event.payload as { start: string; end: string; updated_at: string; revision?: number };
  const booking: Booking = {
    ...current, start_at: new Date(payload.start), end_at: new Date(payload.end), updated_at: new Date(payload.updated_at),
    revision: payload.revision ?? current.revision,
  };
  const audit = await findEventByStep(db, booking.id, event.id.slice(booking.id.length + 1));
  const { service, branding, resources } = await mailContext(db, booking);
  const previous = audit?.reason?.match(/^rescheduled from (\S+)$/)?.[1];
  const common = {
    booking, service, branding, hosts: resources, manageUrl: manageUrlOf(links, booking.id),
    actor: audit?.actor ?? null, reason: audit?.reason ?? null, previousStart: previous ? new Date(previous) : null,
  };

  const queued: Array<StoredNotification | null> = [];
  if (booking.customer_email) {
    queued.push(await queueMail(db, mailer, links, now, {
      ...common, kind: mails.customer, zone: readerZone(booking), recipient: booking.customer_email,
      dedupeKey: `mail:${event.id}:${booking.customer_email}`,
    }));
  }
  // A booking the host approved was announced to them when it came in.
  const hostKind = event.type === 'booking.confirmed' && audit?.from_status === 'pending_approval' ? undefined : mails.host;
  if (hostKind) {
    for (const host of resources.filter((resource) => resource.email)) {
      queued.push(await queueMail(db, mailer, links, now, {
        ...common, kind: hostKind, zone: host.timezone, recipient: host.email!, dedupeKey: `mail:${event.id}:${host.email}`,
      }));
    }
  }
  const sent = await deliverAll(db, mailer, queued);
  return { queued: queued.length, sent };
}
