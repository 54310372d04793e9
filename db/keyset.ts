import { sql } from 'kysely';

export interface CreatedCursor { createdAt: Date; id: string }

/**
 * Rows after the cursor in (created_at, id) order. The cursor carries milliseconds while
 * timestamptz keeps microseconds, so the column is truncated the same way before comparing;
 * otherwise a page's last row would come again on the next page. The plain bound before it is what
 * the (organization_id, created_at, id) index reads from, so a deep page costs what the first does;
 * the truncated comparison then only sets aside the rows of the cursor's own millisecond.
 */
export function createdAfter(after: CreatedCursor) {
  return sql<boolean>`created_at >= ${after.createdAt}::timestamptz AND (date_trunc('milliseconds', created_at), id) > (${after.createdAt}::timestamptz, ${after.id}::uuid)`;
}
