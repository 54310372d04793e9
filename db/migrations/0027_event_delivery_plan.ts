import type { Kysely } from 'kysely';

/**
 * Each booking event's delivery plan, written with the event: what its delivery sends (e-mails,
 * calendar write-back, the webhook targets by id). Null in rows written before plans existed: their
 * delivery reads its targets when it starts.
 */
// Frozen in time: this migration imports nothing from the app and takes Kysely<any>.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('webhook_events').addColumn('delivery', 'jsonb').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('webhook_events').dropColumn('delivery').execute();
}
