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

/**
 * The key in a resource's calendar feed URL, for calendar apps that cannot send headers: the
 * resource id signed with the same secret, under another label so it never doubles as a manage
 * token. Anyone with the URL reads the feed; rotating the secret revokes every feed URL.
 */
export function issueCalendarFeedToken(secret: string, resourceId: string): string {
  return createHmac('sha256', secret).update(`calendar-feed:${resourceId}`).digest('base64url');
}

export function verifyCalendarFeedToken(secret: string, resourceId: string, token: string): boolean {
  const expected = Buffer.from(issueCalendarFeedToken(secret, resourceId));
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
