import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import { currentRecipient, findNotification, markNotification, queuedNotifications, requeueNotification, type StoredNotification } from '../db/notifications';
import type { Database } from '../db/schema';
import type { Mail, Mailer } from '../outbound/mailer';
import { open, seal } from '../personal-data/payload-codec';
import { personalKeysOf } from '../personal-data/keys';
import { Conflict, NotFound } from './errors';

/**
 * The rendered message, sealed with its booking's personal-data key: the outbox can send it later
 * (a mailer configured after it was queued, an operator's resend) and anonymizing the booking
 * erases the key, so what it said can never be read again.
 */
export async function sealMail(db: Kysely<Database>, bookingId: string, mail: Mail): Promise<string | null> {
  const key = await personalKeysOf(db).keyFor(bookingId, true);
  return key ? seal(key, bookingId, JSON.stringify(mail)) : null;
}

/** The stored message, or null once its booking was anonymized (or for a row written before messages were kept). */
export async function openMail(db: Kysely<Database>, notification: Pick<StoredNotification, 'booking_id' | 'sealed_message'>): Promise<Mail | null> {
  if (!notification.sealed_message) return null;
  const key = await personalKeysOf(db).keyFor(notification.booking_id, false);
  return key ? JSON.parse(open(key, notification.booking_id, notification.sealed_message)) as Mail : null;
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
  const mail = await openMail(db, notification);
  if (!mail) {
    await markNotification(db, notification.id, { status: 'failed', error: 'the message is no longer stored (its booking was anonymized)' });
    return false;
  }
  try {
    const { messageId } = await mailer.send(mail);
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

/**
 * An operator sends one of a booking's e-mails again (a lost message, a fixed address, a mail
 * server that was down): the stored message as it was rendered, with a new message id.
 */
export async function resendNotification(
  db: Kysely<Database>, mailer: Mailer | null, organizationId: string, bookingId: string, notificationId: string,
): Promise<StoredNotification> {
  const notification = await findNotification(db, organizationId, bookingId, notificationId);
  if (!notification) throw new NotFound(`notification ${notificationId} of booking ${bookingId} not found`);
  if (!mailer) throw new Conflict('mail_off', 'e-mail is off (SMTP_URL is not set): the notification stays queued in the outbox');
  if (!notification.recipient || !notification.sealed_message) {
    throw new Conflict('message_not_stored', 'this notification\'s message is not stored (its booking was anonymized, or it predates stored messages)');
  }
  const queued = await requeueNotification(db, notification.id);
  try {
    await deliverNotification(db, mailer, queued);
  } catch {
    // Written down on the row (failed, with the error): the answer shows it.
  }
  return (await findNotification(db, organizationId, bookingId, notificationId))!;
}

/** How long a mail queued while e-mail was off is still worth sending once a mailer appears. */
export const QUEUED_MAIL_MAX_AGE_HOURS = 72;
/** At most this many queued mails are sent per drain, so a long-off outbox cannot flood the mail server at start. */
export const QUEUED_MAIL_DRAIN_LIMIT = 500;

/**
 * Sends what was queued while e-mail was off (or failed and was never retried): the newest
 * first-time-queued rows no older than `maxAgeHours`, at most `limit` of them. Older ones stay
 * queued, visible in GET /v1/bookings/{id}/notifications, for an operator to resend. One refusal
 * does not stop the others.
 */
export async function drainQueuedMail(
  db: Kysely<Database>, mailer: Mailer, now: Date, options: { maxAgeHours?: number; limit?: number } = {},
): Promise<{ sent: number; failed: number }> {
  const since = new Date(now.getTime() - (options.maxAgeHours ?? QUEUED_MAIL_MAX_AGE_HOURS) * 3_600_000);
  const rows = await queuedNotifications(db, since, options.limit ?? QUEUED_MAIL_DRAIN_LIMIT);
  let sent = 0;
  let failed = 0;
  for (const row of rows) {
    try {
      if (await deliverNotification(db, mailer, row)) sent += 1;
      else failed += 1;
    } catch {
      failed += 1;
    }
  }
  return { sent, failed };
}
