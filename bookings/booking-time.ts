import type { Kysely, Transaction } from 'kysely';
import { checkStart, checkStartOfGroups, narrowGroups, type ServiceRules } from '../scheduling';
import { insertAllocations, lockResources } from '../db/bookings';
import { groupSlotKey, takeGroupSeats } from '../db/group-slots';
import { toGroupedResources, toServiceRules } from '../db/schedule-model';
import type { Database, Resource } from '../db/schema';
import type { ServiceWithResources } from '../db/services';
import { isInvalidData } from '../db/data-errors';
import type { HoldRefusalCode } from '../domain/booking-types';
import { loadEngineRows } from './engine-input';

const EXCLUSION_VIOLATION = '23P01';
const CHECK_VIOLATION = '23514';
const MINUTE = 60_000;

export interface TimeRefusal { code: HoldRefusalCode; message: string }

/** Thrown inside a transaction to roll it back and answer with the refusal instead of an error. */
export class TimeRefused extends Error {
  constructor(readonly refusal: TimeRefusal) {
    super(refusal.message);
  }
}

export function refuseTime(code: HoldRefusalCode, message: string): never {
  throw new TimeRefused({ code, message });
}

/**
 * The refusal an error stands for, if it is one: our own, or the database's guarantee (exclusion
 * constraint, seat counter CHECK) catching a race that slipped past the resource lock.
 */
export function refusalOf(error: unknown): TimeRefusal | null {
  if (error instanceof TimeRefused) return error.refusal;
  const code = (error as { code?: string }).code;
  if (code === EXCLUSION_VIOLATION || code === CHECK_VIOLATION) {
    return { code: 'slot_taken', message: 'the requested time is already booked' };
  }
  // Any other data error fails the same way every time: answer it instead of retrying it.
  if (isInvalidData(error)) return { code: 'invalid_data', message: `the database refused the data: ${error.message}` };
  return null;
}

export interface TimeWanted {
  organizationId: string;
  service: ServiceWithResources;
  start: Date;
  durationMinutes: number | null;
  /** Acceptable resources in order of preference (mode `one`); null = any of the service's. */
  resourceIds: string[] | null;
  /** One of the service's named resource groups, a free member of which is booked; null = as the service says. */
  resourceGroup?: string | null;
  /** The organization waived minimum notice and horizon for this booking (never hours or capacity). */
  bypassDelays?: boolean;
  spaces: number;
  now: Date;
}

/** A time the engine accepted, with the resources it chose: what `occupyTime` writes. */
export interface ClaimableTime {
  start: Date;
  end: Date;
  /** The buffered range the allocations occupy. */
  occupiedFrom: Date;
  occupiedTo: Date;
  resourceIds: string[];
  /** The chosen resources as this transaction read them (their names go to the workflow's details). */
  resources: Pick<Resource, 'id' | 'name' | 'timezone'>[];
  timezone: string;
  groupAppointment: boolean;
  seatsPerSlot: number;
}

/** The resources a booking of this service takes: all of them, or the acceptable candidates. */
export function neededResourceIds(service: ServiceWithResources, candidateIds: string[]): string[] {
  // With named groups the engine picks among every group's members: all of them are consulted.
  if (service.resource_groups.length > 0) return service.resource_ids;
  return service.resource_mode === 'all' ? service.resource_ids : candidateIds;
}

/** The rules with minimum notice and horizon lifted: a start from now on, however near or far. */
function withoutDelays(rules: ServiceRules): ServiceRules {
  return { ...rules, minNoticeMinutes: 0, horizonDays: null };
}

/** What the audit log says of a booking placed with `bypass_delays`. */
export const DELAYS_BYPASSED = 'bypass_delays: minimum notice, horizon and booking window not applied (API key)';

/**
 * The engine's verdict on a time and what it was given. A verdict under the lock on the same input
 * as the first look's (no allocation, seat or schedule changed in between) is that look's verdict.
 */
export interface TimeJudgement { input: string; time: ClaimableTime }

/**
 * Locks the resources (sorted, so racing transactions queue instead of deadlocking), reading them
 * in the same statement, and asks the availability engine whether `start` is bookable against the
 * allocations visible in this transaction. Throws `TimeRefused` with the engine's reason if not.
 *
 * The engine is asked once before the lock too: in a race for one time, every request after the
 * winner's commit is refused by that first look without queueing for the lock (which the winner's
 * rivals would otherwise take one after another, each for a few round trips). Only the answer
 * under the lock can accept; a refusal before it is what the database said at that moment. A
 * caller that already holds the locks (a reschedule) skips that first look, and one that looked
 * before its transaction (`lookAtTime`) passes what it saw as `looked`.
 */
export async function findClaimableTime(
  trx: Transaction<Database>, wanted: TimeWanted,
  { locked = false, looked = null }: { locked?: boolean; looked?: TimeJudgement | null } = {},
): Promise<ClaimableTime> {
  const { neededIds, grouped } = neededFor(wanted);
  if (!locked && !looked) await judgeTime(trx, wanted, neededIds, grouped);
  const resources = await lockResources(trx, neededIds);
  return (await judgeTime(trx, wanted, neededIds, grouped, { resources, looked })).time;
}

/**
 * The first look of `findClaimableTime` on its own, before any transaction: a caller that then
 * passes it as `looked` spares a refused request its BEGIN and ROLLBACK too (in a race for one time,
 * that is most requests). Throws `TimeRefused` if the time is not bookable now.
 */
export async function lookAtTime(db: Kysely<Database>, wanted: TimeWanted): Promise<TimeJudgement> {
  const { neededIds, grouped } = neededFor(wanted);
  const { time, input } = await judgeTime(db, wanted, neededIds, grouped, { keepInput: true });
  return { time, input: input! };
}

/** The resources a request must consult (and lock), after refusing ones the service does not have. */
function neededFor(wanted: TimeWanted) {
  const { service } = wanted;
  const candidateIds = wanted.resourceIds ?? service.resource_ids;
  const unknown = candidateIds.filter((id) => !service.resource_ids.includes(id));
  if (unknown.length > 0) refuseTime('resource_not_found', `resource ${unknown[0]} does not provide this service`);
  const grouped = toGroupedResources(service, { onlyGroup: wanted.resourceGroup ?? undefined });
  if (grouped && grouped.groups.length === 0) refuseTime('resource_not_found', `the service has no resource group ${wanted.resourceGroup}`);
  // Served by one group: named resources pick the groups (and members) that may serve it.
  if (grouped?.across === 'one' && wanted.resourceIds) grouped.groups = narrowGroups(grouped.groups, wanted.resourceIds);
  const neededIds = neededResourceIds(service, candidateIds);
  return { neededIds, grouped };
}

/**
 * The engine's verdict on `start` against the rows this transaction sees now (the resources as
 * locked, if given); throws `TimeRefused` if not bookable.
 */
async function judgeTime(
  trx: Kysely<Database> | Transaction<Database>, wanted: TimeWanted, neededIds: string[], grouped: ReturnType<typeof toGroupedResources>,
  { resources: locked, looked, keepInput = false }: { resources?: Resource[]; looked?: TimeJudgement | null; keepInput?: boolean } = {},
): Promise<{ time: ClaimableTime; input?: string }> {
  const { service } = wanted;
  const rules = wanted.bypassDelays ? withoutDelays(toServiceRules(service)) : toServiceRules(service);
  const durationMinutes = wanted.durationMinutes ?? rules.durationsMinutes[0];
  const start = wanted.start;
  const rows = await loadEngineRows(trx, {
    organizationId: wanted.organizationId, serviceId: service.id, rules, resourceIds: neededIds, durationMinutes,
    from: start.getTime(), to: start.getTime(), resources: locked,
  });
  const ordered = rows.rows;
  const { occupied: { from: occupiedFrom, to: occupiedTo } } = rows;
  const groupAppointment = rules.seatsPerSlot > 1;

  const input = {
    resources: rows.resources,
    service: rules,
    durationMinutes,
    busy: rows.busy,
    groupSeats: rows.groupSeats,
    spaces: wanted.spaces,
    now: wanted.now.getTime(),
    start: start.getTime(),
    preferredResourceIds: wanted.resourceIds ?? undefined,
  };
  // The engine works through the resources' zones and schedules (Luxon); the same input needs no
  // second run. Only a first look that is kept, or compared with, is serialised.
  if (looked && looked.input === JSON.stringify(input)) return looked;
  const verdict = grouped ? checkStartOfGroups(input, grouped) : checkStart({ ...input, mode: service.resource_mode });
  if (!verdict.ok) refuseTime(verdict.reason, verdict.message);

  return {
    ...(keepInput && { input: JSON.stringify(input) }),
    time: {
      start,
      end: new Date(start.getTime() + durationMinutes * MINUTE),
      occupiedFrom,
      occupiedTo,
      resourceIds: verdict.chosenResourceIds,
      resources: ordered.filter((resource) => verdict.chosenResourceIds.includes(resource.id))
        .map(({ id, name, timezone }) => ({ id, name, timezone })),
      timezone: ordered[0].timezone,
      groupAppointment,
      seatsPerSlot: rules.seatsPerSlot,
    },
  };
}

/**
 * Writes the booking's allocations for a claimed time and, in a group appointment, takes its seats
 * from the shared slot. The exclusion constraint and the seat CHECK refuse anything the lock missed.
 */
export async function occupyTime(
  trx: Transaction<Database>,
  booking: { id: string; organization_id: string; service_id: string; spaces: number },
  time: ClaimableTime,
): Promise<void> {
  const slotKey = time.groupAppointment ? groupSlotKey(booking.service_id, time.occupiedFrom, time.occupiedTo) : null;
  if (slotKey) {
    await takeGroupSeats(trx, {
      organizationId: booking.organization_id, serviceId: booking.service_id, resourceIds: time.resourceIds,
      slotKey, start: time.start, occupiedFrom: time.occupiedFrom, occupiedTo: time.occupiedTo,
      seats: time.seatsPerSlot, spaces: booking.spaces,
    });
  }
  await insertAllocations(trx, {
    bookingId: booking.id,
    organizationId: booking.organization_id,
    resourceIds: time.resourceIds,
    start: time.occupiedFrom,
    end: time.occupiedTo,
    slotKey,
  });
}
