import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import {
  disableSubscription, findSubscriptionById, findSubscriptionsFor, findWebhookEvent, recordDeliveryAttempt,
} from '../db/webhooks';
import { recordCallbackAttempt } from '../db/booking-callbacks';
import { findBookingById, findEventByStep } from '../db/bookings';
import { BOOKING_CALLBACK_TARGET, wantsCallback } from '../bookings/booking-event';
import { signWebhook } from '../outbound/webhook-signature';
import type { OutboundPolicy } from '../outbound/address-policy';
import { OutboundRefused, postWithinPolicy } from '../outbound/post';

/** ApplicationFailure types of a delivery attempt: the workflow reads them, operators see them. */
export const WEBHOOK_REJECTED = 'WebhookRejected';
export const WEBHOOK_NOT_DELIVERED = 'WebhookNotDelivered';
export const WEBHOOK_TARGET_REFUSED = 'WebhookTargetRefused';

/** A receiver that neither answers nor fails within this is treated like one that is down. */
const REQUEST_TIMEOUT_MS = 10_000;
/** Enough of a receiver's error page to tell what went wrong, not enough to fill the log. */
const LOGGED_BODY_CHARS = 200;
/** What we read of a receiver's answer at most; a receiver cannot make us buffer more. */
const MAX_RESPONSE_BYTES = 64 * 1024;

export interface EventSubscriptionsRequest { eventId: string; organizationId: string }
export interface DeliverWebhookRequest {
  eventId: string;
  subscriptionId: string;
  /** Attempts made before this activity (the delivery's first, in the worker): the log numbers on from them. */
  attemptsBefore?: number;
}
export type DeliverWebhookOutcome =
  | { outcome: 'delivered'; statusCode: number }
  | { outcome: 'disabled'; statusCode: 410 }
  /** The event or subscription is gone, or the subscription was disabled meanwhile. */
  | { outcome: 'skipped' };

/**
 * Where the event goes, read when delivery starts: the ids of the enabled subscriptions that want
 * it, and `BOOKING_CALLBACK_TARGET` if the booking has a callback URL for this kind of event.
 */
export async function listEventSubscriptions(db: Kysely<Database>, request: EventSubscriptionsRequest): Promise<string[]> {
  const event = await findWebhookEvent(db, request.eventId);
  if (!event || event.organization_id !== request.organizationId) return [];
  const subscriptions = await findSubscriptionsFor(db, event.organization_id, event.type);
  const booking = await findBookingById(db, event.booking_id);
  const callback = booking && wantsCallback(booking, event.type) ? [BOOKING_CALLBACK_TARGET] : [];
  return [...subscriptions.map((subscription) => subscription.id), ...callback];
}

/**
 * Duck-typed rather than `instanceof Error`: fetch's errors may come from another realm (a test
 * runner's VM context), where that check is false.
 */
function describeFetchError(error: unknown): string {
  const failure = error as { name?: string; message?: string; cause?: { code?: string; message?: string } } | null;
  if (!failure || typeof failure.message !== 'string') return String(error);
  if (failure.name === 'TimeoutError') return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  const cause = failure.cause;
  return cause ? `${failure.message}: ${cause.code ?? cause.message}` : failure.message;
}

interface Attempt { statusCode: number | null; error: string | null; durationMs: number; delivered: boolean; refused: boolean }

/** One signed POST, Standard Webhooks headers, never following redirects; whatever happens is described. */
async function postSigned(
  policy: OutboundPolicy, url: string, secret: string, eventId: string, body: string, now: Date,
): Promise<Attempt> {
  const timestamp = Math.floor(now.getTime() / 1000);
  const started = performance.now();
  let statusCode: number | null = null;
  let error: string | null = null;
  let refused = false;
  try {
    // A redirect could carry the signed body somewhere the subscriber never registered: a 3xx
    // is an answer like any other, and postWithinPolicy never follows it.
    const answer = await postWithinPolicy(policy, url, {
      'content-type': 'application/json',
      'user-agent': 'booking-orchestrator-webhooks/1',
      'webhook-id': eventId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook(secret, eventId, timestamp, body),
    }, body, { timeoutMs: REQUEST_TIMEOUT_MS, maxResponseBytes: MAX_RESPONSE_BYTES });
    statusCode = answer.statusCode;
    if (statusCode < 200 || statusCode >= 300) {
      error = `receiver answered ${statusCode}${answer.body ? `: ${answer.body.slice(0, LOGGED_BODY_CHARS)}` : ''}`;
    }
  } catch (failure) {
    refused = failure instanceof OutboundRefused;
    error = refused ? `refused: ${(failure as Error).message}` : describeFetchError(failure);
  }
  const durationMs = Math.round(performance.now() - started);
  return { statusCode, error, durationMs, delivered: statusCode !== null && statusCode >= 200 && statusCode < 300, refused };
}

/**
 * Any 4xx but 408 and 429 says the request itself is wrong for this receiver; sending it again
 * will not help. 408 and 429 are the receiver asking us to come back later.
 */
function retryOrStop(attempt: Attempt): never {
  const { statusCode, error } = attempt;
  // An internal target stays internal: the operator, not a retry, can let it through.
  if (attempt.refused) throw ApplicationFailure.nonRetryable(error!, WEBHOOK_TARGET_REFUSED);
  if (statusCode !== null && statusCode >= 400 && statusCode < 500 && statusCode !== 408 && statusCode !== 429) {
    throw ApplicationFailure.nonRetryable(error!, WEBHOOK_REJECTED);
  }
  throw ApplicationFailure.retryable(error!, WEBHOOK_NOT_DELIVERED);
}

/**
 * One attempt to POST one event to one subscription (or to the booking's own callback URL), logged
 * whatever happens. Temporal's retry policy on this activity is the backoff: it throws to be tried
 * again, throws non-retryable to stop, and returns when there is nothing more to do. Receivers drop
 * repeats by `webhook-id`.
 */
export async function deliverWebhook(
  db: Kysely<Database>, policy: OutboundPolicy, request: DeliverWebhookRequest, now: Date,
): Promise<DeliverWebhookOutcome> {
  const number = Context.current().info.attempt + (request.attemptsBefore ?? 0);
  if (request.subscriptionId === BOOKING_CALLBACK_TARGET) return deliverBookingCallback(db, policy, request.eventId, number, now);
  const event = await findWebhookEvent(db, request.eventId);
  const subscription = await findSubscriptionById(db, request.subscriptionId);
  if (!event || !subscription || !subscription.enabled || subscription.organization_id !== event.organization_id) {
    return { outcome: 'skipped' };
  }

  const body = JSON.stringify({ id: event.id, type: event.type, timestamp: event.occurred_at.toISOString(), data: event.payload });
  const attempt = await postSigned(policy, subscription.url, subscription.secret, event.id, body, now);
  await recordDeliveryAttempt(db, {
    subscriptionId: subscription.id, eventId: event.id, attempt: number,
    statusCode: attempt.statusCode, durationMs: attempt.durationMs, error: attempt.error, delivered: attempt.delivered,
  });

  if (attempt.delivered) return { outcome: 'delivered', statusCode: attempt.statusCode! };
  if (attempt.statusCode === 410) {
    await disableSubscription(db, subscription.id, `the receiver answered 410 Gone to event ${event.id} on ${now.toISOString()}`);
    return { outcome: 'disabled', statusCode: 410 };
  }
  return retryOrStop(attempt);
}

/**
 * The booking's own callback: the event as subscribers get it, plus `reason` (the cancellation's,
 * or the host's check-in reason) and, for a check-in, `present`. Signed with the booking's secret.
 * A 410 stops this event's retries like any other refusal; there is no subscription to disable.
 */
async function deliverBookingCallback(
  db: Kysely<Database>, policy: OutboundPolicy, eventId: string, number: number, now: Date,
): Promise<DeliverWebhookOutcome> {
  const event = await findWebhookEvent(db, eventId);
  const booking = event && await findBookingById(db, event.booking_id);
  if (!event || !booking?.callback_url || !booking.callback_secret || !wantsCallback(booking, event.type)) return { outcome: 'skipped' };

  const step = event.id.slice(booking.id.length + 1);
  const audit = await findEventByStep(db, booking.id, step);
  const checkIn = event.type === 'booking.checked_in';
  const body = JSON.stringify({
    id: event.id, type: event.type, timestamp: event.occurred_at.toISOString(), data: event.payload,
    reason: checkIn ? booking.check_in_reason : audit?.reason ?? null,
    ...(checkIn && { present: (event.payload as { checked_in: boolean | null }).checked_in === true }),
  });
  const attempt = await postSigned(policy, booking.callback_url, booking.callback_secret, event.id, body, now);
  await recordCallbackAttempt(db, {
    organizationId: booking.organization_id, bookingId: booking.id, eventId: event.id, url: booking.callback_url,
    attempt: number,
    statusCode: attempt.statusCode, durationMs: attempt.durationMs, error: attempt.error, delivered: attempt.delivered,
  });
  if (attempt.delivered) return { outcome: 'delivered', statusCode: attempt.statusCode! };
  return retryOrStop(attempt);
}
