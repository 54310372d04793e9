import { InvalidInput } from './errors';

/** Opaque to clients: the sort key of the last row of the previous page. */
export function encodeCursor(sortValue: Date, id: string): string {
  return Buffer.from(JSON.stringify([sortValue.toISOString(), id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): { at: Date; id: string } | undefined {
  if (!cursor) return undefined;
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const date = new Date(at);
    if (typeof id !== 'string' || Number.isNaN(date.getTime())) throw new Error('bad cursor');
    return { at: date, id };
  } catch {
    throw new InvalidInput([{ path: 'cursor', message: 'is not a cursor this API returned' }]);
  }
}

export function nextCursor<T extends { id: string }>(rows: T[], limit: number, sortValue: (row: T) => Date): string | null {
  if (rows.length < limit) return null;
  const last = rows[rows.length - 1];
  return encodeCursor(sortValue(last), last.id);
}
