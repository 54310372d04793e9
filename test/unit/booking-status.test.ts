import { STATUSES as MIGRATION_STATUSES } from '../../db/migrations/0016_booking_status_check';
import {
  BOOKING_STATUSES, CANCELLABLE_STATUSES, FREES_CAPACITY_STATUSES, LIVE_STATUSES, PROMISED_STATUSES,
  RESCHEDULABLE_STATUSES, SEATED_STATUSES, TAKES_PLACE_STATUSES, TERMINAL_STATUSES,
} from '../../domain/booking-status';

// The migration spells its list (it is frozen in time); this keeps the CHECK and the code agreeing.
test('the CHECK constraint on bookings.status allows exactly the statuses the code knows', () => {
  expect([...MIGRATION_STATUSES].sort()).toEqual([...BOOKING_STATUSES].sort());
});

test('every status is live or terminal, never both', () => {
  expect([...LIVE_STATUSES, ...TERMINAL_STATUSES].sort()).toEqual([...BOOKING_STATUSES].sort());
});

test('the named sets are made of known statuses, without repeats', () => {
  for (const set of [SEATED_STATUSES, LIVE_STATUSES, TERMINAL_STATUSES, FREES_CAPACITY_STATUSES, PROMISED_STATUSES,
    TAKES_PLACE_STATUSES, CANCELLABLE_STATUSES, RESCHEDULABLE_STATUSES]) {
    expect(new Set(set).size).toBe(set.length);
    for (const status of set) expect(BOOKING_STATUSES).toContain(status);
  }
});
