import type { Kysely, Selectable, Transaction } from 'kysely';
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

export async function markNotification(
  db: Db, id: string, outcome: { status: 'sent'; messageId: string } | { status: 'failed'; error: string },
) {
  await db.updateTable('notifications')
    .set(outcome.status === 'sent'
      ? { status: 'sent', error: null, message_id: outcome.messageId, sent_at: new Date() }
      : { status: 'failed', error: outcome.error })
    .where('id', '=', id).execute();
}

export function listNotifications(db: Db, organizationId: string, bookingId: string) {
  return db.selectFrom('notifications').selectAll()
    .where('organization_id', '=', organizationId).where('booking_id', '=', bookingId)
    .orderBy('created_at').orderBy('id').execute();
}
