import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { placeHold } from './place-hold';
import { recordTransition } from './record-transition';
import type { HoldOutcome, HoldRequest, TransitionOutcome, TransitionRequest } from './types';

export interface ActivityDeps {
  db: Kysely<Database>;
  /** Injected so tests can pin "now"; the worker passes the wall clock. */
  now?: () => Date;
}

/** The worker and the tests wire activities the same way: from their dependencies. */
export function createActivities({ db, now = () => new Date() }: ActivityDeps) {
  return {
    placeHold: (request: HoldRequest): Promise<HoldOutcome> => placeHold(db, request, now()),
    recordTransition: (request: TransitionRequest): Promise<TransitionOutcome> => recordTransition(db, request),
  };
}

export type BookingActivities = ReturnType<typeof createActivities>;
export type * from './types';
