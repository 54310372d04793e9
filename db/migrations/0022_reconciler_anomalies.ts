import { sql, type Kysely } from 'kysely';

/**
 * What lets the reconciler read only what changed instead of every live booking:
 * - `workflow_started_at`: when a booking's workflow was seen running (recorded by the reconciler
 *   once it has checked it, and by an adoption). A live row without it is the only kind whose
 *   workflow was never confirmed; a partial index keeps those few at hand.
 * - an index on each live row's next deadline (the hold's, the approval's, the end), the expression
 *   the reconciler asks for, so the rows long past it are found without reading the others.
 * - `reconciler_marks`: how far the reconciler has read Temporal's closed workflows.
 */
// Frozen in time: this migration imports nothing from the app and takes Kysely<any>.
const LIVE = sql`status IN ('waitlisted', 'held', 'pending_approval', 'confirmed')`;
const DEADLINE = sql`(CASE status WHEN 'held' THEN hold_expires_at WHEN 'pending_approval' THEN approval_expires_at WHEN 'confirmed' THEN end_at END)`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('bookings').addColumn('workflow_started_at', 'timestamptz').execute();
  await sql`CREATE INDEX bookings_live_unstarted_idx ON bookings (created_at, id) WHERE workflow_started_at IS NULL AND ${LIVE}`.execute(db);
  await sql`CREATE INDEX bookings_live_deadline_idx ON bookings (${DEADLINE}) WHERE ${LIVE}`.execute(db);
  await db.schema.createTable('reconciler_marks')
    .addColumn('name', 'text', (col) => col.primaryKey())
    .addColumn('closed_since', 'timestamptz', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('reconciler_marks').execute();
  await sql`DROP INDEX bookings_live_deadline_idx`.execute(db);
  await sql`DROP INDEX bookings_live_unstarted_idx`.execute(db);
  await db.schema.alterTable('bookings').dropColumn('workflow_started_at').execute();
}
