import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures in the Standard Webhooks scheme (https://www.standardwebhooks.com), so a
 * receiver can use any of its libraries: the secret is `whsec_` + base64 key bytes, and the
 * signature is `v1,` + base64 HMAC-SHA256(key, `${id}.${timestamp}.${body}`).
 */
export const SECRET_PREFIX = 'whsec_';

/** How far a receiver lets a timestamp stray from its clock before it refuses the request as a replay. */
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** The HMAC key: the base64 bytes after the prefix. */
function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

/** The `webhook-signature` header value for one request. `timestamp` is in unix seconds. */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const digest = createHmac('sha256', keyOf(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
  return `v1,${digest}`;
}

export interface WebhookHeaders {
  'webhook-id': string | undefined;
  'webhook-timestamp': string | undefined;
  'webhook-signature': string | undefined;
}

/**
 * What a receiver does: recompute the signature over the id, timestamp and raw body it got, and
 * accept if any of the space-separated `v1,` signatures matches (several appear while a secret is
 * rotated) and the timestamp is recent.
 */
export function verifyWebhook(
  secret: string, headers: WebhookHeaders, body: string,
  options: { now?: Date; toleranceSeconds?: number } = {},
): boolean {
  const { 'webhook-id': id, 'webhook-timestamp': timestampText, 'webhook-signature': signatures } = headers;
  if (!id || !timestampText || !signatures || !/^\d+$/.test(timestampText)) return false;
  const timestamp = Number(timestampText);
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowSeconds - timestamp) > (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return false;
  const expected = Buffer.from(signWebhook(secret, id, timestamp, body));
  return signatures.split(' ').some((signature) => {
    const candidate = Buffer.from(signature);
    return candidate.length === expected.length && timingSafeEqual(candidate, expected);
  });
}
