import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { Mailer } from '../outbound/mailer';
import { sendBookingMails, type BookingMailsOutcome, type BookingMailsRequest, type MailLinks } from './send-booking-mails';
import { adoptBookings } from './adopt-bookings';
import { anonymizeBookingData, eraseFromTemporal, findBookingsPastRetention, type BookingDue } from '../bookings/personal-data-erasure';
import { activityInfo } from '@temporalio/activity';
import { attemptDeadline } from './attempt-timeout';
import { cancellationReason, type CancellationRequestRef } from './cancellation-request';
import { findOrphanedBookings, type OrphanedBooking, type OrphanSearch, type OrphanSearchResult } from './find-orphaned-bookings';
import { failingFastOnInvalidData } from './invalid-data';
import { handOverEvents, type HandedOver } from './event-handover';
import { STRICT_POLICY, type OutboundPolicy } from '../outbound/address-policy';
import { placeHold } from '../bookings/place-hold';
import { placeSessionHolds, type SessionHoldsOutcome } from '../bookings/place-session-holds';
import {
  cancelSession, changeSessionCapacity,
  type CapacityChangeOutcome, type CapacityChangeRequest, type SessionCancellationRequest,
} from './session-changes';
import { recordTransition } from './record-transition';
import { rescheduleBooking } from './reschedule-booking';
import { resumeBooking, type ResumeRequest } from './resume-booking';
import { sendReminder, type ReminderOutcome, type ReminderRequest } from './send-reminder';
import { acceptWaitingBooking, suspendSessionBooking, type SeatMoveOutcome, type SeatMoveRequest } from './session-seat-moves';
import type {
  BookingSnapshot, HoldOutcome, HoldRequest, RescheduleOutcome, RescheduleRequest, TransitionOutcome, TransitionRequest,
} from '../domain/booking-types';
import { syncCalendarConnection, type CalendarProviders } from './calendar-sync';
import { calendarProviders } from '../calendars/providers';
import type { CalendarSyncOutcome } from '../workflows/messages';
import { writeBookingToCalendars, type CalendarWriteBackOutcome, type CalendarWriteBackRequest } from './calendar-write-back';
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
  /** The reconciler asks Temporal which bookings' workflows are gone; without it, it finds none. */
  temporal?: Client | null;
  /** Where webhooks and callbacks may go; by default https to public addresses only. */
  outbound?: OutboundPolicy;
  /** The calendar servers' providers by connection type; by default CalDAV and ICS feeds under `outbound`. */
  calendars?: CalendarProviders;
}

/** The worker and the tests wire activities the same way: from their dependencies. */
export function createActivities({
  db, now = () => new Date(), mailer = null, temporal = null, outbound = STRICT_POLICY, links = null, calendars = calendarProviders(outbound),
}: ActivityDeps) {
  const temporalFor = (purpose: string): Client => {
    if (!temporal) throw new Error(`the ${purpose} needs a Temporal client (createActivities({ temporal }))`);
    return temporal;
  };
  const activities = {
    placeHold: (request: HoldRequest): Promise<HoldOutcome> => placeHold(db, request, now(), attemptDeadline()),
    // The events a change wrote go to their delivery workflows from here, not from the booking's history.
    recordTransition: async (request: TransitionRequest): Promise<TransitionOutcome> =>
      handOverEvents(db, temporal, request.organizationId, await recordTransition(db, request, now())),
    placeSessionHolds: (requests: HoldRequest[]): Promise<SessionHoldsOutcome> => placeSessionHolds(db, requests, now(), attemptDeadline()),
    cancelSession: (request: SessionCancellationRequest): Promise<{ bookingIds: string[] }> => cancelSession(db, request),
    changeSessionCapacity: (request: CapacityChangeRequest): Promise<CapacityChangeOutcome> => changeSessionCapacity(db, request, now()),
    rescheduleBooking: async (request: RescheduleRequest): Promise<RescheduleOutcome> =>
      handOverEvents(db, temporal, request.organizationId, await rescheduleBooking(db, request, now())),
    suspendSessionBooking: async (request: SeatMoveRequest): Promise<SeatMoveOutcome> =>
      handOverEvents(db, temporal, request.organizationId, await suspendSessionBooking(db, request, now())),
    acceptWaitingBooking: async (request: SeatMoveRequest): Promise<SeatMoveOutcome> =>
      handOverEvents(db, temporal, request.organizationId, await acceptWaitingBooking(db, request, now())),
    resumeBooking: (request: ResumeRequest): Promise<BookingSnapshot | null> => resumeBooking(db, request),
    findOrphanedBookings: (search: OrphanSearch): Promise<OrphanSearchResult> => findOrphanedBookings(db, temporalFor('reconciler'), search, now()),
    cancellationReason: (ref: CancellationRequestRef): Promise<string> => cancellationReason(temporalFor('cancellation\'s reason'), ref),
    adoptBookings: (orphans: OrphanedBooking[], reason: string): Promise<string[]> => adoptBookings(db, temporalFor('reconciler'), orphans, reason),
    sendReminder: async (request: ReminderRequest): Promise<ReminderOutcome> =>
      handOverEvents(db, temporal, request.organizationId, await sendReminder(db, mailer, links, request, now())),
    sendBookingMails: (request: BookingMailsRequest): Promise<BookingMailsOutcome> => sendBookingMails(db, mailer, links, request, now()),
    listEventSubscriptions: (request: EventSubscriptionsRequest): Promise<string[]> => listEventSubscriptions(db, request),
    deliverWebhook: (request: DeliverWebhookRequest): Promise<DeliverWebhookOutcome> => deliverWebhook(db, outbound, request, now()),
    writeBookingToCalendars: (request: CalendarWriteBackRequest): Promise<CalendarWriteBackOutcome> =>
      writeBookingToCalendars(db, calendars.caldav, request, now()),
    syncCalendarConnection: ({ connectionId }: { connectionId: string }): Promise<CalendarSyncOutcome> =>
      syncCalendarConnection({ db, providers: calendars, temporal, taskQueue: activityInfo().taskQueue, now }, connectionId),
    findBookingsPastRetention: ({ limit }: { limit: number }): Promise<BookingDue[]> => findBookingsPastRetention(db, now(), limit),
    /** The retention period's anonymization: the database, then Temporal (as POST /v1/bookings/:id/anonymize). */
    anonymizeBooking: async ({ bookingId, organizationId }: BookingDue): Promise<HandedOver<{ eventId: string | null }>> => {
      const anonymized = await anonymizeBookingData(db, organizationId, bookingId, 'retention', now());
      if (!anonymized) return { eventId: null };
      // Handed over before the erasure, whose Temporal calls may fail: a retry names the event again.
      const outcome = await handOverEvents(db, temporal, organizationId, { eventId: anonymized.eventId });
      await eraseFromTemporal(temporalFor('retention period'), bookingId, activityInfo().taskQueue, anonymized.booking.anonymized_at!);
      return outcome;
    },
  };
  for (const name of Object.keys(activities) as (keyof typeof activities)[]) {
    (activities as Record<string, unknown>)[name] = failingFastOnInvalidData(activities[name] as (...args: unknown[]) => Promise<unknown>);
  }
  return activities;
}

export type BookingActivities = ReturnType<typeof createActivities>;
export type * from '../domain/booking-types';
export type { OrphanedBooking, OrphanSearch, OrphanSearchResult };
export type { CapacityChangeOutcome, CapacityChangeRequest, SessionCancellationRequest, SessionHoldsOutcome };
export type { SeatMoveOutcome, SeatMoveRequest };
export type { DeliverWebhookOutcome };
