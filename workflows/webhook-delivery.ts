import { ActivityFailure, ApplicationFailure, patched, proxyActivities } from '@temporalio/workflow';
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

/**
 * Posts one booking event to every subscription that wants it, each on its own retry schedule,
 * and sends the e-mails the event calls for.
 * It always completes: a receiver that refuses or stays down is logged and given up on, never
 * failing anything else (the booking does not wait for this workflow).
 */
export async function deliverBookingEvent(input: DeliverBookingEventInput): Promise<BookingEventDelivery> {
  // Histories from before e-mails scheduled no such activity here.
  const mails = patched('booking-mails')
    ? sendBookingMails({ eventId: input.eventId }).catch(() => null)
    : Promise.resolve(null);
  // Histories from before calendar write-back scheduled no such activity here.
  const calendars = patched('calendar-write-back')
    ? writeBookingToCalendars({ eventId: input.eventId }).catch(() => null)
    : Promise.resolve(null);
  const { deliverWebhook } = proxyActivities<BookingActivities>({
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: '24 hours',
    retry: {
      initialInterval: input.retryInitialInterval ?? '1 second',
      backoffCoefficient: 2,
      maximumInterval: '1 hour',
    },
  });

  let subscriptionIds: string[];
  try {
    subscriptionIds = await listEventSubscriptions({ eventId: input.eventId, organizationId: input.organizationId });
  } catch (error) {
    await Promise.all([mails, calendars]);
    return { eventId: input.eventId, deliveries: [{ subscriptionId: '*', outcome: 'failed', error: reasonOf(error) }] };
  }

  const deliveries = await Promise.all(subscriptionIds.map(async (subscriptionId): Promise<SubscriptionDelivery> => {
    try {
      const { outcome } = await deliverWebhook({ eventId: input.eventId, subscriptionId });
      return { subscriptionId, outcome };
    } catch (error) {
      return { subscriptionId, outcome: 'failed', error: reasonOf(error) };
    }
  }));
  await Promise.all([mails, calendars]);
  return { eventId: input.eventId, deliveries };
}
