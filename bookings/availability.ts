import type { Kysely } from 'kysely';
import { findResources } from '../db/resources';
import { groupMemberIds, toGroupedResources, toServiceRules } from '../db/schedule-model';
import type { Database } from '../db/schema';
import { findService } from '../db/services';
import {
  listSlots, listSlotsOfGroups, localDateRange, type GroupSeatsTaken, type ListSlotsInput, type ResourceMode, type Slot,
} from '../scheduling';
import { durationRefusal, offeredDuration } from '../scheduling/durations';
import { loadEngineRows } from './engine-input';
import { InvalidInput, NotFound } from './errors';

/** What slots are asked for: a service over local dates, and what the booking would need. */
export interface AvailabilityQuery {
  service: string;
  /** Local dates (in `timezone`), both inclusive. */
  from: string;
  to: string;
  /** The zone of from/to and of the answer; default the first resource's. */
  timezone?: string;
  resources?: string[];
  mode?: ResourceMode;
  duration?: number;
  spaces: number;
}

const MINUTE_MS = 60_000;
/** The shortest piece of the range the engine works on between two turns of the event loop. */
const MIN_SLICE_MS = 6 * 60 * MINUTE_MS;
/**
 * Resource-candidates (resources x calendar grid starts, an overestimate: only open hours are
 * visited) the engine may visit between two turns of the event loop: about 5 ms of work. Each
 * piece rebuilds every resource's grid and busy list, so pieces sized by work rather than by time
 * keep that cost small: 50 resources over 60 days in 6-hour pieces would be 240 rebuilds (80 ms)
 * for an answer the engine computes in 3 ms at once; sized by work, that query is two pieces.
 */
const WORK_PER_SLICE = 400_000;
/** An answer larger than this is no use to a booking page and costs seconds to build and send. */
export const MAX_SLOTS_PER_REQUEST = 5000;

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Maps slots to their answer a few hundred at a time (each takes Luxon a tenth of a millisecond). */
export async function inSlices<T, R>(items: T[], map: (item: T) => R, size = 500): Promise<R[]> {
  const mapped: R[] = [];
  for (let i = 0; i < items.length; i += size) {
    if (i > 0) await nextTurn();
    for (const item of items.slice(i, i + size)) mapped.push(map(item));
  }
  return mapped;
}

export interface AvailableSlots {
  slots: Slot[];
  /** The zone of from/to and of the answer. */
  zone: string;
  /** Group appointments already open (seats taken), by start then resource: what fills first. */
  openGroups: OpenGroups;
}

export interface OpenGroups {
  seatsPerSlot: number;
  takenAt: Map<number, Map<string, number>>;
}

function openGroupsOf(seatsPerSlot: number, groupSeats: GroupSeatsTaken[]): OpenGroups {
  const takenAt = new Map<number, Map<string, number>>();
  for (const row of groupSeats) {
    const byResource = takenAt.get(row.start) ?? new Map<string, number>();
    for (const id of row.resourceIds) byResource.set(id, (byResource.get(id) ?? 0) + row.spaces);
    takenAt.set(row.start, byResource);
  }
  return { seatsPerSlot, takenAt };
}

/**
 * The slots of a service over local dates, from the same engine and the same rows that
 * placeHold checks a start against: the service's rules, its resources' schedules, every active
 * allocation (holds included, with their buffers) and the seats taken in its group slots.
 */
export async function findAvailableSlots(
  db: Kysely<Database>, organizationId: string, query: AvailabilityQuery, now: Date,
): Promise<AvailableSlots> {
  const { zone, rangeStart, rangeEnd, grouped, openGroups, ...input } = await availabilityInput(db, organizationId, query, now);
  // A bounded amount of work at a time, letting other requests in between: 62 days of one-minute
  // slots over many resources is seconds of work, which must not freeze every other request (even
  // /healthz). Slots do not depend on the range they are asked in, so the pieces add up.
  const sliceMs = sliceLength(input.resources.length, (input.service.slotStepMinutes ?? input.durationMinutes!) * MINUTE_MS);
  const slots: Slot[] = [];
  for (let sliceStart = rangeStart; sliceStart < rangeEnd; sliceStart += sliceMs) {
    if (sliceStart > rangeStart) await nextTurn();
    const slice = { ...input, rangeStart: sliceStart, rangeEnd: Math.min(rangeEnd, sliceStart + sliceMs) };
    slots.push(...(grouped ? listSlotsOfGroups(slice, grouped) : listSlots(slice)));
    if (slots.length > MAX_SLOTS_PER_REQUEST) {
      throw new InvalidInput([{
        path: 'to', message: `the range holds more than ${MAX_SLOTS_PER_REQUEST} slots; ask for fewer days (or a longer duration)`,
      }]);
    }
  }
  return { slots, zone, openGroups };
}

/**
 * How much of the range one piece covers: as many grid starts as WORK_PER_SLICE allows over these
 * resources, and never more than the answer may hold (so a piece cannot build far past the cap
 * before it is refused). A piece costs about 0.3 ms of set-up for 50 resources, so a few are free.
 */
export function sliceLength(resourceCount: number, stepMs: number): number {
  const starts = Math.min(MAX_SLOTS_PER_REQUEST, Math.floor(WORK_PER_SLICE / Math.max(1, resourceCount)));
  return Math.max(MIN_SLICE_MS, starts * stepMs);
}

/** Everything the engine needs for a query, loaded from the database (the benchmark times the engine on it alone). */
export async function availabilityInput(
  db: Kysely<Database>, organizationId: string, query: AvailabilityQuery, now: Date,
): Promise<ListSlotsInput & { zone: string; grouped: ReturnType<typeof toGroupedResources>; openGroups: OpenGroups }> {
  const service = await findService(db, organizationId, query.service);
  if (!service) throw new NotFound(`service ${query.service} not found`, 'service');

  const strangers = (query.resources ?? []).filter((id) => !service.resource_ids.includes(id));
  if (strangers.length > 0) {
    throw new InvalidInput([{ path: 'resources', message: `resource ${strangers.join(', ')} does not provide service ${service.id}` }]);
  }
  const grouped = toGroupedResources(service, { across: query.mode, resourceIds: query.resources });
  const resourceIds = grouped ? groupMemberIds(grouped) : query.resources ?? service.resource_ids;
  const durationMinutes = offeredDuration(service.durations_minutes, query.duration);
  if (durationMinutes === null) {
    throw new InvalidInput([{
      path: 'duration', message: durationRefusal(service.durations_minutes, query.duration),
    }]);
  }

  const rows = await findResources(db, organizationId, resourceIds);
  const zone = query.timezone ?? rows.find((row) => row.id === resourceIds[0])?.timezone ?? 'UTC';
  const { rangeStart, rangeEnd } = localDateRange(query.from, query.to, zone);
  const rules = toServiceRules(service);
  const { resources, busy, groupSeats } = await loadEngineRows(db, {
    organizationId, serviceId: service.id, rules, resourceIds, durationMinutes, from: rangeStart, to: rangeEnd, resources: rows,
  });

  return {
    zone,
    grouped,
    openGroups: openGroupsOf(rules.seatsPerSlot, groupSeats),
    mode: query.mode ?? service.resource_mode,
    resources,
    service: rules,
    durationMinutes,
    busy,
    groupSeats,
    spaces: query.spaces,
    rangeStart,
    rangeEnd,
    now: now.getTime(),
  };
}
