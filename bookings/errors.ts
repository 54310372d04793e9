import type { HoldRefusalCode } from '../domain/booking-types';

export interface FieldError { path: string; message: string }

export interface RefusalExtra { code?: string; errors?: FieldError[]; [key: string]: unknown }

/**
 * A use case's refusal, named by what it means. The faces say it their own way: the API maps each
 * kind to a status and problem+json in its one error middleware; the pages show the form again.
 */
export abstract class BookingRefusal extends Error {
  constructor(message: string, readonly extra: RefusalExtra = {}) {
    super(message);
  }
}

/** The input cannot be taken as it is; `errors` name the fields. */
export class InvalidInput extends BookingRefusal {
  constructor(errors: FieldError[], message = errors.map((error) => `${error.path}: ${error.message}`).join('; ')) {
    super(message, { code: 'invalid_input', errors });
  }
}

/** What the request names does not exist (for this organization). */
export class NotFound extends BookingRefusal {
  constructor(message: string, field?: string) {
    super(message, { code: 'not_found', ...(field && { errors: [{ path: field, message }] }) });
  }
}

/** The caller may not do this with the credential it holds (a manage token, not an API key); `errors` name the fields. */
export class NotPermitted extends BookingRefusal {
  constructor(message: string, field?: string) {
    super(message, { code: 'forbidden', ...(field && { errors: [{ path: field, message }] }) });
  }
}

/** The booking, its time or its seats are not in a state that allows this; `code` says why. */
export class Conflict extends BookingRefusal {
  constructor(code: string, message: string, extra: Record<string, unknown> = {}) {
    super(message, { code, ...extra });
  }
}

/** An Idempotency-Key already named another request. */
export class IdempotencyKeyReused extends BookingRefusal {
  constructor(message: string, fieldMessage: string) {
    super(message, { code: 'idempotency_key_reused', errors: [{ path: 'header.Idempotency-Key', message: fieldMessage }] });
  }
}

/** A dependency (Temporal, a worker) could not do its part now; nothing is lost by asking again. */
export class Unavailable extends BookingRefusal {
  constructor(message: string) {
    super(message, { code: 'unavailable' });
  }
}

/** A hold the database refused, as the refusal it means; `path` names the field that chose what was refused. */
export function refusalOfHold(outcome: { code: HoldRefusalCode; message: string }, path?: string): BookingRefusal {
  if (outcome.code === 'service_not_found') return new NotFound(outcome.message, 'service_id');
  if (outcome.code === 'session_not_found') return new NotFound(outcome.message, path ?? 'session_id');
  if (outcome.code === 'resource_not_found') return new NotFound(outcome.message, 'resource_ids');
  if (outcome.code === 'unavailable') return new Unavailable(outcome.message);
  return new Conflict(outcome.code, outcome.message, path ? { errors: [{ path, message: outcome.message }] } : {});
}
