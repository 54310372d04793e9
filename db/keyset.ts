import { sql } from 'kysely';

export interface CreatedCursor { createdAt: Date; id: string }

/**
 * Rows after the cursor in (created_at, id) order. The cursor carries milliseconds while
 * timestamptz keeps microseconds, so the column is truncated the same way before comparing;
 * otherwise a page's last row would come again on the next page.
 */
export function createdAfter(after: CreatedCursor) {
  return sql<boolean>`(date_trunc('milliseconds', created_at), id) > (${after.createdAt}::timestamptz, ${after.id}::uuid)`;
}
