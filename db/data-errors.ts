/** Failure type of an activity whose data the database refused: the API answers it 4xx. */
export const INVALID_DATA = 'InvalidData';

const UNIQUE_VIOLATION = '23505';

/**
 * PostgreSQL's classes 22 (data exception: a value out of range, NUL in text, an invalid date)
 * and 23 (integrity constraint violation) fail the same way on every retry. Retried, such an
 * error pins a local activity (and the request waiting on it) forever. Except a unique
 * violation: two attempts of one idempotent step racing to insert the same row, which the
 * retry resolves by finding the row.
 */
export function isInvalidData(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code) && code !== UNIQUE_VIOLATION;
}
