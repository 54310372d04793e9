import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { activityInfo } from '@temporalio/activity';
import { startEventDelivery } from '../bookings/event-delivery';

/** What an activity that wrote booking events answers: the events, and the seats it promoted with theirs. */
interface WithEvents {
  eventId?: string | null;
  promoted?: { eventId: string | null }[];
}

/**
 * Marks an outcome whose events this activity has already handed to their delivery workflows; the
 * booking workflow then starts no child for them. Results recorded without it (histories that
 * replay from before the hand-over, or a worker without a Temporal client) are announced by the
 * booking workflow itself.
 */
export type HandedOver<T> = T & { handedOver?: true };

function eventIdsOf(outcome: WithEvents): string[] {
  return [outcome.eventId, ...(outcome.promoted ?? []).map((promoted) => promoted.eventId)]
    .filter((eventId): eventId is string => Boolean(eventId));
}

/**
 * Starts the delivery workflow of each event the activity wrote to the outbox, outside the
 * booking's own history. The event rows committed before this runs, and the activity completes
 * only once every start was accepted, so a crash in between retries the activity, which finds its
 * events again (by step) and starts them again (`startEventDelivery` starts each once).
 */
export async function handOverEvents<T extends object>(
  db: Kysely<Database>, temporal: Client | null, organizationId: string | undefined, outcome: T,
): Promise<HandedOver<T>> {
  const eventIds = eventIdsOf(outcome as WithEvents);
  if (!temporal || !organizationId || eventIds.length === 0) return outcome;
  const { taskQueue } = activityInfo();
  await Promise.all(eventIds.map((eventId) => startEventDelivery(db, temporal, taskQueue, eventId, organizationId)));
  return { ...outcome, handedOver: true };
}
