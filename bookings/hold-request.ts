import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, Session } from '../db/schema';
import { findService, type ServiceWithResources } from '../db/services';
import type { CustomerDetails, HoldRequest } from '../domain/booking-types';
import { contactOf } from './contact';
import { durationRefusal, offeredDuration } from '../scheduling/durations';
import { InvalidInput, NotFound } from './errors';
import { resourceGroupOf } from './resource-group';

/** A time asked for: a start and optionally a duration (or end) and the acceptable resources. */
export interface TimeChange {
  start: Date;
  end?: Date;
  duration_minutes?: number;
  resource_ids?: string[];
}

/** What any reservation may carry besides what is booked. */
export interface ReservationExtras {
  customer?: Partial<CustomerDetails>;
  metadata: Record<string, unknown>;
  exclusive_customer?: boolean;
  callback_url?: string;
  extra_emails?: string[];
  extra_phone_numbers?: string[];
  external_id?: string;
  label?: string;
  display_label?: string;
  /** The language the booking is made in: its e-mails follow it. */
  locale?: string;
}

/** A reservation as the faces hand it over, parsed and checked for shape (the API's CreateBooking). */
export interface ReservationInput extends ReservationExtras, Partial<TimeChange> {
  service_id?: string;
  session_id?: string;
  spaces?: number;
  cancel_booking_id?: string;
  bypass_delays?: boolean;
  resource_group?: string;
  waitlist?: boolean;
}

/** Several sessions for one customer, all or nothing (the API's CreateSessionBookings). */
export interface SessionBatchInput extends ReservationExtras {
  session_ids: string[];
  spaces: number;
}

/** The same Idempotency-Key of one organization always names the same booking (and workflow). */
export function bookingIdFor(organizationId: string, idempotencyKey: string | null): string {
  if (!idempotencyKey) return randomUUID();
  const hex = createHash('sha256').update(`${organizationId}:${idempotencyKey}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The hold to place, and the service it was checked against (so the hold need not read it again). */
export interface ReservationRequest { hold: HoldRequest; service: ServiceWithResources }

/**
 * The duration a requested time asks for (null = the default), after checking it and the resource
 * preference against the service: invalid input is refused naming the field, before any workflow.
 */
export function requestedDuration(service: ServiceWithResources, body: TimeChange): number | null {
  body.resource_ids?.forEach((id, index) => {
    if (!service.resource_ids.includes(id)) {
      throw new InvalidInput([{ path: `resource_ids.${index}`, message: `resource ${id} does not provide service ${service.id}` }]);
    }
  });
  const durationMinutes = body.end ? (body.end.getTime() - body.start.getTime()) / 60_000 : body.duration_minutes ?? null;
  if (durationMinutes !== null && offeredDuration(service.durations_minutes, durationMinutes) === null) {
    throw new InvalidInput([{
      path: body.end ? 'end' : 'duration_minutes',
      message: durationRefusal(service.durations_minutes, durationMinutes),
    }]);
  }
  return durationMinutes;
}

/** The hold a reservation of a service's time asks for (and its service), after the checks that need no lock. */
export async function appointmentHold(
  db: Kysely<Database>, organizationId: string, body: ReservationInput, bookingId: string,
): Promise<ReservationRequest> {
  const service = await findService(db, organizationId, body.service_id!);
  if (!service) throw new NotFound(`service ${body.service_id} not found`, 'service_id');
  const start = body.start!;
  const durationMinutes = requestedDuration(service, { ...body, start });
  if (body.spaces !== undefined && body.spaces > service.seats_per_slot) {
    throw new InvalidInput([{ path: 'spaces', message: `the service has ${service.seats_per_slot} seat(s) per slot, fewer than ${body.spaces}` }]);
  }
  requireEmailIfExclusive(body, service.exclusive_customer);
  const hold = {
    bookingId, organizationId, serviceId: service.id, start: start.toISOString(), durationMinutes,
    resourceIds: body.resource_ids ?? null, ...(body.spaces !== undefined && { spaces: body.spaces }),
    ...resourceGroupOf(service, body),
    customer: body.customer ?? null, metadata: body.metadata,
    ...optionsOf(body),
  };
  return { hold, service };
}

/** The hold a reservation of seats in a session asks for (and its service). */
export async function sessionHold(
  db: Kysely<Database>, organizationId: string, session: Session, body: Omit<ReservationInput, 'session_id'>, bookingId: string,
): Promise<ReservationRequest> {
  const service = await findService(db, organizationId, session.service_id);
  if (!service) throw new NotFound(`service ${session.service_id} of session ${session.id} not found`);
  if (body.spaces !== undefined && body.spaces > session.capacity) {
    throw new InvalidInput([{ path: 'spaces', message: `session ${session.id} has ${session.capacity} seat(s), fewer than ${body.spaces}` }]);
  }
  requireEmailIfExclusive(body, service.exclusive_customer);
  const hold = {
    bookingId, organizationId, serviceId: service.id, sessionId: session.id, start: session.start_at.toISOString(),
    durationMinutes: null, resourceIds: null, spaces: body.spaces ?? 1, customer: body.customer ?? null, metadata: body.metadata,
    ...(body.waitlist !== undefined && { waitlist: body.waitlist }),
    ...optionsOf(body),
  };
  return { hold, service };
}

/** What a reservation asks for beyond its time, the same for a service's time and a session's seats. */
function optionsOf(body: Omit<ReservationInput, 'session_id'>) {
  return {
    ...(body.exclusive_customer !== undefined && { exclusiveCustomer: body.exclusive_customer }),
    ...(body.callback_url !== undefined && { callbackUrl: body.callback_url }),
    ...contactOf(body),
    ...(body.locale && { locale: body.locale }),
    ...(body.bypass_delays && { bypassDelays: true }),
    ...(body.cancel_booking_id && { rebookedFrom: body.cancel_booking_id }),
  };
}

function requireEmailIfExclusive(body: Pick<ReservationInput, 'exclusive_customer' | 'customer'>, serviceDemands: boolean): void {
  if ((body.exclusive_customer || serviceDemands) && !body.customer?.email) {
    throw new InvalidInput([{ path: 'customer.email', message: 'is required: the customer may not hold overlapping bookings, and is known by e-mail' }]);
  }
}

