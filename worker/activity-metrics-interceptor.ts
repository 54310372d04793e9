import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { BOOKING_CALLBACK_TARGET } from '../bookings/booking-event';
import type { DeliverWebhookOutcome, DeliverWebhookRequest } from '../activities/webhooks';
import type { TransitionOutcome, TransitionRequest } from '../domain/booking-types';
import { bookingTransitions, deliveries, reconcilerRepairs } from '../telemetry/metrics';

/**
 * Counts what activities did, from their inputs and results, so the activities themselves stay
 * about bookings: a transition recorded (not one a retry found done), a delivery's outcome.
 */
export const activityMetricsInterceptor: ActivityInterceptorsFactory = (ctx) => ({
  inbound: {
    async execute(input, next) {
      const type = ctx.info.activityType;
      if (type === 'recordTransition') {
        const result = await next(input) as TransitionOutcome;
        const request = input.args[0] as TransitionRequest;
        // Seats given back keep the status: no transition. A retried attempt counts again (rare, and visible as such).
        if (result.ok && request.spaces === undefined) bookingTransitions.inc({ status: request.to });
        if (result.ok && request.actor === 'reconciler') reconcilerRepairs.inc({ action: request.to });
        return result;
      }
      if (type === 'adoptBookings') {
        const started = await next(input) as string[];
        if (started.length > 0) reconcilerRepairs.inc({ action: 'resumed' }, started.length);
        return started;
      }
      if (type === 'deliverWebhook') {
        const target = (input.args[0] as DeliverWebhookRequest).subscriptionId === BOOKING_CALLBACK_TARGET ? 'callback' : 'webhook';
        try {
          const result = await next(input) as DeliverWebhookOutcome;
          deliveries.inc({ target, outcome: result.outcome });
          return result;
        } catch (error) {
          deliveries.inc({ target, outcome: 'failed' });
          throw error;
        }
      }
      return next(input);
    },
  },
});
