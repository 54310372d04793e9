import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A customer's key to one booking: the booking id signed with the server's secret. Derived, not
 * stored, so a replayed reservation (same Idempotency-Key) hands out the same token again.
 */
export function issueManageToken(secret: string, bookingId: string): string {
  return `mt_${bookingId}.${sign(secret, bookingId)}`;
}

export function verifyManageToken(secret: string, token: string): string | null {
  const match = /^mt_([0-9a-f-]{36})\.([A-Za-z0-9_-]+)$/.exec(token);
  if (!match) return null;
  const [, bookingId, signature] = match;
  const expected = Buffer.from(sign(secret, bookingId));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given) ? bookingId : null;
}

function sign(secret: string, bookingId: string): string {
  return createHmac('sha256', secret).update(`booking:${bookingId}`).digest('base64url');
}
