import { sql, type Kysely } from 'kysely';

/**
 * What the systems this one replaces still did: a revision number per booking that
 * calendar files use as SEQUENCE, and the customer's extra contact data.
 */
// Frozen in time: this migration imports nothing from the app and takes Kysely<any>.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('bookings')
    .addColumn('revision', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('extra_emails', sql`text[]`, (col) => col.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('extra_phone_numbers', sql`text[]`, (col) => col.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('external_id', 'text')
    .addColumn('label', 'text')
    .addColumn('display_label', 'text')
    // Cancel-and-rebook: the booking this one replaced (which was cancelled because of it).
    .addColumn('rebooked_from', 'uuid', (col) => col.references('bookings.id'))
    .execute();
  await db.schema.createIndex('bookings_rebooked_from_idx').on('bookings').column('rebooked_from')
    .where(sql.ref('rebooked_from'), 'is not', null).execute();
  // Named groups of the service's resources, each needing one or all of its members (Aurinko's).
  await db.schema.alterTable('services')
    .addColumn('resource_groups', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
    // How long after a booking's end presence or absence may still be recorded.
    .addColumn('check_in_window_hours', 'double precision', (col) => col.notNull().defaultTo(48))
    .execute();
  await db.schema.createIndex('bookings_external_id_idx').on('bookings')
    .columns(['organization_id', 'external_id', 'start_at']).where(sql.ref('external_id'), 'is not', null).execute();

  // Every change a calendar app should apply bumps the revision, whichever code path makes it:
  // the database counts, so no writer can forget to (SEQUENCE must grow or the update is ignored).
  await sql`
    CREATE FUNCTION bookings_bump_revision() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF (OLD.status, OLD.start_at, OLD.end_at, OLD.timezone, OLD.resource_ids, OLD.spaces,
          OLD.customer_name, OLD.customer_email, OLD.customer_phone, OLD.notes,
          OLD.extra_emails, OLD.extra_phone_numbers, OLD.external_id, OLD.label, OLD.display_label)
         IS DISTINCT FROM
         (NEW.status, NEW.start_at, NEW.end_at, NEW.timezone, NEW.resource_ids, NEW.spaces,
          NEW.customer_name, NEW.customer_email, NEW.customer_phone, NEW.notes,
          NEW.extra_emails, NEW.extra_phone_numbers, NEW.external_id, NEW.label, NEW.display_label) THEN
        NEW.revision := OLD.revision + 1;
      END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER bookings_revision BEFORE UPDATE ON bookings
    FOR EACH ROW EXECUTE FUNCTION bookings_bump_revision()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER bookings_revision ON bookings`.execute(db);
  await sql`DROP FUNCTION bookings_bump_revision()`.execute(db);
  await db.schema.alterTable('services').dropColumn('resource_groups').dropColumn('check_in_window_hours').execute();
  await db.schema.alterTable('bookings')
    .dropColumn('revision').dropColumn('extra_emails').dropColumn('extra_phone_numbers')
    .dropColumn('external_id').dropColumn('label').dropColumn('display_label').dropColumn('rebooked_from')
    .execute();
}
