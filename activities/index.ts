import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { Mailer } from './mailer';
import { sendBookingMails, type BookingMailsOutcome, type BookingMailsRequest, type MailLinks } from './booking-mails';
import { attemptDeadline } from './attempt-deadline';
import { placeHold } from './place-hold';
import { placeSessionHolds, type SessionHoldsOutcome } from './place-session-holds';
import {
  cancelSession, changeSessionCapacity,
  type CapacityChangeOutcome, type CapacityChangeRequest, type SessionCancellationRequest,
} from './session-changes';
import { recordTransition } from './record-transition';
import { rescheduleBooking } from './reschedule-booking';
import { sendReminder, type ReminderOutcome, type ReminderRequest } from './send-reminder';
import type {
  HoldOutcome, HoldRequest, RescheduleOutcome, RescheduleRequest, TransitionOutcome, TransitionRequest,
} from './types';
import {
  deliverWebhook, listEventSubscriptions,
  type DeliverWebhookOutcome, type DeliverWebhookRequest, type EventSubscriptionsRequest,
} from './webhooks';

export interface ActivityDeps {
  db: Kysely<Database>;
  /** Injected so tests can pin "now"; the worker passes the wall clock. */
  now?: () => Date;
  /** E-mail channel for notifications; null keeps them in the outbox table. */
  mailer?: Mailer | null;
  /** For the manage links in e-mails; null leaves them out. */
  links?: MailLinks | null;
}

/** The worker and the tests wire activities the same way: from their dependencies. */
export function createActivities({ db, now = () => new Date(), mailer = null, links = null }: ActivityDeps) {
  return {
    placeHold: (request: HoldRequest): Promise<HoldOutcome> => placeHold(db, request, now(), attemptDeadline()),
    recordTransition: (request: TransitionRequest): Promise<TransitionOutcome> => recordTransition(db, request, now()),
    placeSessionHolds: (requests: HoldRequest[]): Promise<SessionHoldsOutcome> => placeSessionHolds(db, requests, now(), attemptDeadline()),
    cancelSession: (request: SessionCancellationRequest): Promise<{ bookingIds: string[] }> => cancelSession(db, request),
    changeSessionCapacity: (request: CapacityChangeRequest): Promise<CapacityChangeOutcome> => changeSessionCapacity(db, request, now()),
    rescheduleBooking: (request: RescheduleRequest): Promise<RescheduleOutcome> => rescheduleBooking(db, request, now()),
    sendReminder: (request: ReminderRequest): Promise<ReminderOutcome> => sendReminder(db, mailer, links, request, now()),
    sendBookingMails: (request: BookingMailsRequest): Promise<BookingMailsOutcome> => sendBookingMails(db, mailer, links, request, now()),
    listEventSubscriptions: (request: EventSubscriptionsRequest): Promise<string[]> => listEventSubscriptions(db, request),
    deliverWebhook: (request: DeliverWebhookRequest): Promise<DeliverWebhookOutcome> => deliverWebhook(db, request, now()),
  };
}

export type BookingActivities = ReturnType<typeof createActivities>;
export type * from './types';
export type { CapacityChangeOutcome, CapacityChangeRequest, SessionCancellationRequest, SessionHoldsOutcome };
