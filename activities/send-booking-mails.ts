import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import { issueManageToken } from '../outbound/manage-token';
import { findBookingById, findEventByStep } from '../db/bookings';
import { countRevisions, findBookingResources, findBranding } from '../db/customer-pages';
import { currentRecipient, insertNotificationUnlessErased, markNotification, type StoredNotification } from '../db/notifications';
import type { Booking, BookingEventType, Database } from '../db/schema';
import { findService } from '../db/services';
import { findWebhookEvent } from '../db/webhooks';
import { EVENT_MAILS } from '../bookings/booking-event';
import { bookingInvitation } from '../bookings/booking-invitation';
import { composeBookingMail, type BookingMailInput, type BookingMailKind } from './compose-booking-mail';
import type { Mailer } from './mailer';

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

/** ApplicationFailure type of a mail the server refused or could not be reached for; the retry policy tries again. */
export const MAIL_NOT_SENT = 'MailNotSent';

/** Node's socket error codes, the only words taken from a failure's message (an address could be any other). */
const SOCKET_ERROR_CODES = /\b(ECONNREFUSED|ECONNRESET|ECONNABORTED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE)\b/g;

/**
 * What a mail server's refusal says, without what it quotes: a server's text names the address
 * (`550 <ada@…>: mailbox unavailable`), so only its codes are kept (the SMTP reply code, the
 * transport's error code and the SMTP command), for the notification row, the activity's failure,
 * the delivery workflow's history and the worker's log alike.
 */
export function mailFailureOf(error: unknown): string {
  const failure = (error ?? {}) as { responseCode?: unknown; code?: unknown; command?: unknown; message?: unknown };
  // A socket's failure (ECONNREFUSED, ETIMEDOUT) is named only in the message: its system error codes are taken from it.
  const systemCodes = typeof failure.message === 'string' ? failure.message.match(SOCKET_ERROR_CODES) ?? [] : [];
  const parts = [
    typeof failure.responseCode === 'number' && `reply ${failure.responseCode}`,
    typeof failure.code === 'string' && /^[A-Z0-9_]{1,40}$/.test(failure.code) && failure.code,
    ...systemCodes.filter((code) => code !== failure.code),
    typeof failure.command === 'string' && /^[A-Z ]{1,20}$/.test(failure.command) && `at ${failure.command}`,
  ].filter(Boolean);
  return parts.length > 0 ? [...new Set(parts)].join(', ') : 'no reply code';
}

/**
 * Sends one stored notification unless it went out already, or was erased since it was read (its
 * booking anonymized). A refusal or an unreachable server is written down (failed, with its codes)
 * and thrown as a failure naming the notification by id, so the activity's retry policy tries
 * again; a later success turns it into sent.
 */
export async function deliverNotification(db: Kysely<Database>, mailer: Mailer | null, notification: StoredNotification): Promise<boolean> {
  if (notification.status === 'sent' || !mailer || !notification.recipient) return notification.status === 'sent';
  if (await currentRecipient(db, notification.id) !== notification.recipient) return false;
  try {
    const { messageId } = await mailer.send({
      to: notification.recipient, subject: notification.subject, text: notification.body, html: notification.html,
      ics: notification.ics ? { method: /METHOD:CANCEL/.test(notification.ics) ? 'CANCEL' : 'REQUEST', content: notification.ics } : null,
    });
    await markNotification(db, notification.id, { status: 'sent', messageId });
    return true;
  } catch (error) {
    const reason = mailFailureOf(error);
    await markNotification(db, notification.id, { status: 'failed', error: reason });
    throw ApplicationFailure.retryable(`notification ${notification.id} (${notification.kind}) not sent: ${reason}`, MAIL_NOT_SENT);
  }
}

/**
 * Tries every notification, so one refused address does not leave the others untried; then throws
 * the first failure for the retry policy. Returns how many are sent.
 */
export async function deliverAll(db: Kysely<Database>, mailer: Mailer | null, queued: Array<StoredNotification | null>): Promise<number> {
  const notifications = queued.filter((notification): notification is StoredNotification => notification !== null);
  const outcomes = await Promise.allSettled(notifications.map((notification) => deliverNotification(db, mailer, notification)));
  const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure) throw failure.reason;
  return outcomes.filter((outcome) => outcome.status === 'fulfilled' && outcome.value).length;
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
 * Writes one e-mail to the outbox (once per key) with its HTML and its calendar attachment;
 * nothing (null) if the booking was anonymized since `input.booking` was read.
 */
export async function queueMail(
  db: Kysely<Database>, mailer: Mailer | null, links: MailLinks | null, now: Date,
  input: BookingMailInput & { recipient: string; dedupeKey: string; revisions: number },
): Promise<StoredNotification | null> {
  const mail = composeBookingMail(input);
  const ics = bookingInvitation({
    booking: input.booking, service: input.service, organizerName: input.branding.name, zone: input.zone,
    method: mail.method, manageUrl: input.kind.startsWith('host_') ? null : input.manageUrl, now, revisions: input.revisions,
  });
  return insertNotificationUnlessErased(db, {
    organization_id: input.booking.organization_id, booking_id: input.booking.id, kind: input.kind,
    dedupe_key: input.dedupeKey, channel: mailer ? 'email' : 'outbox', recipient: input.recipient,
    subject: mail.subject, body: mail.text, html: mail.html, ics, status: 'queued',
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
  const payload = event.payload as { start: string; end: string; updated_at: string };
  const booking: Booking = {
    ...current, start_at: new Date(payload.start), end_at: new Date(payload.end), updated_at: new Date(payload.updated_at),
  };
  const audit = await findEventByStep(db, booking.id, event.id.slice(booking.id.length + 1));
  const revisions = await countRevisions(db, booking.id, audit?.created_at ?? null);
  const { service, branding, resources } = await mailContext(db, booking);
  const previous = audit?.reason?.match(/^rescheduled from (\S+)$/)?.[1];
  const common = {
    booking, service, revisions, branding, hosts: resources, manageUrl: manageUrlOf(links, booking.id),
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
