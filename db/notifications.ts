import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database, NotificationTable } from './schema';
import type { Insertable } from 'kysely';

type Db = Kysely<Database> | Transaction<Database>;

export type StoredNotification = Selectable<NotificationTable>;

/** Returns the stored row: the new one, or the one an earlier attempt wrote under the same key. */
export async function insertNotification(db: Db, notification: Insertable<NotificationTable>): Promise<StoredNotification> {
  await db.insertInto('notifications').values(notification)
    .onConflict((oc) => oc.column('dedupe_key').doNothing()).execute();
  return db.selectFrom('notifications').selectAll()
    .where('dedupe_key', '=', notification.dedupe_key).executeTakeFirstOrThrow();
}

/**
 * As insertNotification, unless the booking was anonymized after `composedFrom` was read (the mail
 * may name the person it no longer names): then nothing is written and null returned. The
 * booking's row is locked for share, so an anonymization in progress finishes first (and this
 * sees it) or waits for this row to be written (and erases it).
 */
export async function insertNotificationUnlessErased(
  db: Kysely<Database>, notification: Insertable<NotificationTable>, composedFrom: { anonymized_at: Date | null },
): Promise<StoredNotification | null> {
  return db.transaction().execute(async (trx) => {
    const booking = await trx.selectFrom('bookings').select('anonymized_at')
      .where('id', '=', notification.booking_id).forShare().executeTakeFirst();
    if (booking?.anonymized_at && !composedFrom.anonymized_at) return null;
    return insertNotification(trx, notification);
  });
}

/** Where a notification goes now: null once erased (anonymized), undefined if the row is gone. */
export async function currentRecipient(db: Db, id: string): Promise<string | null | undefined> {
  const row = await db.selectFrom('notifications').select('recipient').where('id', '=', id).executeTakeFirst();
  return row ? row.recipient : undefined;
}

export async function markNotification(
  db: Db, id: string, outcome: { status: 'sent'; messageId: string } | { status: 'failed'; error: string },
) {
  await db.updateTable('notifications')
    .set(outcome.status === 'sent'
      ? { status: 'sent', channel: 'email', error: null, message_id: outcome.messageId, sent_at: new Date() }
      : { status: 'failed', error: outcome.error })
    .where('id', '=', id).execute();
}

export function listNotifications(db: Db, organizationId: string, bookingId: string) {
  return db.selectFrom('notifications').selectAll()
    .where('organization_id', '=', organizationId).where('booking_id', '=', bookingId)
    .orderBy('created_at').orderBy('id').execute();
}

export function findNotification(db: Db, organizationId: string, bookingId: string, notificationId: string) {
  return db.selectFrom('notifications').selectAll()
    .where('organization_id', '=', organizationId).where('booking_id', '=', bookingId).where('id', '=', notificationId)
    .executeTakeFirst();
}

/** Sent or failed, it is to go out again: queued, on the e-mail channel, without the last error. */
export function requeueNotification(db: Db, id: string): Promise<StoredNotification> {
  return db.updateTable('notifications').set({ status: 'queued', channel: 'email', error: null })
    .where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/**
 * Claims the outbox's queued rows written since `since` (newest first, at most `limit`) for the
 * e-mail channel: two workers starting together each get their own rows, never the same one.
 */
export async function queuedNotifications(db: Db, since: Date, limit: number): Promise<StoredNotification[]> {
  const claimable = db.selectFrom('notifications').select('id')
    .where('channel', '=', 'outbox').where('status', '=', 'queued').where('created_at', '>=', since)
    .where('recipient', 'is not', null).where('sealed_message', 'is not', null)
    .orderBy('created_at', 'desc').limit(limit).forUpdate().skipLocked();
  return db.updateTable('notifications').set({ channel: sql<'email'>`'email'` })
    .where('id', 'in', claimable).returningAll().execute();
}
