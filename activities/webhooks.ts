import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import {
  disableSubscription, findSubscriptionById, findSubscriptionsFor, findWebhookEvent, recordDeliveryAttempt,
} from '../db/webhooks';
import { signWebhook } from './webhook-signature';

/** ApplicationFailure types of a delivery attempt: the workflow reads them, operators see them. */
export const WEBHOOK_REJECTED = 'WebhookRejected';
export const WEBHOOK_NOT_DELIVERED = 'WebhookNotDelivered';

/** A receiver that neither answers nor fails within this is treated like one that is down. */
const REQUEST_TIMEOUT_MS = 10_000;
/** Enough of a receiver's error page to tell what went wrong, not enough to fill the log. */
const LOGGED_BODY_CHARS = 200;

export interface EventSubscriptionsRequest { eventId: string; organizationId: string }
export interface DeliverWebhookRequest { eventId: string; subscriptionId: string }
export type DeliverWebhookOutcome =
  | { outcome: 'delivered'; statusCode: number }
  | { outcome: 'disabled'; statusCode: 410 }
  /** The event or subscription is gone, or the subscription was disabled meanwhile. */
  | { outcome: 'skipped' };

/** Ids of the enabled subscriptions that want this event, read when delivery starts. */
export async function listEventSubscriptions(db: Kysely<Database>, request: EventSubscriptionsRequest): Promise<string[]> {
  const event = await findWebhookEvent(db, request.eventId);
  if (!event || event.organization_id !== request.organizationId) return [];
  const subscriptions = await findSubscriptionsFor(db, event.organization_id, event.type);
  return subscriptions.map((subscription) => subscription.id);
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

/**
 * One attempt to POST one event to one subscription, logged whatever happens. Temporal's retry
 * policy on this activity is the backoff: it throws to be tried again, throws non-retryable to
 * stop, and returns when there is nothing more to do. Receivers drop repeats by `webhook-id`.
 */
export async function deliverWebhook(db: Kysely<Database>, request: DeliverWebhookRequest, now: Date): Promise<DeliverWebhookOutcome> {
  const event = await findWebhookEvent(db, request.eventId);
  const subscription = await findSubscriptionById(db, request.subscriptionId);
  if (!event || !subscription || !subscription.enabled || subscription.organization_id !== event.organization_id) {
    return { outcome: 'skipped' };
  }

  const body = JSON.stringify({ id: event.id, type: event.type, timestamp: event.occurred_at.toISOString(), data: event.payload });
  const timestamp = Math.floor(now.getTime() / 1000);
  const attempt = Context.current().info.attempt;
  const started = performance.now();
  let statusCode: number | null = null;
  let error: string | null = null;
  try {
    const response = await fetch(subscription.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'booking-orchestrator-webhooks/1',
        'webhook-id': event.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(subscription.secret, event.id, timestamp, body),
      },
      body,
      // A redirect could carry the signed body somewhere the subscriber never registered.
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    statusCode = response.status;
    const answer = await response.text();
    if (statusCode < 200 || statusCode >= 300) {
      error = `receiver answered ${statusCode}${answer ? `: ${answer.slice(0, LOGGED_BODY_CHARS)}` : ''}`;
    }
  } catch (failure) {
    error = describeFetchError(failure);
  }
  const durationMs = Math.round(performance.now() - started);
  const delivered = statusCode !== null && statusCode >= 200 && statusCode < 300;
  await recordDeliveryAttempt(db, {
    subscriptionId: subscription.id, eventId: event.id, attempt, statusCode, durationMs, error, delivered,
  });

  if (delivered) return { outcome: 'delivered', statusCode: statusCode! };
  if (statusCode === 410) {
    await disableSubscription(db, subscription.id, `the receiver answered 410 Gone to event ${event.id} on ${now.toISOString()}`);
    return { outcome: 'disabled', statusCode: 410 };
  }
  // Any other 4xx says the request itself is wrong for this receiver; sending it again will not
  // help. 408 and 429 are the receiver asking us to come back later.
  if (statusCode !== null && statusCode >= 400 && statusCode < 500 && statusCode !== 408 && statusCode !== 429) {
    throw ApplicationFailure.nonRetryable(error!, WEBHOOK_REJECTED);
  }
  throw ApplicationFailure.retryable(error!, WEBHOOK_NOT_DELIVERED);
}
