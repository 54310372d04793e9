import {
  ActivityFailure, ApplicationFailure, isCancellation, patched, proxyActivities, proxyLocalActivities, type LocalActivityOptions,
} from '@temporalio/workflow';
import type { BookingActivities, DeliverWebhookOutcome } from '../activities';
import type { DeliverBookingEventInput } from './messages';

export interface SubscriptionDelivery {
  subscriptionId: string;
  outcome: DeliverWebhookOutcome['outcome'] | 'failed';
  /** Why the last attempt failed, when the receiver refused it or 24 hours of retries ran out. */
  error?: string;
}

export interface BookingEventDelivery {
  eventId: string;
  deliveries: SubscriptionDelivery[];
}

const { listEventSubscriptions } = proxyActivities<BookingActivities>({
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 hour' },
});

// The customer's and hosts' e-mails of an event: a mail server down for a while is tried again
// (each attempt is logged in the notification), but a mail a day late says nothing useful.
const { sendBookingMails } = proxyActivities<BookingActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

// The booking's event in its hosts' own calendars: a calendar server down for an hour gets the
// write when it is back (each attempt brings the calendar to the booking's state, so once).
const { writeBookingToCalendars } = proxyActivities<BookingActivities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '2 minutes' },
});

function reasonOf(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure || cause instanceof Error) return cause.message;
  return String(cause);
}

function webhookActivity(input: DeliverBookingEventInput) {
  return proxyActivities<BookingActivities>({
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: '24 hours',
    retry: {
      initialInterval: input.retryInitialInterval ?? '1 second',
      backoffCoefficient: 2,
      maximumInterval: '1 hour',
    },
  }).deliverWebhook;
}

// A planned delivery makes each send's first attempt in the worker, inside the workflow task (a
// local activity): most succeed, and the delivery is then one workflow task and a marker per send
// rather than three tasks and an activity task per send. A first attempt that fails is tried again
// as the activity above, on its retry schedule, where the Temporal UI shows the attempts and the
// last failure; one refused for good (a non-retryable failure) is not tried again. Either way each
// send is idempotent (mails by their dedupe key, calendars by their row lock, webhooks by id).
const FIRST_ATTEMPT: LocalActivityOptions = { retry: { maximumAttempts: 1 } };
const firstAttempt = {
  sendBookingMails: proxyLocalActivities<BookingActivities>({ ...FIRST_ATTEMPT, startToCloseTimeout: '30 seconds' }).sendBookingMails,
  writeBookingToCalendars: proxyLocalActivities<BookingActivities>({ ...FIRST_ATTEMPT, startToCloseTimeout: '1 minute' }).writeBookingToCalendars,
  deliverWebhook: proxyLocalActivities<BookingActivities>({ ...FIRST_ATTEMPT, startToCloseTimeout: '30 seconds' }).deliverWebhook,
};

/** A local activity's failure may come as its cause itself, an activity's wrapped in ActivityFailure. */
function refusedForGood(error: unknown): boolean {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof ApplicationFailure && cause.nonRetryable === true;
}

/** The first attempt here, the rest (if it failed and may be retried) as an activity. */
async function firstHereThenRetried<T>(first: () => Promise<T>, retried: () => Promise<T>): Promise<T> {
  try {
    return await first();
  } catch (error) {
    if (isCancellation(error) || refusedForGood(error)) throw error;
    return retried();
  }
}

/** Each target on its own retry schedule; a target that refuses or stays down is logged and given up on. */
function deliverToAll(
  input: DeliverBookingEventInput, targets: string[], firstHere: boolean,
): Promise<SubscriptionDelivery[]> {
  const deliverWebhook = webhookActivity(input);
  return Promise.all(targets.map(async (subscriptionId): Promise<SubscriptionDelivery> => {
    const request = { eventId: input.eventId, subscriptionId };
    try {
      const { outcome } = firstHere
        ? await firstHereThenRetried(() => firstAttempt.deliverWebhook(request), () => deliverWebhook({ ...request, attemptsBefore: 1 }))
        : await deliverWebhook(request);
      return { subscriptionId, outcome };
    } catch (error) {
      return { subscriptionId, outcome: 'failed', error: reasonOf(error) };
    }
  }));
}

/**
 * Posts one booking event to every target that wants it, each on its own retry schedule, sends
 * the e-mails the event calls for and brings the hosts' calendars to the booking.
 * It always completes: a receiver that refuses or stays down is logged and given up on, never
 * failing anything else (the booking does not wait for this workflow).
 */
export async function deliverBookingEvent(input: DeliverBookingEventInput): Promise<BookingEventDelivery> {
  if (!input.plan) return deliverUnplanned(input);
  const { plan, eventId } = input;
  // Only what the plan names is scheduled: each send is history and work for the engine.
  const mails = plan.mails
    ? firstHereThenRetried(() => firstAttempt.sendBookingMails({ eventId }), () => sendBookingMails({ eventId })).catch(() => null)
    : null;
  const calendars = plan.calendars
    ? firstHereThenRetried(() => firstAttempt.writeBookingToCalendars({ eventId }), () => writeBookingToCalendars({ eventId })).catch(() => null)
    : null;
  const deliveries = await deliverToAll(input, plan.targets, true);
  await Promise.all([mails, calendars]);
  return { eventId, deliveries };
}

/**
 * An input without a plan (started before plans existed, or for an event written before them):
 * its targets are read when it starts, and the mails and write-back are tried for every event, as
 * its history recorded them. Retires with the `booking-mails` and `calendar-write-back` patches
 * (docs/operations.md).
 */
async function deliverUnplanned(input: DeliverBookingEventInput): Promise<BookingEventDelivery> {
  // Histories from before e-mails scheduled no such activity here.
  const mails = patched('booking-mails')
    ? sendBookingMails({ eventId: input.eventId }).catch(() => null)
    : Promise.resolve(null);
  // Histories from before calendar write-back scheduled no such activity here.
  const calendars = patched('calendar-write-back')
    ? writeBookingToCalendars({ eventId: input.eventId }).catch(() => null)
    : Promise.resolve(null);

  let subscriptionIds: string[];
  try {
    subscriptionIds = await listEventSubscriptions({ eventId: input.eventId, organizationId: input.organizationId });
  } catch (error) {
    await Promise.all([mails, calendars]);
    return { eventId: input.eventId, deliveries: [{ subscriptionId: '*', outcome: 'failed', error: reasonOf(error) }] };
  }

  const deliveries = await deliverToAll(input, subscriptionIds, false);
  await Promise.all([mails, calendars]);
  return { eventId: input.eventId, deliveries };
}
