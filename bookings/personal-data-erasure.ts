import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { sql, type Kysely, type Transaction } from 'kysely';
import { bookingWorkflowId, personalDataErasedUpdate, webhookDeliveryWorkflowId } from '../workflows/messages';
import { withTemporalDeadline } from './temporal-deadline';
import { appendBookingEvent } from '../db/bookings';
import { TERMINAL_STATUSES } from '../domain/booking-status';
import { bookingEventId, recordBookingEvent } from './booking-event';
import type { Updateable } from 'kysely';
import type { Booking, BookingTable, Database } from '../db/schema';
import { personalKeysOf } from '../personal-data/keys';
import { oneBookingReconciliation, RECONCILER_WORKFLOW } from './booking-repair';

type Db = Kysely<Database> | Transaction<Database>;

/** gRPC's status code of a workflow service call that found nothing (deleted already). */
const GRPC_NOT_FOUND = 5;

/**
 * What anonymizing erases from a booking row: everything that names, reaches or describes the
 * customer. Times, status, spaces, resources, service, session, metadata (the caller's own
 * references, documented as not for personal data) and the callback URL (the caller's endpoint) stay.
 */
const ERASED_BOOKING_FIELDS: Updateable<BookingTable> = {
  customer_name: null,
  customer_email: null,
  customer_phone: null,
  customer_timezone: null,
  notes: null,
  extra_emails: [],
  extra_phone_numbers: [],
  external_id: null,
  // Labels are free text the caller may fill with the customer's name ("Lee, Ada"): erased too.
  label: null,
  display_label: null,
  booking_fields: '{}',
  // The host's note on presence or absence is free text about the customer.
  check_in_reason: null,
};

/** The same fields as a booking representation (webhook payloads) carries them. */
const ERASED_REPRESENTATION = {
  customer: { name: null, email: null, phone: null, timezone: null },
  booking_fields: {},
  extra_emails: [],
  extra_phone_numbers: [],
  external_id: null,
  label: null,
  display_label: null,
  notes: null,
};

interface AnonymizedBooking {
  booking: Booking;
  /** The outbox event announcing it, when someone wants it (a webhook subscription). */
  eventId: string | null;
}

/**
 * Erases the customer's personal data from the booking, its audit log, its outbox events and
 * their e-mails, its idempotency records, and deletes the key of its encrypted Temporal payloads
 * (crypto-shredding), in one transaction. Idempotent: a second call finds it anonymized, changes
 * nothing and names the announcing event again (a first call may have stopped before handing it
 * over). Returns undefined for a booking the organization does not have.
 */
export async function anonymizeBookingData(
  db: Kysely<Database>, organizationId: string, bookingId: string, actor: string, now = new Date(),
): Promise<AnonymizedBooking | undefined> {
  const anonymized = await db.transaction().execute(async (trx): Promise<AnonymizedBooking | undefined> => {
    const current = await trx.selectFrom('bookings').selectAll()
      .where('organization_id', '=', organizationId).where('id', '=', bookingId).forUpdate().executeTakeFirst();
    if (!current) return undefined;
    if (current.anonymized_at) return { booking: current, eventId: await announcingEventOf(trx, bookingId) };
    const booking = await trx.updateTable('bookings').set({ ...ERASED_BOOKING_FIELDS, anonymized_at: now })
      .where('id', '=', bookingId).returningAll().executeTakeFirstOrThrow();
    // The audit log keeps who moved the booking when; the reasons are free text (a customer's
    // cancellation note, a host's absence note) and go.
    await trx.updateTable('booking_events').set({ reason: null }).where('booking_id', '=', bookingId).execute();
    await appendBookingEvent(trx, {
      organizationId, bookingId, step: 'anonymized', from: booking.status, to: booking.status, actor, reason: null,
    });
    await trx.updateTable('webhook_events')
      .set({ payload: sql<string>`payload || ${JSON.stringify(ERASED_REPRESENTATION)}::jsonb` })
      .where('booking_id', '=', bookingId).execute();
    // The outbox and sent e-mails: what they said and to whom; kind, status and times stay.
    // A customer's mail's dedupe key names its recipient too: the row's own id takes its place
    // (no mail can be queued for that address again, the booking no longer has it). A host's mail
    // keeps its key, so that a delivery repeated after this finds it and does not send it again.
    const customerAddresses = [current.customer_email, ...current.extra_emails]
      .filter((address): address is string => Boolean(address)).map((address) => address.toLowerCase());
    await trx.updateTable('notifications')
      .set({
        recipient: null, subject: sql<string>`kind`, body: '', html: null, ics: null, sealed_message: null, error: null,
        dedupe_key: customerAddresses.length === 0 ? sql<string>`dedupe_key` : sql<string>`CASE
          WHEN lower(recipient) = ANY(${customerAddresses}::text[]) THEN 'erased:' || id
          ELSE dedupe_key END`,
      })
      .where('booking_id', '=', bookingId).execute();
    await deleteIdempotencyRecords(trx, organizationId, bookingId);
    await eraseKey(trx, bookingId, now);
    const eventId = await recordBookingEvent(trx, booking, 'anonymized', 'booking.anonymized', now);
    return { booking, eventId };
  });
  // This process's cached key goes with the row (another process's cache lets it go within its lifetime).
  if (anonymized) personalKeysOf(db).forget(bookingId);
  return anonymized;
}

/** The `booking.anonymized` event of an anonymized booking, if it was written (someone wanted it). */
async function announcingEventOf(db: Db, bookingId: string): Promise<string | null> {
  const id = bookingEventId(bookingId, 'anonymized');
  const event = await db.selectFrom('webhook_events').select('id').where('id', '=', id).executeTakeFirst();
  return event ? id : null;
}

/** A replayed request would answer with the stored response, personal data and all: it goes. */
async function deleteIdempotencyRecords(db: Db, organizationId: string, bookingId: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('organization_id', '=', organizationId)
    .where((eb) => eb.or([
      eb(sql`response_body->>'id'`, '=', bookingId),
      eb(sql`response_body->'data'`, '@>', sql`${JSON.stringify([{ id: bookingId }])}::jsonb`),
    ])).execute();
}

/** The key goes; the row stays (key null) so that no new key is ever made for this booking. */
async function eraseKey(db: Db, bookingId: string, now: Date): Promise<void> {
  await db.insertInto('booking_personal_keys').values({ booking_id: bookingId, key: null, erased_at: now })
    .onConflict((oc) => oc.column('booking_id').doUpdateSet({ key: null, erased_at: now })).execute();
}

/** A booking the retention period has caught up with. */
export interface BookingDue { bookingId: string; organizationId: string }

/**
 * Ended bookings of organizations with a retention period, not yet anonymized, whose time and
 * ending both lie longer ago than that period: what the retention Schedule erases next, oldest first.
 */
export async function findBookingsPastRetention(db: Db, now: Date, limit: number): Promise<BookingDue[]> {
  const rows = await db.selectFrom('bookings').innerJoin('organizations', 'organizations.id', 'bookings.organization_id')
    .select(['bookings.id', 'bookings.organization_id'])
    .where('organizations.retention_days', 'is not', null)
    .where('bookings.anonymized_at', 'is', null)
    .where('bookings.status', 'in', TERMINAL_STATUSES)
    .where(sql<boolean>`greatest(bookings.end_at, bookings.updated_at) < ${now}::timestamptz - make_interval(days => organizations.retention_days)`)
    .orderBy('bookings.end_at').limit(limit).execute();
  return rows.map((row) => ({ bookingId: row.id, organizationId: row.organization_id }));
}

/**
 * Erases what Temporal holds of the booking in cleartext: the `CustomerEmail` search attribute,
 * recorded in its workflow's history (at start and at every upsert) where no codec reaches. Every
 * run of the booking's workflow is deleted with its history; a running one is terminated first
 * and, if the booking is still live, a new run adopts it from the (anonymized) database, as the
 * reconciler does for a lost workflow, with its timers planned again. Payloads elsewhere (delivery
 * and reconciler workflows) carry personal fields only sealed with the booking's key, deleted already.
 */
export async function eraseFromTemporal(
  temporal: Client, bookingId: string, taskQueue: string, anonymizedAt: Date,
): Promise<{ terminated: number; deleted: number; readopted: boolean }> {
  const workflowId = bookingWorkflowId(bookingId);
  const runs = new Map<string, boolean>();
  // Runs started after the anonymization (the one that carries the booking on) know nothing
  // personal: a repeated call leaves them be.
  const erasable = (started: Date) => started.getTime() < anonymizedAt.getTime();
  for await (const execution of temporal.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    if (erasable(execution.startTime)) runs.set(execution.runId, execution.status.name === 'RUNNING');
  }
  // Visibility may not list a workflow started a moment ago: the current run is asked directly too.
  try {
    const current = await temporal.workflow.getHandle(workflowId).describe();
    if (erasable(current.startTime)) runs.set(current.runId, current.status.name === 'RUNNING');
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
  let terminated = 0;
  let deleted = 0;
  for (const [runId, running] of runs) {
    if (running) {
      await forgetCustomerIn(temporal, workflowId, runId);
      try {
        await temporal.workflow.getHandle(workflowId, runId).terminate('personal data erased: a new run carries the booking on');
        terminated += 1;
      } catch (error) {
        if (!isClosedOrGone(error)) throw error;
      }
    }
    try {
      await temporal.workflowService.deleteWorkflowExecution({
        namespace: temporal.options.namespace, workflowExecution: { workflowId, runId },
      });
      deleted += 1;
    } catch (error) {
      if ((error as { code?: number }).code !== GRPC_NOT_FOUND) throw error;
    }
  }
  if (terminated === 0) return { terminated, deleted, readopted: false };
  // The reconciler, for this one booking: a live booking gets a new run, an ended one nothing.
  // Started, not awaited: without a worker now, the periodic reconciler does the same later.
  await temporal.workflow.start(RECONCILER_WORKFLOW, {
    ...oneBookingReconciliation(bookingId, taskQueue),
    staticSummary: `Carry booking ${bookingId} on after its personal data was erased`,
  });
  return { terminated, deleted, readopted: true };
}

/**
 * Deletes the booking's event deliveries (`webhook-<event>`) that had ended before the
 * anonymization: their payloads are ids and counts and their failures codes, but an execution
 * recorded by an earlier release may quote an address in a failure. Running ones are left to
 * finish (a repeated anonymize deletes them then); none is started again, the events are delivered.
 */
export async function eraseDeliveriesFromTemporal(temporal: Client, db: Db, bookingId: string, anonymizedAt: Date): Promise<number> {
  const events = await db.selectFrom('webhook_events').select('id').where('booking_id', '=', bookingId).execute();
  let deleted = 0;
  for (const { id } of events) {
    const workflowId = webhookDeliveryWorkflowId(id);
    try {
      const execution = await temporal.workflow.getHandle(workflowId).describe();
      if (execution.status.name === 'RUNNING' || execution.startTime.getTime() >= anonymizedAt.getTime()) continue;
      await temporal.workflowService.deleteWorkflowExecution({
        namespace: temporal.options.namespace, workflowExecution: { workflowId, runId: execution.runId },
      });
      deleted += 1;
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError) && (error as { code?: number }).code !== GRPC_NOT_FOUND) throw error;
    }
  }
  return deleted;
}

/** How long anonymize waits for a running booking workflow to drop the address from its search attributes. */
const FORGET_BUDGET_MS = 5000;

/**
 * A running run removes `CustomerEmail` from its visibility record before it is terminated: the
 * record of a deleted execution goes only when Temporal gets to it (asynchronously), and until then
 * a search by the address would find it. Best effort: a run that cannot answer in time (no worker,
 * a worker without this Update) is terminated and deleted all the same.
 */
async function forgetCustomerIn(temporal: Client, workflowId: string, runId: string): Promise<void> {
  await withTemporalDeadline(temporal, FORGET_BUDGET_MS,
    () => temporal.workflow.getHandle(workflowId, runId).executeUpdate(personalDataErasedUpdate)).catch(() => undefined);
}

function isClosedOrGone(error: unknown): boolean {
  return error instanceof WorkflowNotFoundError
    || (error instanceof Error && /workflow execution already completed|not found/i.test(error.message));
}
