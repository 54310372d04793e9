import type { Kysely, Transaction } from 'kysely';
import type { Database, NotificationTable } from './schema';
import type { Insertable } from 'kysely';

type Db = Kysely<Database> | Transaction<Database>;

/** Returns the stored row: the new one, or the one an earlier attempt wrote under the same key. */
export async function insertNotification(db: Db, notification: Insertable<NotificationTable>) {
  await db.insertInto('notifications').values(notification)
    .onConflict((oc) => oc.column('dedupe_key').doNothing()).execute();
  return db.selectFrom('notifications').selectAll()
    .where('dedupe_key', '=', notification.dedupe_key).executeTakeFirstOrThrow();
}

export async function markNotification(db: Db, id: string, outcome: { status: 'sent' | 'failed'; error?: string | null }) {
  await db.updateTable('notifications')
    .set({ status: outcome.status, error: outcome.error ?? null, sent_at: outcome.status === 'sent' ? new Date() : null })
    .where('id', '=', id).execute();
}

export function listNotifications(db: Db, organizationId: string, bookingId: string) {
  return db.selectFrom('notifications').selectAll()
    .where('organization_id', '=', organizationId).where('booking_id', '=', bookingId)
    .orderBy('created_at').orderBy('id').execute();
}
