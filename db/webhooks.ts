import { sql, type Kysely, type Transaction, type Updateable } from 'kysely';
import type { DeliveryPlan } from '../domain/booking-types';
import { createdAfter, type CreatedCursor } from './keyset';
import type {
  BookingEventType, Database, WebhookDelivery, WebhookEvent, WebhookSubscription, WebhookSubscriptionTable,
} from './schema';

type Db = Kysely<Database> | Transaction<Database>;

export const BOOKING_EVENT_TYPES = [
  'booking.held',
  'booking.awaiting_approval',
  'booking.waitlisted',
  'booking.promoted',
  'booking.confirmed',
  'booking.declined',
  'booking.cancelled',
  'booking.expired',
  'booking.rescheduled',
  'booking.checked_in',
  'booking.reminder_sent',
  'booking.anonymized',
  'booking.calendar_conflict',
] as const satisfies readonly BookingEventType[];

/** A subscription's event type that stands for all of them, including types added later. */
export const ALL_EVENT_TYPES = '*';

export interface NewBookingEvent {
  /** Unique and stable: `${bookingId}:${step}`, so a retried transition writes its event once. */
  id: string;
  organizationId: string;
  bookingId: string;
  type: BookingEventType;
  payload: Record<string, unknown>;
  occurredAt: Date;
  /** What its delivery sends (ids only); without it, the delivery reads its targets when it starts. */
  delivery?: DeliveryPlan;
}

/**
 * The outbox write: takes a Transaction so it commits with the transition it reports, or not at
 * all. A second insert of the same id changes nothing.
 */
export async function insertBookingEvent(trx: Transaction<Database>, event: NewBookingEvent): Promise<void> {
  await trx.insertInto('webhook_events').values({
    id: event.id,
    organization_id: event.organizationId,
    booking_id: event.bookingId,
    type: event.type,
    payload: JSON.stringify(event.payload),
    occurred_at: event.occurredAt,
    delivery: event.delivery ? JSON.stringify(event.delivery) : null,
  }).onConflict((oc) => oc.column('id').doNothing()).execute();
}

export function findWebhookEvent(db: Db, eventId: string): Promise<WebhookEvent | undefined> {
  return db.selectFrom('webhook_events').selectAll().where('id', '=', eventId).executeTakeFirst();
}

/**
 * An event's delivery plan, as written with it: undefined when the event is not there, null when
 * it was written before plans existed.
 */
export async function findDeliveryPlan(db: Db, eventId: string): Promise<DeliveryPlan | null | undefined> {
  const row = await db.selectFrom('webhook_events').select('delivery').where('id', '=', eventId).executeTakeFirst();
  return row ? row.delivery : undefined;
}

/** Enabled subscriptions of the organization that want this event type (by name or by '*'). */
export async function findSubscriptionsFor(db: Db, organizationId: string, type: BookingEventType): Promise<WebhookSubscription[]> {
  return db.selectFrom('webhook_subscriptions').selectAll()
    .where('organization_id', '=', organizationId)
    .where('enabled', '=', true)
    .where(sql<boolean>`event_types && ARRAY[${type}, ${ALL_EVENT_TYPES}]::text[]`)
    .orderBy('created_at').orderBy('id')
    .execute();
}

export function insertSubscription(
  db: Db,
  subscription: { organizationId: string; url: string; eventTypes: string[]; secret: string },
): Promise<WebhookSubscription> {
  return db.insertInto('webhook_subscriptions').values({
    organization_id: subscription.organizationId,
    url: subscription.url,
    event_types: subscription.eventTypes,
    secret: subscription.secret,
  }).returningAll().executeTakeFirstOrThrow();
}

export function findSubscription(db: Db, organizationId: string, subscriptionId: string): Promise<WebhookSubscription | undefined> {
  return db.selectFrom('webhook_subscriptions').selectAll()
    .where('organization_id', '=', organizationId).where('id', '=', subscriptionId)
    .executeTakeFirst();
}

/** For the delivery activity, which knows the subscription only by id (its event names the organization). */
export function findSubscriptionById(db: Db, subscriptionId: string): Promise<WebhookSubscription | undefined> {
  return db.selectFrom('webhook_subscriptions').selectAll().where('id', '=', subscriptionId).executeTakeFirst();
}

export function listSubscriptions(db: Db, organizationId: string, limit: number, after?: CreatedCursor) {
  let query = db.selectFrom('webhook_subscriptions').selectAll().where('organization_id', '=', organizationId);
  if (after) query = query.where(createdAfter(after));
  return query.orderBy('created_at').orderBy('id').limit(limit).execute();
}

export function updateSubscription(
  db: Db, organizationId: string, subscriptionId: string,
  changes: Pick<Updateable<WebhookSubscriptionTable>, 'url' | 'event_types' | 'enabled' | 'disabled_reason'>,
): Promise<WebhookSubscription | undefined> {
  return db.updateTable('webhook_subscriptions').set({ ...changes, updated_at: sql`date_trunc('milliseconds', now())` })
    .where('organization_id', '=', organizationId).where('id', '=', subscriptionId)
    .returningAll().executeTakeFirst();
}

/** The receiver said 410 Gone: nothing more is sent until the organization enables it again. */
export async function disableSubscription(db: Db, subscriptionId: string, reason: string): Promise<void> {
  await db.updateTable('webhook_subscriptions')
    .set({ enabled: false, disabled_reason: reason, updated_at: sql`date_trunc('milliseconds', now())` })
    .where('id', '=', subscriptionId).where('enabled', '=', true)
    .execute();
}

export async function deleteSubscription(db: Db, organizationId: string, subscriptionId: string): Promise<boolean> {
  const deleted = await db.deleteFrom('webhook_subscriptions')
    .where('organization_id', '=', organizationId).where('id', '=', subscriptionId)
    .executeTakeFirst();
  return deleted.numDeletedRows > 0n;
}

export interface DeliveryAttempt {
  subscriptionId: string;
  eventId: string;
  attempt: number;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  delivered: boolean;
}

/** Temporal numbers the attempts, so an activity that crashed after logging logs its attempt once. */
export async function recordDeliveryAttempt(db: Db, attempt: DeliveryAttempt): Promise<void> {
  await db.insertInto('webhook_deliveries').values({
    subscription_id: attempt.subscriptionId,
    event_id: attempt.eventId,
    attempt: attempt.attempt,
    status_code: attempt.statusCode,
    duration_ms: attempt.durationMs,
    error: attempt.error,
    delivered: attempt.delivered,
  }).onConflict((oc) => oc.columns(['subscription_id', 'event_id', 'attempt']).doNothing()).execute();
}

/** Newest first; the cursor is the last row's creation time and id. */
export function listDeliveries(
  db: Db, subscriptionId: string, limit: number, before?: { createdAt: Date; id: string },
): Promise<WebhookDelivery[]> {
  let query = db.selectFrom('webhook_deliveries').selectAll().where('subscription_id', '=', subscriptionId);
  if (before) {
    // A row-value comparison is an index condition on webhook_deliveries_subscription_idx: every page costs the same.
    query = query.where(sql<boolean>`(created_at, id) < (${before.createdAt}::timestamptz, ${before.id}::uuid)`);
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}
