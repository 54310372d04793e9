import { InvalidInput } from './errors';

const CURSOR = /^([0-9a-f]{12})([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})$/;

/**
 * Opaque to clients: the sort key of the last row of the previous page, as 44 hex digits (its
 * milliseconds since 1970 in 12, then its UUID without dashes). Every string of that shape is a
 * cursor, so the document's pattern is the whole rule.
 */
export function encodeCursor(sortValue: Date, id: string): string {
  return sortValue.getTime().toString(16).padStart(12, '0') + id.replace(/-/g, '').toLowerCase();
}

export function decodeCursor(cursor: string | undefined): { at: Date; id: string } | undefined {
  if (!cursor) return undefined;
  const parts = CURSOR.exec(cursor);
  if (!parts) throw new InvalidInput([{ path: 'cursor', message: 'is not a cursor this API returned' }]);
  const [, at, ...id] = parts;
  return { at: new Date(parseInt(at, 16)), id: id.join('-') };
}

export function nextCursor<T extends { id: string }>(rows: T[], limit: number, sortValue: (row: T) => Date): string | null {
  if (rows.length < limit) return null;
  const last = rows[rows.length - 1];
  return encodeCursor(sortValue(last), last.id);
}
