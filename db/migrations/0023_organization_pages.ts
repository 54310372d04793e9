import { sql, type Kysely } from 'kysely';

/**
 * An organization's own page (/book/<slug>, listing its public services) and the sites allowed to
 * frame its pages. The slug is unique among organizations; the pages look a service slug up
 * first, and the organization API refuses a slug a service already has.
 */
// Frozen in time: this migration imports nothing from the app and takes Kysely<any>.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('organizations')
    .addColumn('slug', 'text', (col) => col.unique())
    .addColumn('embed_origins', sql`text[]`, (col) => col.notNull().defaultTo(sql`'{}'::text[]`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('organizations').dropColumn('slug').dropColumn('embed_origins').execute();
}
